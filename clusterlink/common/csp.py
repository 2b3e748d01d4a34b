"""The Content Security Policy of every page, with a fresh nonce per request.

Django 5.2 has no CSP of its own; this middleware is the whole of ours (django-csp would be one
more dependency for these few lines). Scripts run only from this site's static files or from an
inline `<script nonce="{{ request.csp_nonce }}">`; inline event handlers (`onclick=` …) are refused,
so pages attach their behaviour in static/js/behaviours.js (data-confirm, data-submit-on-change,
data-print). Styles allow 'unsafe-inline': templates use style="" attributes, ECharts and htmx
write inline styles, and a style cannot run code; every script and every other source stays on
'self'.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


def policy(nonce: str) -> str:
    """The header's value for one response."""
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}'",
        "style-src": "'self' 'unsafe-inline'",
        # ECharts' and Swagger UI's small images are data: URLs.
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    text = "; ".join(f"{name} {value}" for name, value in directives.items())
    if settings.CLUSTERLINK_CSP_UPGRADE_INSECURE_REQUESTS:
        text += "; upgrade-insecure-requests"
    return text


class ContentSecurityPolicyMiddleware:
    """Puts `request.csp_nonce` on the request and the policy on the response (unless a view has
    set its own header)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(18)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if settings.CLUSTERLINK_CSP and HEADER not in response:
            response[HEADER] = policy(nonce)
        return response
