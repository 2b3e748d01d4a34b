"""The accounts API: who am I, and my API tokens.

Tokens are managed only from a logged-in browser session (with CSRF), never with a token: a
leaked token must not be able to mint fresh ones.
"""

from typing import Any, cast

from django.http import HttpRequest
from ninja import Router, Status
from ninja.params import functions as param_functions
from ninja.throttling import UserRateThrottle

from clusterlink.accounts import tokens
from clusterlink.accounts.access import viewer_for
from clusterlink.accounts.models import Membership, OperatorScope, User
from clusterlink.accounts.schemas import ApiTokenCreatedOut, ApiTokenIn, ApiTokenOut, MeOut
from clusterlink.common.schemas import ERROR_STATUSES, MAX_ID, ErrorOut

router = Router(tags=["accounts"], auth=tokens.AUTH_REQUIRED)

ERRORS: dict[Any, Any] = {ERROR_STATUSES: ErrorOut}
# Creating tokens is rare; a burst is an attack or a bug.
TOKEN_CREATE_RATE = "10/h"
TokenId: Any = param_functions.Path(..., ge=1, le=MAX_ID)


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The current user")
def me(request: HttpRequest) -> dict[str, Any]:
    user = cast(User, request.user)
    viewer = viewer_for(user)
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("enterprise")
        .order_by("enterprise__legal_name", "enterprise_id")
    )
    clusters = (
        OperatorScope.objects.filter(user=user).select_related("cluster").order_by("cluster__slug")
    )
    return {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "display_name": user.display_name,
        "language": user.language,
        "is_platform_admin": viewer.is_platform_admin,
        "memberships": [
            {
                "enterprise_id": m.enterprise_id,
                "enterprise_name": m.enterprise.display_name,
                "role": m.role,
                "cluster_status": m.enterprise.cluster_status,
            }
            for m in memberships
        ],
        "operator_clusters": [scope.cluster.slug for scope in clusters],
    }


@router.get(
    "/me/tokens",
    response={200: list[ApiTokenOut], **ERRORS},
    auth=[tokens.session_auth],
    summary="My API tokens",
)
def token_list(request: HttpRequest) -> Any:
    return tokens.api_token_list(user=request.user)  # type: ignore[arg-type]


@router.post(
    "/me/tokens", response={201: ApiTokenCreatedOut, **ERRORS}, auth=[tokens.session_auth],
    throttle=[UserRateThrottle(TOKEN_CREATE_RATE)], summary="Create an API token",
)  # fmt: skip
def token_create(request: HttpRequest, payload: ApiTokenIn) -> Status[dict[str, Any]]:
    """The response holds the raw token; it is never shown again."""
    token, raw = tokens.api_token_create(
        user=request.user,  # type: ignore[arg-type]
        name=payload.name,
        expires_at=payload.expires_at,
    )
    return Status(201, {**ApiTokenOut.from_orm(token).model_dump(), "token": raw})


@router.delete(
    "/me/tokens/{token_id}",
    response={204: None, **ERRORS},
    auth=[tokens.session_auth],
    summary="Revoke an API token",
)
def token_revoke(request: HttpRequest, token_id: int = TokenId) -> Status[None]:
    tokens.api_token_revoke(user=request.user, token_id=token_id)  # type: ignore[arg-type]
    return Status(204, None)
