"""A request body larger than the site ever needs is refused before anything reads it.

Django bounds form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams uploaded files to disk
whatever their size, and the CSRF check parses a multipart body before any view runs: a
multi-GB POST to any page would be written to a temporary file first. This middleware, placed
before the sessions and the CSRF check, answers 413 from the declared Content-Length alone
(under WSGI a body is never read past its Content-Length, so a body without one is empty).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django reads no body for a Content-Length it cannot parse
        limit: int = settings.CLUSTERLINK_MAX_REQUEST_BYTES
        if declared > limit:
            message = _(
                "The request is %(size).1f MB; the limit is %(limit).1f MB. Split the file into smaller files."
            ) % {"size": declared / 1_000_000, "limit": limit / 1_000_000}
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
