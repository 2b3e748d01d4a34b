"""Fixtures shared by the API tests (loaded with `pytest_plugins`): a small world with a user of
every role, and token clients."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from clusterlink.accounts.models import Membership, User
from clusterlink.accounts.tokens import api_token_create
from clusterlink.directory.models import Cluster, Enterprise
from clusterlink.directory.search import index_for_search as set_search_fields
from tests.accounts.factories import MembershipFactory, OperatorScopeFactory, UserFactory
from tests.directory.factories import ClusterFactory, EnterpriseFactory

# Users without a password: hashing one costs more than a whole test (sessions use force_login).
FAST: dict[str, Any] = {"user__password": None}


class ApiClient:
    """A JSON client for /api, authenticated by a bearer token (or anonymous)."""

    def __init__(self, token: str | None = None, **headers: str) -> None:
        self.client = Client()
        self.headers = dict(headers)
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        call = getattr(self.client, method)
        kwargs: dict[str, Any] = {"headers": self.headers}
        if body is not None:
            kwargs["data"] = body
            kwargs["content_type"] = "application/json"
        elif params:
            kwargs["data"] = params
        return call(f"/api{path}", **kwargs)

    def get(self, path: str, **params: Any) -> Any:
        return self.request("get", path, **params)

    def post(self, path: str, body: Any) -> Any:
        return self.request("post", path, body)

    def patch(self, path: str, body: Any) -> Any:
        return self.request("patch", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self.request("put", path, body)

    def delete(self, path: str) -> Any:
        return self.request("delete", path)


def client_for(user: User | None) -> ApiClient:
    if user is None:
        return ApiClient()
    _token, raw = api_token_create(user=user, name="tests")
    return ApiClient(raw)


def index_for_search(enterprise: Enterprise) -> Enterprise:
    """Factories write rows directly; search keys are normally set by the enterprise services."""
    set_search_fields(enterprise)
    enterprise.save(update_fields=["search_keys", "sort_name"])
    return enterprise


@dataclass
class World:
    putian: Cluster
    jinjiang: Cluster
    factory: Enterprise  # OEM factory in Putian
    brand: Enterprise  # brand in Putian
    outsider_firm: Enterprise  # factory in Jinjiang
    factory_owner: User
    brand_owner: User
    outsider: User  # member of the outsider firm
    operator: User  # operator of Putian
    other_operator: User  # operator of Jinjiang
    admin: User

    def role_users(self) -> dict[str, User | None]:
        return {
            "anonymous": None,
            "outsider": self.outsider,
            "owner": self.factory_owner,
            "operator": self.operator,
            "other_operator": self.other_operator,
            "admin": self.admin,
        }


@pytest.fixture
def fresh_throttle_cache(db: None) -> Iterator[None]:
    """Throttle counters live in the database cache, which outlives a test on some databases.
    Afterwards, forget the language the last request activated in this thread."""
    cache.clear()
    yield
    translation.deactivate()


@pytest.fixture
def world(db: None, fresh_throttle_cache: None) -> World:
    putian = ClusterFactory(
        slug="putian", name_zh="莆田鞋业集群", name_en="Putian footwear cluster"
    )
    jinjiang = ClusterFactory(
        slug="jinjiang", name_zh="晋江鞋业集群", name_en="Jinjiang footwear cluster"
    )
    factory = EnterpriseFactory(
        cluster=putian,
        legal_name="莆田市荔城鞋业有限公司",
        name_en="Putian Licheng Shoes",
        contact_phone="13900000001",
        roles=["oem_factory"],
    )
    brand = EnterpriseFactory(
        cluster=putian,
        legal_name="莆田品牌鞋业有限公司",
        name_en="Putian Brand Shoes",
        contact_phone="13900000002",
        roles=["brand"],
    )
    outsider_firm = EnterpriseFactory(
        cluster=jinjiang,
        legal_name="晋江外部鞋厂",
        name_en="Jinjiang Outside Shoes",
        address="福建省晋江市陈埭镇",
        contact_phone="13900000003",
        roles=["oem_factory"],
    )
    for enterprise in (factory, brand, outsider_firm):
        index_for_search(enterprise)
    factory_owner = MembershipFactory(enterprise=factory, role=Membership.Role.OWNER, **FAST).user
    brand_owner = MembershipFactory(enterprise=brand, role=Membership.Role.OWNER, **FAST).user
    outsider = MembershipFactory(enterprise=outsider_firm, role=Membership.Role.MEMBER, **FAST).user
    operator = OperatorScopeFactory(cluster=putian, **FAST).user
    other_operator = OperatorScopeFactory(cluster=jinjiang, **FAST).user
    admin = UserFactory(is_superuser=True, is_staff=True, password=None)
    return World(
        putian,
        jinjiang,
        factory,
        brand,
        outsider_firm,
        factory_owner,
        brand_owner,
        outsider,
        operator,
        other_operator,
        admin,
    )
