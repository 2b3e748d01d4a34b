"""Every POST/PUT/PATCH/DELETE page and API endpoint × every role: nobody changes what is not theirs.

The world of the read matrix (tests/access_world.py) plus canary rows the roles try to change: two
match runs and a proposal, an agreement, a quote request, a meeting and a pending registration of
a docking event, an import job, a duplicate candidate, a firm's profile and capacity, a private
demand, a firm awaiting its cluster's approval and an API token.

Each write route has one or more `Write` cells: the row it acts on (in the path, or named in the
body), the roles that may change that row, and a body that is valid for the route, so that a
refusal is about access and not about validation. For every role that may not write:
- anonymous is sent to log in (pages) or answered 401 (API);
- a row the role may not see is 404; a row it sees but may not change is 403 or 404;
- a row named in the body that the role may not see gets the same answer (status and body) as
  an id that does not exist, so that the answer cannot tell hidden rows apart;
- and nothing was written: every table (history tables included) is hashed row by row before and
  after, in a savepoint that is rolled back after each request.
For every role that may write, the request succeeds (2xx/3xx) and does change a row, so the
matrix cannot pass by refusing everyone.

Routes are enumerated from the URL resolver and the OpenAPI schema. A write route without cells
fails `test_every_write_route_is_covered`, naming it: give it cells, or put it in PUBLIC_WRITES
or SELF_SERVICE with the reason. A page route whose view is not restricted to GET must be a write
route or be listed in READS_ANSWERING_POST, where the owner's, the operator's and the admin's
POST is checked to write nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from tests.access_world import ROLES, Planted, login, plant_world, plant_write_canaries

Snapshot = dict[str, dict[Any, str]]
Value = Callable[[Planted], Any]

# ---- who sees and who may change each planted row ------------------------------------------------

EVERYONE = frozenset(ROLES)
OPERATORS = frozenset({"operator", "admin"})
# Roles that may see each planted row (anything else must be told 404).
SEERS: dict[str, frozenset[str]] = {
    "factory": EVERYONE,
    "brand": EVERYONE,
    "peer": EVERYONE,
    "partner": EVERYONE,
    "unlisted": OPERATORS,
    "pending": OPERATORS,
    "foreign_unlisted": frozenset({"other_operator", "admin"}),
    "private": frozenset({"owner", "shared_partner", "operator", "admin"}),
    "running_run": OPERATORS,
    "finished_run": OPERATORS,
    "proposal": frozenset({"owner", "operator", "admin"}),
    "agreement": frozenset({"owner", "operator", "admin"}),
    "foreign_agreement": frozenset({"outsider", "shared_partner", "other_operator", "admin"}),
    "quote": frozenset({"owner", "shared_partner", "operator", "admin"}),
    "event": frozenset({"owner", "shared_partner", "operator", "admin"}),
    "meeting": frozenset({"owner", "shared_partner", "operator", "admin"}),
    "held_meeting": frozenset({"owner", "shared_partner", "operator", "admin"}),
    "pending_registration": frozenset({"owner", "operator", "admin"}),
    "factory_participant": frozenset({"owner", "shared_partner", "operator", "admin"}),
    "ceremony": OPERATORS,
    "unit": frozenset({"owner", "shared_partner", "operator", "admin"}),
    "late_slot": frozenset({"owner", "shared_partner", "operator", "admin"}),
    "candidate": OPERATORS,
    "token": frozenset({"owner"}),
    "schedule_run": OPERATORS,
}
# Tables whose rows change on any request and carry no business data.
UNWATCHED = {"sessions.Session"}
# Tables no request writes (Django's own bookkeeping), left out to keep each snapshot cheap.
UNWATCHED |= {"auth.Permission", "contenttypes.ContentType"}
MISSING_ID = 987_654


@dataclass(frozen=True)
class Write:
    """One cell row of the matrix: a write route acting on one planted row."""

    route: str  # "PATCH /api/enterprises/{enterprise_id}" or "POST page:mine:profile"
    target: str  # key of SEERS: the row acted on
    writers: frozenset[str]  # roles that may change it through this route
    params: dict[str, Value]  # path parameters
    body: Callable[[Planted], dict[str, Any]]
    # The body field naming the target (a row named in the body, not in the path): the answer
    # to a role that may not name it must equal the answer for an id that does not exist.
    named_in_body: str | None = None
    query: str = ""  # a query string pages read besides the form

    @property
    def is_api(self) -> bool:
        return not self.route.split(" ", 1)[1].startswith("page:")

    def __str__(self) -> str:
        return f"{self.route} on {self.target}"


def _pk(name: str) -> Value:
    def value(p: Planted) -> Any:
        if name in p.firms:
            return p.firms[name].pk
        if name in p.demands:
            return p.demands[name].pk
        return p.rows[name].pk

    return value


def _slug(p: Planted) -> str:
    return str(p.rows["event"].slug)


def _week_label(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


# ---- bodies ----------------------------------------------------------------------------------


def _profile_form(firm: str) -> Callable[[Planted], dict[str, Any]]:
    def body(p: Planted) -> dict[str, Any]:
        row = p.firms[firm]
        return {
            "legal_name": row.legal_name,
            "name_en": row.name_en,
            "address": row.address,
            "description": "written by the access matrix",
            "contact_name": row.contact_name,
            "contact_phone": row.contact_phone,
            "contact_email": row.contact_email,
            "is_listed": "on" if row.is_listed else "",
            "roles": list(row.roles.values_list("role", flat=True)),
        }

    return body


def _capacity_form(p: Planted) -> dict[str, Any]:
    cell = f"sports-shoes@{_week_label(p.capacity.week)}"
    return {
        f"{cell}.free_pairs": "1234",
        f"{cell}.unit_price_min_rmb": "66.61",
        f"{cell}.unit_price_max_rmb": "70.00",
        f"{cell}.min_lot_pairs": "0",
        f"{cell}.lead_time_days": "0",
    }


def _capacity_json(p: Planted) -> dict[str, Any]:
    return {
        "cells": [
            {
                "category": "sports-shoes",
                "week": p.capacity.week.isoformat(),
                "free_pairs": 1234,
                "unit_price_min_rmb": "66.61",
                "unit_price_max_rmb": "70.00",
            }
        ]
    }


def _demand_form(p: Planted) -> dict[str, Any]:
    return {
        "demand_type": "processing_order",
        "title": "Matrix order",
        "category": "sports-shoes",
        "pairs": "5000",
        "delivery_week": _week_label(p.capacity.week + dt.timedelta(weeks=6)),
        "max_factories": "1",
        "visibility": "private",
        "status": "open",
        "split_allowed": "on",
    }


def _demand_json(owner: str) -> Callable[[Planted], dict[str, Any]]:
    def body(p: Planted) -> dict[str, Any]:
        return {
            "owner_id": p.firms[owner].pk,
            "demand_type": "processing_order",
            "title": "Matrix order",
            "category": "sports-shoes",
            "pairs": 5000,
            "delivery_week": (p.capacity.week + dt.timedelta(weeks=6)).isoformat(),
            "visibility": "private",
        }

    return body


def _offer(owner_field: str) -> Callable[[Planted], dict[str, Any]]:
    def body(p: Planted) -> dict[str, Any]:
        return {
            owner_field: p.firms["factory"].pk,
            "offer_type": "capacity",
            "title": "Matrix offer",
            "category": "sports-shoes",
            "pairs": 3000,
            "unit_price_rmb": "60.00",
            "visibility": "public",
        }

    return body


def _run_json(demand: str, factories: list[str]) -> Callable[[Planted], dict[str, Any]]:
    def body(p: Planted) -> dict[str, Any]:
        return {
            "scope": "selected",
            "demand_ids": [p.demands[demand].pk],
            "factory_ids": [p.firms[f].pk for f in factories],
            "transport_rmb_per_pair_km": "0.0005",
            "unplaced_penalty_rmb": "100.00",
            "time_limit_s": 5,
        }

    return body


def _run_form(demands: list[str], factories: list[str]) -> Callable[[Planted], dict[str, Any]]:
    def body(p: Planted) -> dict[str, Any]:
        return {
            "scope": "selected",
            "demands": [p.demands[d].pk for d in demands],
            "factories": [p.firms[f].pk for f in factories],
            "transport_rmb_per_pair_km": "0.0005",
            "unplaced_penalty_rmb": "100.00",
            "time_limit_s": "5",
            "seed": "0",
        }

    return body


def _agreement_json(supplier: str) -> Callable[[Planted], dict[str, Any]]:
    def body(p: Planted) -> dict[str, Any]:
        return {
            "agreement_type": "processing_order",
            "buyer_id": p.firms["brand"].pk,
            "supplier_id": p.firms[supplier].pk,
            "pairs": 1000,
            "amount_rmb": "50000.00",
            "title": "Matrix agreement",
        }

    return body


def _event_form(p: Planted) -> dict[str, Any]:
    event = p.rows["event"]
    return {
        "name_zh": "矩阵对接会",
        "slug": "matrix-event",
        "starts_on": "2026-12-10",
        "ends_on": "2026-12-10",
        "venue_zh": "莆田",
        "visibility": event.visibility,
        "status": event.status,
        "meeting_tables": "4",
        "default_max_meetings": "4",
        "max_requests": "10",
        "request_valid_days": "7",
        "clusters": [p.clusters["putian"].pk],
    }


def _event_edit_form(p: Planted) -> dict[str, Any]:
    return {**_event_form(p), "slug": p.rows["event"].slug, "name_zh": "矩阵改名"}


def _representative(p: Planted) -> dict[str, Any]:
    person = p.rows["factory_participant"]
    return {
        "name": "矩阵代表",
        "role": person.role,
        "max_meetings": "4",
        "available_slots": [p.rows["slot"].pk],
    }


def _no_body(p: Planted) -> dict[str, Any]:
    return {}


def _fixed(values: dict[str, Any]) -> Callable[[Planted], dict[str, Any]]:
    def resolve(value: Any, p: Planted) -> Any:
        if isinstance(value, list):
            return [resolve(v, p) for v in value]
        if isinstance(value, dict):
            return {k: resolve(v, p) for k, v in value.items()}
        return value(p) if callable(value) else value

    def body(p: Planted) -> dict[str, Any]:
        return {k: resolve(v, p) for k, v in values.items()}

    return body


def _capacity_csv(p: Planted) -> dict[str, Any]:
    header = "enterprise_id,category,week,free_pairs,unit_price_min_rmb,unit_price_max_rmb\n"
    row = f"{p.firms['factory'].pk},sports-shoes,{p.capacity.week.isoformat()},1234,60.00,65.00\n"
    return {
        "kind": "capacity",
        "enterprise": p.firms["factory"].pk,
        "file": SimpleUploadedFile("capacity.csv", (header + row).encode(), "text/csv"),
    }


def _meeting_version(p: Planted) -> int:
    return int(p.rows["meeting"].version)


# ---- the cells ---------------------------------------------------------------------------------

OWNER = frozenset({"owner"})
OWNER_OR_OPERATORS = frozenset({"owner", "operator", "admin"})
NOBODY: frozenset[str] = frozenset()
# Who posts and changes a firm's demands: clusterlink/market/access.py's may_manage_demand (the
# owner's members and the owner cluster's operators), for the pages and the API alike.
DEMAND_MANAGERS = OWNER_OR_OPERATORS
SLUG = {"slug": _slug}


def W(
    route: str,
    target: str,
    writers: frozenset[str],
    params: dict[str, Value] | None = None,
    body: Callable[[Planted], dict[str, Any]] = _no_body,
    named_in_body: str | None = None,
    query: str = "",
) -> Write:
    return Write(route, target, writers, params or {}, body, named_in_body, query)


API_WRITES: list[Write] = [
    W("DELETE /api/me/tokens/{token_id}", "token", frozenset({"owner"}),
      {"token_id": _pk("token")}),
    W("PATCH /api/enterprises/{enterprise_id}", "factory", OWNER_OR_OPERATORS,
      {"enterprise_id": _pk("factory")}, _fixed({"description": "written by the matrix"})),
    W("PATCH /api/enterprises/{enterprise_id}", "unlisted", OPERATORS,
      {"enterprise_id": _pk("unlisted")}, _fixed({"description": "written by the matrix"})),
    W("PATCH /api/enterprises/{enterprise_id}", "pending", OPERATORS,
      {"enterprise_id": _pk("pending")}, _fixed({"description": "written by the matrix"})),
    W("POST /api/enterprises/{enterprise_id}/membership/decision", "pending", OPERATORS,
      {"enterprise_id": _pk("pending")}, _fixed({"approve": False, "reason": "matrix says no"})),
    W("POST /api/enterprises/{enterprise_id}/membership/request", "pending", NOBODY,
      {"enterprise_id": _pk("pending")}, _fixed({"note": "let us in"})),
    W("PUT /api/enterprises/{enterprise_id}/capacity", "factory", OWNER_OR_OPERATORS,
      {"enterprise_id": _pk("factory")}, _capacity_json),
    W("POST /api/demands", "brand", DEMAND_MANAGERS, body=_demand_json("brand"),
      named_in_body="owner_id"),
    W("POST /api/demands", "unlisted", DEMAND_MANAGERS - OWNER, body=_demand_json("unlisted"),
      named_in_body="owner_id"),
    W("PATCH /api/demands/{demand_id}", "private", DEMAND_MANAGERS,
      {"demand_id": _pk("private")}, _fixed({"description": "written by the matrix"})),
    W("POST /api/demands/{demand_id}/shares", "private", DEMAND_MANAGERS,
      {"demand_id": _pk("private")}, _fixed({"enterprise_id": _pk("peer")})),
    W("DELETE /api/demands/{demand_id}/shares/{enterprise_id}", "private", DEMAND_MANAGERS,
      {"demand_id": _pk("private"), "enterprise_id": _pk("partner")}),
    # Offers are posted by members of their firm only.
    W("POST /api/offers", "factory", OWNER, body=_offer("owner_id"), named_in_body="owner_id"),
    W("POST /api/matching/runs", "private", OPERATORS, body=_run_json("private", ["factory"]),
      named_in_body="demand_ids"),
    W("POST /api/matching/runs", "unlisted", OPERATORS, body=_run_json("public", ["unlisted"]),
      named_in_body="factory_ids"),
    # Putian's operator may not put a firm into a run that he may not see in the directory.
    W("POST /api/matching/runs", "foreign_unlisted", frozenset({"admin"}),
      body=_run_json("public", ["foreign_unlisted"]), named_in_body="factory_ids"),
    W("POST /api/matching/runs/{run_id}/cancel", "running_run", OPERATORS,
      {"run_id": _pk("running_run")}),
    W("POST /api/matching/runs/{run_id}/repair", "finished_run", OPERATORS,
      {"run_id": _pk("finished_run")}),
    W("POST /api/matching/proposals/{proposal_id}/decision", "proposal", frozenset({"owner"}),
      {"proposal_id": _pk("proposal")}, _fixed({"side": "brand", "accept": True})),
    W("POST /api/matching/demands/{demand_id}/quotes", "quote", frozenset({"shared_partner"}),
      {"demand_id": _pk("private")},
      _fixed({"factory_id": _pk("partner"), "unit_price_rmb": "50.00", "weeks": 4}),
      named_in_body="factory_id"),
    W("POST /api/matching/demands/{demand_id}/quote-requests", "private", frozenset({"owner"}),
      {"demand_id": _pk("private")}, _fixed({"factory_id": _pk("peer")})),
    W("POST /api/matching/demands/{demand_id}/quote-requests", "unlisted", NOBODY,
      {"demand_id": _pk("private")}, _fixed({"factory_id": _pk("unlisted")}),
      named_in_body="factory_id"),
    W("POST /api/matching/demands/{demand_id}/quote-requests", "foreign_unlisted", NOBODY,
      {"demand_id": _pk("private")}, _fixed({"factory_id": _pk("foreign_unlisted")}),
      named_in_body="factory_id"),
    W("POST /api/agreements", "brand", OWNER_OR_OPERATORS, body=_agreement_json("factory"),
      named_in_body="buyer_id"),
    W("POST /api/agreements", "unlisted", OPERATORS, body=_agreement_json("unlisted"),
      named_in_body="supplier_id"),
    W("POST /api/agreements", "foreign_unlisted", frozenset({"other_operator", "admin"}),
      body=_agreement_json("foreign_unlisted"), named_in_body="supplier_id"),
    W("POST /api/agreements/{agreement_id}/transitions", "agreement", OWNER_OR_OPERATORS,
      {"agreement_id": _pk("agreement")}, _fixed({"to_status": "cancelled", "note": "matrix"})),
    W("PUT /api/ceremonies/{session_id}/running-order", "ceremony", OPERATORS,
      {"session_id": _pk("ceremony")}, _fixed({"agreement_ids": [_pk("agreement")]})),
    W("PUT /api/ceremonies/{session_id}/running-order", "foreign_agreement", NOBODY,
      {"session_id": _pk("ceremony")}, _fixed({"agreement_ids": [_pk("foreign_agreement")]}),
      named_in_body="agreement_ids"),
    # Members register their own firm; an event's operators the firms of clusters they operate.
    W("POST /api/events/{slug}/registrations", "event", OPERATORS, SLUG,
      _fixed({"enterprise_id": _pk("peer"),
              "representatives": [{"name": "矩阵代表", "role": "supplier"}]}),
      named_in_body="enterprise_id"),
    W("POST /api/events/{slug}/registrations/{registration_id}/decision",
      "pending_registration", OPERATORS,
      {**SLUG, "registration_id": _pk("pending_registration")},
      _fixed({"decision": "validate"})),
    # A participant's requests: the participant's firm, or the event's operators acting for it.
    W("POST /api/events/{slug}/requests", "factory_participant", OWNER_OR_OPERATORS, SLUG,
      _fixed({"from_participant_id": _pk("factory_participant"),
              "to_participant_id": _pk("partner_participant"), "preference": "must"})),
    W("POST /api/events/{slug}/meetings", "event", OPERATORS, SLUG,
      _fixed({"participant_a_id": _pk("factory_participant"),
              "participant_b_id": _pk("partner_participant"), "slot_id": _pk("late_slot")})),
    W("PATCH /api/events/{slug}/meetings/{meeting_id}", "meeting", OPERATORS,
      {**SLUG, "meeting_id": _pk("meeting")},
      _fixed({"version": _meeting_version, "slot_id": _pk("late_slot")})),
    W("PATCH /api/events/{slug}/meetings/{meeting_id}", "meeting",
      frozenset({"owner", "shared_partner", "operator", "admin"}),
      {**SLUG, "meeting_id": _pk("meeting")},
      _fixed({"version": _meeting_version, "status": "confirmed"})),
    # A party may confirm but not move: the move and the status are refused together.
    W("PATCH /api/events/{slug}/meetings/{meeting_id}", "meeting", OPERATORS,
      {**SLUG, "meeting_id": _pk("meeting")},
      _fixed({"version": _meeting_version, "slot_id": _pk("late_slot"), "status": "confirmed"})),
    W("POST /api/events/{slug}/schedule-runs", "event", OPERATORS, SLUG,
      _fixed({"mode": "full", "time_limit_s": 5})),
    W("POST /api/events/{slug}/schedule-runs/{run_id}/cancel", "schedule_run", OPERATORS,
      {"slug": lambda p: p.rows["draft_event"].slug, "run_id": _pk("schedule_run")}),
]  # fmt: skip

MINE = {"enterprise_id": _pk("brand"), "demand_id": _pk("private")}
PAGE_WRITES: list[Write] = [
    W("POST page:mine:profile", "factory", OWNER_OR_OPERATORS,
      {"enterprise_id": _pk("factory")}, _profile_form("factory")),
    W("POST page:mine:profile", "unlisted", OPERATORS,
      {"enterprise_id": _pk("unlisted")}, _profile_form("unlisted")),
    W("POST page:mine:profile", "pending", OPERATORS,
      {"enterprise_id": _pk("pending")}, _profile_form("pending")),
    W("POST page:mine:capacity", "factory", OWNER_OR_OPERATORS,
      {"enterprise_id": _pk("factory")}, _capacity_form),
    W("POST page:mine:demand_create", "brand", DEMAND_MANAGERS, {"enterprise_id": _pk("brand")},
      _demand_form),
    W("POST page:mine:demand_edit", "private", DEMAND_MANAGERS, MINE, _demand_form),
    W("POST page:mine:demand_share", "private", DEMAND_MANAGERS, MINE,
      _fixed({"enterprise_id": _pk("peer")})),
    W("POST page:mine:demand_unshare", "private", DEMAND_MANAGERS,
      {**MINE, "firm_id": _pk("partner")}),
    W("POST page:mine:demand_cancel", "private", DEMAND_MANAGERS, MINE),
    W("POST page:imports:home", "factory", OWNER_OR_OPERATORS, body=_capacity_csv,
      named_in_body="enterprise"),
    W("POST page:imports:review_decide", "candidate", OPERATORS,
      {"candidate_id": _pk("candidate")}, _fixed({"action": "reject"})),
    W("POST page:market:demand_quotes", "quote", frozenset({"shared_partner"}),
      {"demand_id": _pk("private")},
      _fixed({"factory": _pk("partner"), "unit_price_rmb": "50.00", "weeks": "4"}),
      named_in_body="factory"),
    W("POST page:market:quote_request", "private", frozenset({"owner"}),
      {"demand_id": _pk("private")}, _fixed({"factory": _pk("peer")})),
    W("POST page:market:quote_request", "unlisted", NOBODY,
      {"demand_id": _pk("private")}, _fixed({"factory": _pk("unlisted")}),
      named_in_body="factory"),
    W("POST page:market:offer_create", "factory", OWNER, body=_offer("owner"),
      named_in_body="owner"),
    W("POST page:matching:run_start", "private", OPERATORS, body=_run_form(["private"], []),
      named_in_body="demands"),
    # The page offers factories with free capacity only (this firm has none): nobody may name it.
    W("POST page:matching:run_start", "foreign_unlisted", NOBODY,
      body=_run_form(["public"], ["foreign_unlisted"]), named_in_body="factories"),
    W("POST page:matching:run_cancel", "running_run", OPERATORS,
      {"run_id": _pk("running_run")}),
    W("POST page:matching:run_repair", "finished_run", OPERATORS,
      {"run_id": _pk("finished_run")}, _fixed({"time_limit_s": "5"})),
    W("POST page:matching:proposal_decide", "proposal", frozenset({"owner"}),
      {"proposal_id": _pk("proposal")}, _fixed({"side": "brand", "decision": "accept"})),
    W("POST page:agreements:create", "private", frozenset({"owner", "shared_partner", "operator", "admin"}),
      body=_fixed({"demand": _pk("private"), "agreement_type": "processing_order",
                   "buyer": _pk("brand"), "supplier": _pk("partner"), "pairs": "1000"}),
      named_in_body="demand"),
    W("POST page:agreements:transition", "agreement", OWNER_OR_OPERATORS,
      {"agreement_id": _pk("agreement")}, _fixed({"to_status": "cancelled", "note": "matrix"})),
    W("POST page:agreements:ceremony", "ceremony", OPERATORS,
      {"session_id": _pk("ceremony")}, _fixed({"order": _pk("agreement")})),
    W("POST page:agreements:ceremony", "foreign_agreement", NOBODY,
      {"session_id": _pk("ceremony")}, _fixed({"order": _pk("foreign_agreement")}),
      named_in_body="order"),
    W("POST page:events:create", "event", OPERATORS, body=_event_form,
      named_in_body="clusters"),
    W("POST page:events:edit", "event", OPERATORS, SLUG, _event_edit_form),
    W("POST page:events:manage", "event", OPERATORS, SLUG,
      _fixed({"form": "unit", "unit-part": "hosting", "unit-name_zh": "矩阵单位"})),
    W("POST page:events:unit_delete", "unit", OPERATORS, {**SLUG, "unit_id": _pk("unit")}),
    W("POST page:events:session_edit", "ceremony", OPERATORS,
      {**SLUG, "session_id": _pk("ceremony")}, _fixed({"delete": "1"})),
    W("POST page:events:slot_delete", "late_slot", OPERATORS,
      {**SLUG, "slot_id": _pk("late_slot")}),
    W("POST page:events:register", "event", NOBODY, SLUG,
      _fixed({"enterprise": _pk("peer"), "rep0-name": "矩阵代表", "rep0-role": "supplier",
              "rep0-max_meetings": "4", "rep1-role": "supplier", "rep1-max_meetings": "4",
              "rep2-role": "supplier", "rep2-max_meetings": "4"}),
      named_in_body="enterprise"),
    W("POST page:events:registrations", "pending_registration", OPERATORS, SLUG,
      _fixed({"registration": _pk("pending_registration"), "decision": "validate"})),
    W("POST page:events:participant_edit", "factory_participant", OWNER_OR_OPERATORS,
      {**SLUG, "participant_id": _pk("factory_participant")}, _representative),
    W("POST page:events:requests", "factory_participant", OWNER_OR_OPERATORS, SLUG,
      _fixed({"to_participant": _pk("partner_participant"), "preference": "must"}),
      query="as={factory_participant}"),
    W("POST page:events:schedule", "event", OPERATORS, SLUG,
      _fixed({"form": "run", "mode": "full", "time_limit_s": "5"})),
    W("POST page:events:walk_in", "event", OPERATORS, SLUG,
      _fixed({"participant_a": _pk("factory_participant"),
              "participant_b": _pk("partner_participant"), "slot": _pk("late_slot")})),
    W("POST page:events:meeting_change", "meeting", OPERATORS,
      {**SLUG, "meeting_id": _pk("meeting")},
      _fixed({"action": "move", "version": _meeting_version, "slot": _pk("late_slot")})),
    W("POST page:events:meeting_change", "meeting",
      frozenset({"owner", "shared_partner", "operator", "admin"}),
      {**SLUG, "meeting_id": _pk("meeting")},
      _fixed({"action": "confirmed", "version": _meeting_version})),
    W("POST page:events:meeting", "held_meeting",
      frozenset({"owner", "shared_partner", "operator", "admin"}),
      {**SLUG, "meeting_id": _pk("held_meeting")},
      _fixed({"interest_level": "high", "next_step": "quote", "notes": "matrix",
              "version": lambda p: p.rows["held_meeting"].version})),
    W("POST page:events:check_in", "factory_participant", OPERATORS, SLUG,
      _fixed({"participant": _pk("factory_participant")})),
    W("POST page:memberships:decide", "pending", OPERATORS,
      {"enterprise_id": _pk("pending")}, _fixed({"action": "reject", "reason": "matrix says no"})),
    W("POST page:memberships:ask", "pending", NOBODY,
      {"enterprise_id": _pk("pending")}, _fixed({"note": "let us in"})),
]  # fmt: skip
WRITES = API_WRITES + PAGE_WRITES

# Write routes anyone may use, with the reason.
PUBLIC_WRITES = {
    "POST page:accounts:signup": "sign-up is open to everyone (joining a cluster is not)",
    "POST page:accounts:login": "logging in",
    "POST page:accounts:logout": "ends the caller's own session",
    "POST page:accounts:password_reset": "asks for a reset e-mail; answers the same for any address",
    "POST page:accounts:password_reset_confirm": "guarded by the signed token in the address",
    "POST page:set_language": "the language switch (a cookie, no row)",
    "POST page:admin_login": "logging in to Django's admin (throttled like the site's login)",
}
# Write routes that act only on the caller's own account: anonymous must be refused.
SELF_SERVICE = {
    "POST page:accounts:preferences": "the caller's own language and name",
    "POST /api/me/tokens": "creates a token for the caller",
    "POST /api/enterprises": "registers a firm the caller then owns; it waits for approval",
    "POST page:admin_password_change": "the caller's own password (Django's admin page)",
}
# Page views that answer POST like GET (they hold no form): every role's POST must write nothing.
READS_ANSWERING_POST = {
    "mine:home",
    "mine:overview",
    "mine:demands",
    "market:demand_list",
    "market:demand_create",
    "market:demand_detail",
    "market:offer_list",
    "market:offer_detail",
    "matching:run_list",
    "matching:run_detail",
    "matching:run_progress",
    "matching:run_export",
    "matching:proposal_list",
    "matching:proposal_detail",
    "agreements:list",
    "agreements:detail",
    "agreements:ceremony_print",
    "events:list",
    "events:detail",
    "events:agenda",
    "events:agenda_print",
    "events:agenda_ics",
    "reports:event_outcome",
    "reports:event_outcome_pdf",
    "reports:event_outcome_xlsx",
    "memberships:queue",
}
SKIPPED_NAMESPACES = ("admin",)  # Django's admin: staff only, its own permission checks


# ---- the world, requests and snapshots ---------------------------------------------------------


@dataclass
class World:
    planted: Planted
    clients: dict[str, Client]
    baseline: Snapshot


@pytest.fixture
def world(db: Any) -> World:
    planted = plant_world()
    plant_write_canaries(planted)
    clients = {role: login(user) for role, user in planted.users.items()}
    return World(planted=planted, clients=clients, baseline=snapshot())


class _Rollback(Exception):
    pass


@contextmanager
def _rolled_back(client: Client) -> Iterator[None]:
    """Run the block in a savepoint and undo whatever it wrote, the client's cookies included (a
    log-out or a message must not change how the next request is made)."""
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass
    client.cookies.clear()
    for name, value in cookies.items():
        client.cookies[name] = value


def snapshot() -> Snapshot:
    """Every row of every table (auto-created m2m and history tables included), by primary key."""
    state: Snapshot = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        if label in UNWATCHED:
            continue
        rows = model._base_manager.order_by("pk").values_list()
        state[label] = {
            row[0]: hashlib.sha1(repr(row).encode(), usedforsecurity=False).hexdigest()
            for row in rows
        }
    return state


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """What was written: '<model> #<pk> added/removed/changed'."""
    found = []
    for label, rows in after.items():
        old = before.get(label, {})
        for pk in rows.keys() - old.keys():
            found.append(f"{label} #{pk} added")
        for pk in old.keys() - rows.keys():
            found.append(f"{label} #{pk} removed")
        for pk in rows.keys() & old.keys():
            if rows[pk] != old[pk]:
                found.append(f"{label} #{pk} changed")
    return sorted(found)


@dataclass
class Answer:
    status: int
    location: str
    text: str
    written: list[str]

    @property
    def body(self) -> str:
        """The start of the answer, for a failure message."""
        return self.text[:300]


def _url(cell: Write, planted: Planted) -> str:
    route = cell.route.split(" ", 1)[1]
    params = {name: value(planted) for name, value in cell.params.items()}
    if cell.is_api:
        path = route
        for name, value in params.items():
            path = path.replace("{" + name + "}", str(value))
    else:
        with translation.override("zh-hans"):
            path = reverse(route.removeprefix("page:"), kwargs=params)
    if cell.query:
        path += "?" + cell.query.format(**{k: v.pk for k, v in planted.rows.items()})
    return path


def send(client: Client, cell: Write, world: World, *, missing_id: bool = False) -> Answer:
    """Send the cell's request in a savepoint; report its answer and what it wrote (every
    request is rolled back, so the world before each one is the planted world)."""
    planted = world.planted
    method = cell.route.split(" ", 1)[0].lower()
    body = cell.body(planted)
    if missing_id and cell.named_in_body:
        current = body[cell.named_in_body]
        body[cell.named_in_body] = [MISSING_ID] if isinstance(current, list) else MISSING_ID
    url = _url(cell, planted)
    with _rolled_back(client):
        if cell.is_api:
            response = getattr(client, method)(
                url, data=json.dumps(body), content_type="application/json"
            )
        else:
            response = client.post(url, data=body)
        after = snapshot()
    text = response.content.decode(errors="replace") if not response.streaming else ""
    return Answer(
        response.status_code, response.get("Location", ""), text, changes(world.baseline, after)
    )


def _without_ids(text: str, cell: Write, world: World) -> str:
    """An answer with the id named in the body (or the missing id) written as <id>."""
    assert cell.named_in_body
    named = cell.body(world.planted)[cell.named_in_body]
    for value in [*(named if isinstance(named, list) else [named]), MISSING_ID]:
        text = re.sub(rf"\b{value}\b", "<id>", text)
    return text


def _refusal_problem(cell: Write, role: str, answer: Answer, world: World) -> str | None:
    """Why this answer is not the right refusal for the role, or None."""
    if role == "anonymous":
        if cell.is_api:
            return None if answer.status == 401 else "expected 401"
        # The site's login page, or the admin's for the admin's pages.
        if answer.status == 302 and "/login/" in answer.location:
            return None
        return "expected a redirect to log in"
    refusals = {400, 403, 404, 422} | (set() if cell.is_api else {200})
    if cell.named_in_body and role in SEERS[cell.target]:
        # The role knows the row exists: any refusal will do.
        return None if answer.status in refusals else "expected a refusal (400, 403, 404)"
    if cell.named_in_body:
        missing = send(world.clients[role], cell, world, missing_id=True)
        if answer.status != missing.status:
            return f"a missing id is answered {missing.status}: the answer tells the row exists"
        if cell.is_api and _without_ids(answer.text, cell, world) != _without_ids(
            missing.text, cell, world
        ):
            return f"a missing id is answered {missing.text}: the answer tells the row exists"
        return None if answer.status in refusals else "expected the answer to a missing id"
    if role in SEERS[cell.target]:
        return None if answer.status in (403, 404) else "expected 403 or 404"
    return None if answer.status == 404 else "expected 404 (the role may not see the row)"


# ---- coverage ------------------------------------------------------------------------------------


def _page_routes() -> dict[str, str]:
    """Every named page route (namespace:name → route) outside the skipped namespaces."""
    found: dict[str, str] = {}

    def walk(patterns: list[Any], namespace: str, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace or namespace
                if inner in SKIPPED_NAMESPACES or str(entry.pattern).startswith("api/"):
                    continue
                walk(entry.url_patterns, inner, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                found[name] = prefix + str(entry.pattern)

    with translation.override("zh-hans"):
        walk(get_resolver().url_patterns, "", "")
    return found


def _api_write_routes() -> set[str]:
    from config.api import api

    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("post", "put", "patch", "delete")
    }


def _probe_value(name: str, planted: Planted) -> Any:
    if "slug" in name:
        return planted.rows["event"].slug
    return {"kind": "capacity", "file_format": "csv", "uidb64": "x", "token": "x"}.get(
        name, planted.firms["factory"].pk
    )


def _post_status(client: Client, name: str, route: str, planted: Planted) -> int:
    """How the page answers a bare POST (405 when its view is GET-only)."""
    kwargs = {m[1]: _probe_value(m[1], planted) for m in re.finditer(r"<(?:\w+:)?(\w+)>", route)}
    with translation.override("zh-hans"):
        url = reverse(name, kwargs=kwargs)
    with _rolled_back(client):
        status = client.post(url).status_code
    return status


def test_every_write_route_is_covered(world: World) -> None:
    known = {cell.route for cell in WRITES} | set(PUBLIC_WRITES) | set(SELF_SERVICE)
    api_routes = _api_write_routes()
    pages = _page_routes()
    admin = world.clients["admin"]
    statuses = {
        f"POST page:{name}": _post_status(admin, name, route, world.planted)
        for name, route in pages.items()
        if name not in READS_ANSWERING_POST
    }
    page_writes = {route for route, status in statuses.items() if status != 405}
    uncovered = sorted(
        f"{route} (answers a POST {statuses[route]})" if route in statuses else route
        for route in (api_routes | page_writes) - known
    )
    assert uncovered == [], (
        "write routes the access matrix does not exercise (give them Write cells, or list them in "
        f"PUBLIC_WRITES / SELF_SERVICE / READS_ANSWERING_POST with the reason): {uncovered}"
    )
    stale = sorted(
        route
        for route in known
        if route not in api_routes and route.removeprefix("POST page:") not in pages
    )
    assert stale == [], f"cells for routes that no longer exist: {stale}"
    assert len(api_routes) >= 25 and len(page_writes) >= 35


# ---- the matrix ----------------------------------------------------------------------------------


def _read_page_cells() -> list[Write]:
    """One cell per page of READS_ANSWERING_POST, its parameters filled with planted rows."""
    routes = _page_routes()
    cells = []
    for name in sorted(READS_ANSWERING_POST):
        params: dict[str, Value] = {
            m[1]: (lambda p, n=m[1]: _probe_value(n, p))
            for m in re.finditer(r"<(?:\w+:)?(\w+)>", routes[name])
        }
        cells.append(W(f"POST page:{name}", "factory", NOBODY, params))
    return cells


@pytest.mark.parametrize("role", ROLES)
def test_role_changes_exactly_what_it_may(world: World, role: str) -> None:
    """Refused cells answer the right refusal and write nothing; the cells of the role's own rows
    (the positive diagonal) succeed and write."""
    client = world.clients[role]
    refused: list[str] = []
    not_written: list[str] = []
    for cell in WRITES:
        answer = send(client, cell, world)
        if role in cell.writers:
            if answer.status >= 400 or not answer.written:
                not_written.append(f"{cell}: {answer.status} {answer.location}; {answer.body}")
            continue
        if answer.written:
            refused.append(f"{cell}: {answer.status}, wrote {answer.written}")
            continue
        problem = _refusal_problem(cell, role, answer, world)
        if problem:
            refused.append(f"{cell}: {answer.status} {answer.location}: {problem}; {answer.body}")
    if role in ("owner", "operator", "admin"):
        for cell in _read_page_cells():
            answer = send(client, cell, world)
            if answer.written:
                refused.append(f"{cell.route}: a read page wrote {answer.written}")
    assert refused == [], "\n".join(refused)
    assert not_written == [], "writers refused:\n" + "\n".join(not_written)


def test_anonymous_is_refused_self_service(world: World) -> None:
    client = world.clients["anonymous"]
    problems = []
    for route in SELF_SERVICE:
        cell = W(route, "factory", NOBODY, body=_fixed({"name": "x", "legal_name": "x"}))
        answer = send(client, cell, world)
        if answer.written or _refusal_problem(cell, "anonymous", answer, world):
            problems.append(f"{route}: {answer.status} {answer.written}")
    assert problems == []
