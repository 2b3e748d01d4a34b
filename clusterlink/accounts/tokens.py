"""API tokens for integrators, and how the API authenticates a request.

A request is authenticated by `Authorization: Bearer <token>` (checked against the token's
SHA-256), or by the browser's Django session (with CSRF on writes). Reads of public data also
accept anonymous requests. A presented token that is unknown, revoked or expired is refused outright:
it is never downgraded to an anonymous request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie

from clusterlink.common import clock
from clusterlink.common.errors import NotFoundError
from clusterlink.common.validation import FieldErrors, full_clean_into

from .models import ApiToken, User, hash_token

# last_used_at is written at most this often per token, so that reads do not each cost a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


# ---- services ----------------------------------------------------------------------------------


@transaction.atomic
def api_token_create(
    *, user: User, name: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for `user`, valid until `expires_at` (None: until revoked). Returns the row
    and the raw token, which is never stored nor shown again. Raises ApplicationError for an empty
    name or an expiry that is not in the future (nothing is written)."""
    errors = FieldErrors()
    raw = ApiToken.new_raw_key()
    token = ApiToken(
        user=user,
        name=(name or "").strip(),
        prefix=raw[:8],
        key_hash=hash_token(raw),
        expires_at=expires_at,
    )
    if expires_at is not None and expires_at <= clock.now():
        errors.add("expires_at", _("The expiry must be in the future."))
    full_clean_into(token, errors)
    errors.raise_if_any()
    token.save()
    return token, raw


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (idempotent). Another user's token is not found."""
    try:
        token = ApiToken.objects.select_for_update().get(pk=token_id, user=user)
    except ApiToken.DoesNotExist as exc:
        raise NotFoundError() from exc
    if token.revoked_at is None:
        token.revoke()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token


@transaction.atomic
def api_token_revoke_all(*, user: User) -> int:
    """Revoke every token of `user` that is not revoked yet (after the password was reset or
    changed: whoever knew the old password may have minted them). Returns how many."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=clock.now(), updated_at=clock.now()
    )


def api_token_authenticate(*, raw: str) -> User | None:
    """The active user a raw token belongs to, or None for an unknown, revoked, expired or
    inactive one."""
    if not raw or len(raw) > 200 or "\x00" in raw:
        return None
    now = clock.now()
    try:
        token = ApiToken.objects.select_related("user").get(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            key_hash=hash_token(raw),
            revoked_at__isnull=True,
        )
    except ApiToken.DoesNotExist:
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # A filtered update: concurrent requests with the same token write once and never block.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
    return token.user


# ---- authentication for django-ninja ------------------------------------------------------------


def _activate_user_language(request: HttpRequest, user: User) -> None:
    """Answer in the user's language unless the request names one (Accept-Language or the language
    cookie), which LocaleMiddleware has already activated."""
    if request.META.get("HTTP_ACCEPT_LANGUAGE") or request.COOKIES.get(
        settings.LANGUAGE_COOKIE_NAME
    ):
        return
    language = getattr(user, "language", "") or ""
    if language and translation.check_for_language(language):
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; a bad token is a 401 even on endpoints open to anonymous
    readers."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = api_token_authenticate(raw=token)
        if user is None:
            raise AuthenticationError(
                message=str(_("The API token is not valid, has expired or has been revoked."))
            )
        request.user = user
        _activate_user_language(request, user)
        return user


class SessionCsrfAuth(APIKeyCookie):
    """The browser's Django session; writes must carry the CSRF token. Anonymous requests skip the
    CSRF check here, so they fall through to the next method (and get 401, not a CSRF failure)."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.user.is_authenticated:
            _activate_user_language(request, request.user)
            return request.user
        return None


class _Anonymous:
    """Truthy marker ninja stores in request.auth for anonymous readers."""

    def __repr__(self) -> str:
        return "<anonymous>"


ANONYMOUS_AUTH = _Anonymous()


def anonymous(request: HttpRequest) -> _Anonymous:
    return ANONYMOUS_AUTH


token_auth = ApiTokenAuth()
session_auth = SessionCsrfAuth()
# Endpoints that need a user, and endpoints that also serve anonymous readers.
AUTH_REQUIRED: list[Any] = [token_auth, session_auth]
AUTH_OPTIONAL: list[Any] = [token_auth, session_auth, anonymous]


def request_user(request: HttpRequest) -> User | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user  # type: ignore[no-any-return]
    return None
