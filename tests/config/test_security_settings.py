"""HTTPS hardening in production, none of it in the embedded mode, and the Content Security Policy
on every page."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from config.env import BASE_DIR

HARDENING = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER",
    "CLUSTERLINK_CSP",
    "CLUSTERLINK_CSP_UPGRADE_INSECURE_REQUESTS",
]


def settings_under(environment: dict[str, str]) -> dict[str, object]:
    """The hardening settings as a fresh process reads them under `environment` (settings are read
    once per process, so a test cannot switch modes in place)."""
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{name: getattr(settings, name) for name in {HARDENING!r}}}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CLUSTERLINK_")}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **environment},
        cwd=Path(BASE_DIR),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_production_turns_on_https_redirect_hsts_and_secure_cookies() -> None:
    values = settings_under({"CLUSTERLINK_PRODUCTION": "true", "CLUSTERLINK_SECRET_KEY": "s" * 50})

    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "CLUSTERLINK_CSP": True,
        "CLUSTERLINK_CSP_UPGRADE_INSECURE_REQUESTS": True,
    }


def test_the_embedded_mode_stays_on_plain_http() -> None:
    values = settings_under({})

    assert values == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "LANGUAGE_COOKIE_SECURE": False,
        "SECURE_PROXY_SSL_HEADER": None,
        "CLUSTERLINK_CSP": True,
        "CLUSTERLINK_CSP_UPGRADE_INSECURE_REQUESTS": False,
    }


@pytest.mark.django_db
def test_every_page_carries_a_strict_policy_with_a_fresh_nonce_its_scripts_carry(
    client: Client,
) -> None:
    first = client.get("/en/")
    second = client.get("/en/")

    policy = first["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert first.status_code == 200
    assert nonce is not None
    assert policy == (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce.group(1)}'; "
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; "
        "font-src 'self'; "
        "connect-src 'self'; "
        "object-src 'none'; "
        "base-uri 'self'; "
        "form-action 'self'; "
        "frame-ancestors 'none'"
    )
    assert second["Content-Security-Policy"] != policy  # a nonce is never reused


def test_no_template_has_an_inline_script_without_nonce_or_an_inline_handler() -> None:
    """The policy refuses inline event handlers and un-nonced inline scripts: none may remain."""
    offenders = []
    for template in sorted((BASE_DIR / "clusterlink").rglob("templates/**/*.html")):
        text = template.read_text()
        for pattern in (
            r"<script>",
            r"<script(?![^>]*\b(?:src|nonce|type)=)[^>]*>",
            r"\son[a-z]+=\"",
        ):
            offenders += [
                f"{template.relative_to(BASE_DIR)}: {m}" for m in re.findall(pattern, text)
            ]

    assert offenders == []
