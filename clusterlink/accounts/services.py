"""Writes of accounts: sign-up, memberships, language preference, and the login throttle."""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from clusterlink.accounts.models import Membership, User
from clusterlink.common.errors import ApplicationError, CommonErrorCode
from clusterlink.common.validation import FieldErrors, full_clean_into
from clusterlink.directory.models import Cluster, Enterprise

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


@transaction.atomic
def membership_add(
    *, user: User, enterprise: Enterprise, role: str = Membership.Role.MEMBER
) -> Membership:
    """Make `user` act for `enterprise` as owner or member. Raises ApplicationError for an unknown
    role or when the person already belongs to the firm (nothing is written)."""
    errors = FieldErrors()
    if role not in Membership.Role.values:
        errors.add("role", _("Unknown role: %(code)s") % {"code": role})
    if Membership.objects.filter(user=user, enterprise=enterprise).exists():
        errors.add("enterprise", _("This person already belongs to this firm."))
    errors.raise_if_any()
    membership = Membership(user=user, enterprise=enterprise, role=role)
    full_clean_into(membership, errors)
    errors.raise_if_any()
    membership.save()
    return membership


@transaction.atomic
def user_sign_up(
    *,
    username: str,
    email: str,
    password: str,
    language: str = "zh-hans",
    display_name: str = "",
    firm_name: str = "",
    firm_cluster: Cluster | None = None,
    firm_roles: tuple[str, ...] = (),
) -> User:
    """Create a user; with `firm_name`, also create that firm and make the user its owner.

    One transaction: an invalid firm leaves no user behind. Raises ApplicationError whose details
    name every invalid field (firm fields are prefixed "firm_").
    """
    from clusterlink.directory.services import enterprise_create

    errors = FieldErrors()
    user = User(
        username=username.strip(),
        email=User.objects.normalize_email(email.strip()),
        display_name=display_name.strip(),
        language=language,
    )
    if language not in LANGUAGE_CODES:
        errors.add("language", _("Unknown language: %(code)s") % {"code": language})
    full_clean_into(user, errors, exclude=["password", "language"])
    # The database compares exactly; people do not: "Li@Example.cn" is "li@example.cn".
    already = errors.as_dict()
    if "email" not in already and User.objects.filter(email__iexact=user.email).exists():
        errors.add("email", _("An account with this e-mail address already exists."))
    if "username" not in already and User.objects.filter(username__iexact=user.username).exists():
        errors.add("username", _("This username is taken."))
    try:
        validate_password(password, user)
    except ValidationError as exc:
        for message in exc.messages:
            errors.add("password", message)
    errors.raise_if_any()
    user.set_password(password)
    user.save()

    if firm_name.strip():
        try:
            # The firm asks to join its cluster; the cluster's operators decide.
            enterprise = enterprise_create(
                legal_name=firm_name.strip(),
                cluster=firm_cluster,
                roles=firm_roles,
                cluster_status=Enterprise.ClusterStatus.PENDING,
            )
        except ApplicationError as exc:
            # Re-raise under the form's field names; the atomic block removes the user again.
            details = {f"firm_{field}": messages for field, messages in exc.details.items()}
            raise ApplicationError(exc.message, code=exc.code, details=details) from exc
        membership_add(user=user, enterprise=enterprise, role=Membership.Role.OWNER)
    return user


@transaction.atomic
def user_language_set(*, user: User, language: str) -> User:
    """Store the user's preferred interface language."""
    if language not in LANGUAGE_CODES:
        raise ApplicationError(
            _("Some fields are not valid."),
            details={"language": [str(_("Unknown language: %(code)s") % {"code": language})]},
        )
    user.language = language
    user.save(update_fields=["language"])
    return user


@transaction.atomic
def user_password_set(*, user: User, password: str | None) -> User:
    """Give `user` a new password (the reset link, or a change in the admin; None disables
    password sign-in), and revoke every API token of theirs: a password that may have leaked must
    not leave working tokens behind. The caller has validated the password (Django's password
    forms do)."""
    from clusterlink.accounts.tokens import api_token_revoke_all

    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    api_token_revoke_all(user=user)
    return user


# Login throttle ------------------------------------------------------------------------------
# Failures are counted in the shared cache, so that all web processes see the same counts; each
# window starts with its first failure. Two counters, and deliberately no third one per account
# alone: a limit per account would let anyone lock a named user out from anywhere.
# - per (account, client address): a few failures block that pair only; the account's owner, at
#   their own address, still signs in;
# - per client address: many failures, over any accounts, block the address (one address guessing
#   many accounts, or one account under many spellings).
# A success clears only its own pair: signing into one's own account must not reset the count of an
# address that is guessing others.


def _throttle_key(kind: str, value: str) -> str:
    return f"clusterlink:login-failures:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def _count_failure(key: str) -> int:
    window = settings.CLUSTERLINK_LOGIN_WINDOW_SECONDS
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window)
        return 1


@dataclass(frozen=True)
class LoginThrottle:
    """The sign-in throttle of one account at one client address (see `client_ip`); the site's and
    the admin's login pages share it, so switching between them buys no tries."""

    username: str
    client_ip: str

    @property
    def key(self) -> str:
        return _throttle_key("pair", f"{self.username.strip().lower()}|{self.client_ip}")

    @property
    def address_key(self) -> str:
        return _throttle_key("address", self.client_ip)

    def failures(self) -> int:
        """Failures of this account from this address within the window."""
        return int(cache.get(self.key, 0))

    def address_failures(self) -> int:
        """Failures from this address, over every account, within the window."""
        return int(cache.get(self.address_key, 0))

    def is_blocked(self) -> bool:
        return (
            self.failures() >= settings.CLUSTERLINK_LOGIN_ATTEMPTS
            or self.address_failures() >= settings.CLUSTERLINK_LOGIN_ATTEMPTS_PER_ADDRESS
        )

    def record_failure(self) -> int:
        """Count one more failure; returns the count of this account at this address."""
        _count_failure(self.address_key)
        return _count_failure(self.key)

    def clear(self) -> None:
        """Forget this pair's failures (after a success); the address's count stays."""
        cache.delete(self.key)


def login_throttle_error() -> ApplicationError:
    minutes = max(1, round(settings.CLUSTERLINK_LOGIN_WINDOW_SECONDS / 60))
    return ApplicationError(
        _(
            "Too many failed sign-in attempts. Please wait %(minutes)s minutes and try again, "
            "or reset your password."
        )
        % {"minutes": minutes},
        code=CommonErrorCode.THROTTLED,
        status=429,
    )


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _is_trusted_proxy(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(address in network for network in settings.CLUSTERLINK_TRUSTED_PROXY_NETWORKS)


def client_ip(meta: dict[str, Any]) -> str:
    """The client's address. REMOTE_ADDR, unless it is a trusted proxy (settings
    CLUSTERLINK_TRUSTED_PROXY_NETWORKS); then X-Forwarded-For is read from the right (each proxy
    appends the address it saw) and the first hop that is not a trusted proxy is the client.

    X-Forwarded-For is never believed from anyone else: a client could write any address there
    and so count its failures under a victim's address, or get a fresh count at every request.
    """
    remote = str(meta.get("REMOTE_ADDR") or "").strip()
    remote_ip = _ip(remote)
    if remote_ip is None:
        return remote or "unknown"
    if not _is_trusted_proxy(remote_ip):
        return str(remote_ip)
    client = remote_ip
    hops = str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",")
    for hop in reversed(hops):
        hop_ip = _ip(hop)
        if hop_ip is None:
            break  # garbage left of the hop our proxies vouch for: keep the last good address
        client = hop_ip
        if not _is_trusted_proxy(hop_ip):
            break
    return str(client)
