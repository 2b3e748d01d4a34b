"""The site's own error pages: translated, with the site's header, readable on a phone."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import permission_denied, server_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("lang", "title"),
    [("zh-hans", "页面不存在"), ("en", "Page not found"), ("ja", "ページが見つかりません")],
)
def test_not_found_page_is_the_site_s_own_in_the_reader_s_language(lang: str, title: str) -> None:
    response = Client().get(f"/{lang}/enterprises/999999/")
    body = response.content.decode()
    assert response.status_code == 404
    assert f"<h1>{title}</h1>" in body
    assert 'name="viewport"' in body
    assert 'class="site-nav"' in body
    assert "The requested resource was not found on this server" not in body


def test_permission_denied_page_is_translated() -> None:
    request = RequestFactory().get("/ja/")
    with translation.override("ja"):
        response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "<h1>許可されていません</h1>" in response.content.decode()


def test_server_error_page_needs_no_request_context_and_is_translated() -> None:
    request = RequestFactory().get("/zh-hans/")
    with translation.override("zh-hans"):
        response = server_error(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert "<h1>出错了</h1>" in body
    assert 'name="viewport"' in body
