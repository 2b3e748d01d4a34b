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

import io
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.access_world import ROLES, login, plant_world

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
    # docking events (planted by plant_events)
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


@pytest.fixture
def world(db: Any) -> World:
    planted = plant_world()
    firms, demands = planted.firms, planted.demands
    everyone = set(ROLES)
    hidden = {
        "enterprise": {str(firms["unlisted"].pk): CANARIES["CANARY-UNLISTED-FIRM"]},
        "demand": {
            str(demands["private"].pk): CANARIES["CANARY-PRIVATE-DEMAND"],
            str(demands["cluster"].pk): CANARIES["CANARY-CLUSTER-DEMAND"],
            str(demands["draft"].pk): CANARIES["CANARY-DRAFT-DEMAND"],
            str(demands["public"].pk): everyone,
        },
        "event": {
            "canary-private": CANARIES["CANARY-PRIVATE-EVENT"],
            "canary-draft": CANARIES["CANARY-DRAFT-EVENT"],
        },
    }
    enterprise_ids = [firms[name].pk for name in ("factory", "brand", "unlisted")]
    demand_ids = [demands[name].pk for name in ("private", "cluster", "public", "draft")]
    ids = {
        "enterprise": enterprise_ids,
        "demand": demand_ids,
        "any": sorted(set(enterprise_ids + demand_ids)),
    }
    return World(
        ids=ids,
        slugs=["putian", *hidden["event"]],
        clients={role: login(user) for role, user in planted.users.items()},
        hidden=hidden,
    )


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
