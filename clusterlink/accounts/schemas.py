"""API schemas of accounts: the current user and their API tokens."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from clusterlink.common.schemas import InputSchema, SafeStr


class MembershipOut(Schema):
    enterprise_id: int
    enterprise_name: str
    role: str = Field(description="owner or member.")
    cluster_status: str = Field(
        description="pending, approved or rejected: the firm takes part in its cluster's work "
        "only once the cluster's operators approved it."
    )


class MeOut(Schema):
    id: int
    username: str
    email: str
    display_name: str
    language: str
    is_platform_admin: bool
    memberships: list[MembershipOut]
    operator_clusters: list[str] = Field(description="Slugs of the clusters you operate.")


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="First characters of the token, to recognise it.")
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None = Field(description="Refused after this moment; null: never.")
    revoked_at: dt.datetime | None


class ApiTokenCreatedOut(ApiTokenOut):
    token: str = Field(description="The token itself. Shown only in this response: store it now.")


class ApiTokenIn(InputSchema):
    name: SafeStr = Field(..., min_length=1, max_length=100, description="What the token is for.")
    expires_at: dt.datetime | None = Field(
        None, description="When the token stops working (in the future); omitted: never."
    )
