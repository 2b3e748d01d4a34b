"""The pages under their Content Security Policy in a real browser: no violation, the scripts run
(htmx, the charts, the language switch)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def watch_violations(page: Any) -> list[str]:
    """Console messages and page errors that report a refused script, style or source."""
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def test_public_pages_run_their_scripts_without_a_policy_violation(
    page: Any, url: Callable[..., str], directory_firms: dict[str, Any]
) -> None:
    violations = watch_violations(page)

    # the home page and a cluster page with its ECharts chart (an inline script with a nonce)
    home = page.goto(url("directory:home", lang="en"))
    page.goto(url("directory:cluster_detail", directory_firms["xiaobeihe"].slug, lang="en"))
    page.wait_for_selector("#roles-chart svg")

    # the directory's htmx filters
    page.goto(url("directory:enterprise_list", lang="en"))
    page.wait_for_function("window.htmx !== undefined")

    # the language switch (once an inline onchange handler, now static/js/behaviours.js)
    with page.expect_navigation():
        page.select_option("#language-select", "ja")

    assert "script-src 'self' 'nonce-" in home.headers["content-security-policy"]
    assert page.url == url("directory:enterprise_list", lang="ja")
    assert violations == []


def test_an_inline_script_without_the_nonce_would_be_refused(
    page: Any, url: Callable[..., str], directory_firms: dict[str, Any]
) -> None:
    """The policy is in force: a script injected without the nonce does not run."""
    violations = watch_violations(page)
    page.goto(url("directory:home", lang="en"))

    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = true'; document.body.appendChild(s); }"
    )

    assert page.evaluate("() => window.injected === true") is False
    assert len(violations) == 1
    assert "Content Security Policy" in violations[0]
