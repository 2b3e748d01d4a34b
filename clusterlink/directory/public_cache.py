"""Cached answers of the public directory search, for requests that carry no credentials.

Anonymous searches are most of the directory's traffic and all anonymous visitors get the same
answer for the same query and language, so that answer is kept in the cache for
`settings.DIRECTORY_CACHE_SECONDS` (0 turns this off). Requests with a session cookie or an
Authorization header are never served from it nor stored in it: what they see depends on who
they are.

Every write to the public directory (a firm, its roles and taxonomy links, a cluster) changes
the directory's *version* once its transaction commits; an entry remembers the version it was
computed at and is ignored when the version has moved on. Entry and version are read together
in one cache lookup. Writes that bypass model signals (the bulk import) call
`directory_changed()` themselves.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

VERSION_KEY = "directory:version"


def directory_changed() -> None:
    """Invalidate every cached answer once the current transaction (if any) commits."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, None))


def _changed(**_: Any) -> None:
    directory_changed()


def connect_signals() -> None:
    """Called from DirectoryConfig.ready()."""
    from clusterlink.directory.models import Cluster, Enterprise, EnterpriseRole

    for model in (Enterprise, EnterpriseRole, Cluster):
        post_save.connect(_changed, sender=model, dispatch_uid=f"public-cache-save-{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"public-cache-delete-{model}")
    for link in (Enterprise.categories, Enterprise.certifications, Enterprise.processes):
        m2m_changed.connect(_changed, sender=link.through, dispatch_uid=f"public-cache-{link}")


def _anonymous(request: HttpRequest) -> bool:
    return (
        "Authorization" not in request.headers
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def public_cached(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a successful GET of an anonymous visitor from the cache (see the module's doc)."""

    @wraps(view)
    def cached(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seconds = settings.DIRECTORY_CACHE_SECONDS
        if not seconds or request.method != "GET" or not _anonymous(request):
            return view(request, *args, **kwargs)
        key = f"directory:answer:{get_language()}:{request.get_full_path()}"
        found = cache.get_many([key, VERSION_KEY])
        version, entry = found.get(VERSION_KEY), found.get(key)
        if version is None:  # never set, or evicted: start a version no old entry has
            cache.add(VERSION_KEY, uuid.uuid4().hex, None)
            version = cache.get(VERSION_KEY)
        if entry is not None and entry[0] == version:
            _, status, content_type, body = entry
            return HttpResponse(body, status=status, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            cache.set(
                key, (version, 200, response["Content-Type"], response.content), timeout=seconds
            )
        return response

    return cached
