"""Every page and API endpoint × every role: private data never leaks, hidden rows are 404.

Private values are planted as canaries (a contact e-mail, a capacity price, private demand
titles and target prices, an unlisted firm). The crawl requests every GET route of the URL
configuration and every GET operation of the OpenAPI schema, filling path parameters with the
ids of all planted rows, as each role. For each role:
- no response is a server error;
- no canary the role may not see appears in any response body (xlsx bodies are unpacked);
- every canary the role may see appears somewhere (so the crawl really reaches them);
- detail routes of rows the role may not see answer 404.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from clusterlink.accounts.models import Membership, OperatorScope, User
from clusterlink.common import clock
from clusterlink.directory.models import CapacityWeek, Category
from clusterlink.market.models import Demand, DemandShare, DemandType, Visibility
from tests.directory.factories import ClusterFactory, EnterpriseFactory

ROLES = [
    "anonymous",
    "outsider",
    "cluster_peer",
    "owner",
    "shared_partner",
    "operator",
    "other_operator",
    "admin",
]

# canary text → roles that may see it
CANARIES: dict[str, set[str]] = {
    "canary-contact@secret.cn": {"owner", "operator", "admin"},
    "66.61": {"owner", "operator", "admin"},  # capacity unit price of the factory
    "CANARY-PRIVATE-DEMAND": {"owner", "shared_partner", "operator", "admin"},
    "55.51": {"owner", "shared_partner", "operator", "admin"},  # target price of the private demand
    "CANARY-CLUSTER-DEMAND": {"owner", "cluster_peer", "shared_partner", "operator", "admin"},
    "44.41": {"owner", "operator", "admin"},  # target price of a public demand
    "CANARY-DRAFT-DEMAND": {"owner", "operator", "admin"},
    "CANARY-UNLISTED-FIRM": {"operator", "admin"},
    # docking events (planted by _plant_events)
    "CANARY-PRIVATE-EVENT": {"owner", "shared_partner", "operator", "admin"},
    "CANARY-DRAFT-EVENT": {"operator", "admin"},
    "canary-participant@secret.cn": {"owner", "operator", "admin"},  # a representative's e-mail
    "CANARY-MEETING-NOTE": {"owner", "shared_partner", "operator", "admin"},
}
# Detail routes of a kind, where the generic "/<kind>s/<id>" would also match other apps' pages
# about the row (an event's outcome report has access rules of its own).
DETAIL_ROUTES = {"event": r"^/(?:zh-hans|api)/events/{row_id}/?$"}
SKIPPED_PREFIXES = ("/admin/", "/i18n/", "/zh-hans/admin/", "/en/", "/ja/", "/static/", "/media/")
PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@dataclass
class World:
    ids: dict[str, list[int]]  # kind ("enterprise", "demand", "any") → planted ids
    slugs: list[str]
    clients: dict[str, Client]
    hidden: dict[str, dict[str, set[str]]]  # kind → id → roles that may see it


def _login(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def world(db: Any) -> World:
    putian, other = ClusterFactory(slug="putian"), ClusterFactory(slug="elsewhere")
    factory = EnterpriseFactory(
        cluster=putian, contact_email="canary-contact@secret.cn", roles=["oem_factory"]
    )
    brand = EnterpriseFactory(cluster=putian, roles=["brand"])
    peer = EnterpriseFactory(cluster=putian)
    outsider_firm = EnterpriseFactory(cluster=other)
    partner = EnterpriseFactory(cluster=other)
    unlisted = EnterpriseFactory(
        cluster=putian,
        legal_name="CANARY-UNLISTED-FIRM",
        name_en="CANARY-UNLISTED-FIRM",
        is_listed=False,
    )
    category = Category.objects.get(code="sports-shoes")
    week = clock.current_week() + dt.timedelta(weeks=2)
    CapacityWeek.objects.create(
        enterprise=factory,
        category=category,
        week=week,
        free_pairs=7000,
        unit_price_min_rmb=Decimal("66.61"),
        unit_price_max_rmb=Decimal("70.00"),
    )
    common = dict(
        owner=brand,
        demand_type=DemandType.PROCESSING_ORDER,
        category=category,
        pairs=10_000,
        delivery_week=week + dt.timedelta(weeks=4),
    )
    private = Demand.objects.create(
        title="CANARY-PRIVATE-DEMAND",
        visibility=Visibility.PRIVATE,
        target_unit_price_rmb=Decimal("55.51"),
        **common,
    )
    cluster_only = Demand.objects.create(
        title="CANARY-CLUSTER-DEMAND", visibility=Visibility.CLUSTER, **common
    )
    public = Demand.objects.create(
        title="Public running shoes order",
        visibility=Visibility.PUBLIC,
        target_unit_price_rmb=Decimal("44.41"),
        **common,
    )
    draft = Demand.objects.create(
        title="CANARY-DRAFT-DEMAND",
        visibility=Visibility.PUBLIC,
        status=Demand.Status.DRAFT,
        **common,
    )
    DemandShare.objects.create(demand=private, enterprise=partner)
    DemandShare.objects.create(demand=cluster_only, enterprise=partner)

    users: dict[str, User | None] = {"anonymous": None}
    for role in ROLES[1:]:
        users[role] = User.objects.create_user(
            role,
            f"{role}@example.cn",
            "correct-horse-42",
            is_superuser=role == "admin",
            is_staff=role == "admin",
        )
    Membership.objects.create(user=users["outsider"], enterprise=outsider_firm)
    Membership.objects.create(user=users["cluster_peer"], enterprise=peer)
    Membership.objects.create(user=users["owner"], enterprise=factory, role=Membership.Role.OWNER)
    Membership.objects.create(user=users["owner"], enterprise=brand, role=Membership.Role.OWNER)
    Membership.objects.create(user=users["shared_partner"], enterprise=partner)
    OperatorScope.objects.create(user=users["operator"], cluster=putian)
    OperatorScope.objects.create(user=users["other_operator"], cluster=other)

    everyone = set(ROLES)
    hidden = {
        "enterprise": {str(unlisted.pk): CANARIES["CANARY-UNLISTED-FIRM"]},
        "demand": {
            str(private.pk): CANARIES["CANARY-PRIVATE-DEMAND"],
            str(cluster_only.pk): CANARIES["CANARY-CLUSTER-DEMAND"],
            str(draft.pk): CANARIES["CANARY-DRAFT-DEMAND"],
            str(public.pk): everyone,
        },
    }
    hidden["event"] = _plant_events(putian=putian, factory=factory, partner=partner)
    enterprise_ids = [factory.pk, brand.pk, unlisted.pk]
    demand_ids = [private.pk, cluster_only.pk, public.pk, draft.pk]
    ids = {
        "enterprise": enterprise_ids,
        "demand": demand_ids,
        "any": sorted(set(enterprise_ids + demand_ids)),
    }
    return World(
        ids=ids,
        slugs=["putian", *hidden["event"]],
        clients={role: _login(user) for role, user in users.items()},
        hidden=hidden,
    )


def _plant_events(*, putian: Any, factory: Any, partner: Any) -> dict[str, set[str]]:
    """A private event of Putian's cluster where the factory and the partner firm are registered,
    with a representative's e-mail and a meeting note; and a draft event. Returns slug → roles."""
    from clusterlink.events.models import Event, Meeting, Participant, Registration, Slot

    common = dict(starts_on=dt.date(2026, 12, 10), ends_on=dt.date(2026, 12, 10), venue_zh="莆田")
    event = Event.objects.create(
        slug="canary-private",
        name_zh="CANARY-PRIVATE-EVENT",
        name_en="CANARY-PRIVATE-EVENT",
        name_ja="CANARY-PRIVATE-EVENT",
        visibility=Event.Visibility.PRIVATE,
        status=Event.Status.REGISTRATION_OPEN,
        **common,
    )
    draft = Event.objects.create(
        slug="canary-draft",
        name_zh="CANARY-DRAFT-EVENT",
        name_en="CANARY-DRAFT-EVENT",
        name_ja="CANARY-DRAFT-EVENT",
        status=Event.Status.DRAFT,
        **common,
    )
    for row in (event, draft):
        row.clusters.set([putian])
    start = dt.datetime(2026, 12, 10, 6, 0, tzinfo=dt.UTC)
    slot = Slot.objects.create(
        event=event, starts_at=start, ends_at=start + dt.timedelta(minutes=20)
    )
    people = []
    for firm, email in ((factory, "canary-participant@secret.cn"), (partner, "")):
        registration = Registration.objects.create(
            event=event, enterprise=firm, status=Registration.Status.VALIDATED
        )
        people.append(
            Participant.objects.create(
                registration=registration, name="代表", role="supplier", email=email
            )
        )
    Meeting.objects.create(
        event=event,
        participant_a=people[0],
        participant_b=people[1],
        slot=slot,
        table=1,
        status=Meeting.Status.HELD,
        notes="CANARY-MEETING-NOTE",
    )
    return {
        "canary-private": CANARIES["CANARY-PRIVATE-EVENT"],
        "canary-draft": CANARIES["CANARY-DRAFT-EVENT"],
    }


def _routes(patterns: list[Any], prefix: str = "") -> list[str]:
    routes: list[str] = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            routes.extend(_routes(entry.url_patterns, route))
        elif isinstance(entry, URLPattern):
            routes.append(route)
    return routes


# Parameters that take one of a few words rather than a row id.
NAMED_VALUES = {
    "kind": ["enterprises", "capacity", "demands"],
    "file_format": ["xlsx", "csv"],
    "uidb64": ["x"],
    "token": ["x"],
}


def _values(name: str, converter: str | None, before: str, world: World) -> list[str]:
    """Planted values for a path parameter: ids of the kind its name (or the path segment before
    it) names, every planted id when it names no kind, slugs for slugs."""
    if name in NAMED_VALUES:
        return NAMED_VALUES[name]
    if "slug" in name or converter in ("slug", "str"):
        return world.slugs
    hint = name if name not in ("pk", "id") else before.rstrip("/").rsplit("/", 1)[-1]
    for kind in ("enterprise", "demand"):
        if kind in hint:
            return [str(v) for v in world.ids[kind]]
    return [str(v) for v in world.ids["any"]]


def _expand(route: str, world: World) -> list[str]:
    """Concrete paths for a route, each parameter filled with the planted ids of its kind."""
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")
    if any(ch in route for ch in "()[]*+?\\"):
        return []  # a regex route (the API's own, the admin's): covered elsewhere or skipped
    paths = ["/" + route]
    for match in PARAM.finditer(route):
        values = _values(match["name"], match["converter"], route[: match.start()], world)
        paths = [p.replace(match[0], v, 1) for p in paths for v in values]
    return paths


def _page_paths(world: World) -> list[str]:
    from django.utils import translation

    with translation.override("zh-hans"):
        routes = _routes(get_resolver().url_patterns)
    paths = {
        p.replace("<lang>", "zh-hans")
        for r in routes
        for p in _expand(r.replace("zh-hans/", "zh-hans/"), world)
    }
    return sorted(
        p for p in paths if not p.startswith(SKIPPED_PREFIXES) and not p.startswith("/api/")
    )


def _api_paths(world: World) -> list[str]:
    from config.api import api

    schema = api.get_openapi_schema()
    paths: set[str] = set()
    for route, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        candidates = [route]
        for match in re.finditer(r"{(\w+)}", route):
            values = _values(match[1], None, route[: match.start()], world)
            candidates = [c.replace(match[0], v) for c in candidates for v in values]
        paths.update(candidates)
    return sorted(paths)


def _body_text(response: Any) -> str:
    content_type = response.get("Content-Type", "")
    body = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    if "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    for encoding in ("utf-8", "gb18030"):
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    return body.decode("latin-1")


@pytest.mark.parametrize("role", ROLES)
def test_role_sees_exactly_what_it_may(world: World, role: str) -> None:
    client = world.clients[role]
    paths = _page_paths(world) + _api_paths(world)
    assert len(paths) > 20, "the crawl found almost no routes"
    seen: set[str] = set()
    leaks: list[str] = []
    errors: list[str] = []
    for path in paths:
        response = client.get(path, follow=False)
        if response.status_code >= 500:
            errors.append(f"{path} → {response.status_code}")
            continue
        text = _body_text(response)
        for canary, allowed in CANARIES.items():
            if canary in text:
                seen.add(canary)
                if role not in allowed:
                    leaks.append(f"{canary} in {path}")
    assert errors == []
    assert leaks == []
    assert seen == {c for c, allowed in CANARIES.items() if role in allowed}


@pytest.mark.parametrize("role", ROLES)
def test_rows_a_role_may_not_see_answer_404(world: World, role: str) -> None:
    client = world.clients[role]
    checked = 0
    for path in _page_paths(world) + _api_paths(world):
        for kind, rows in world.hidden.items():
            for row_id, allowed in rows.items():
                # A detail route of this kind ending in this row's id.
                pattern = DETAIL_ROUTES.get(kind, r"/{kind}s/{row_id}/?$")
                if not re.search(pattern.format(kind=kind, row_id=row_id), path):
                    continue
                status = client.get(path).status_code
                checked += 1
                if role in allowed:
                    assert status == 200, f"{role} should see {path}"
                else:
                    assert status == 404, f"{role} got {status} for {path}"
    assert checked >= 4  # page and API detail routes of enterprises and demands
