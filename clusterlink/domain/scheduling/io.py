"""Strict reading and writing of the scheduler's JSON files (the standalone tool's format).

Instance: {"slots": S, "tables": T, "participants": [{"id", "available", "max_meetings"}],
"requests": [{"from", "to", "preference"}], "met_before": [[id, id]], "fixed": [{"a", "b",
"slot", "table"}]}; `met_before` and `fixed` may be left out. Anything else (an unknown field,
a wrong type, a duplicate key) is an `InstanceError` whose one-line message names it.
"""

from __future__ import annotations

import json
from typing import Any

from clusterlink.domain.scheduling.problem import (
    Meeting,
    Participant,
    Preference,
    ProblemError,
    Request,
    SchedulingProblem,
)
from clusterlink.domain.scheduling.result import ScheduleResult


class InstanceError(ProblemError):
    """An instance file that cannot be read as a valid problem."""


_TOP_REQUIRED = {"slots", "tables", "participants", "requests"}
_TOP_OPTIONAL = frozenset({"met_before", "fixed"})


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads keeps the last of repeated keys silently; a strict reader must not guess.
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise InstanceError(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def _reject_constant(name: str) -> Any:
    raise InstanceError(f"non-standard JSON constant {name}")


def _fields(
    obj: Any, where: str, required: set[str], optional: frozenset[str] = frozenset()
) -> None:
    if not isinstance(obj, dict):
        raise InstanceError(f"{where}: expected an object")
    unknown = sorted(set(obj) - required - optional)
    if unknown:
        raise InstanceError(f"{where}: unknown field {unknown[0]!r}")
    missing = sorted(required - set(obj))
    if missing:
        raise InstanceError(f"{where}: missing field {missing[0]!r}")


def _int(value: Any, where: str) -> int:
    # bool is an int subclass in Python; true/false in a slot index is a mistake, not 1/0.
    if not isinstance(value, int) or isinstance(value, bool):
        raise InstanceError(f"{where}: expected an integer, got {json.dumps(value)}")
    return value


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise InstanceError(f"{where}: expected a non-empty string, got {json.dumps(value)}")
    return value


def _preference(value: Any, where: str) -> Preference:
    try:
        return Preference(value)
    except ValueError:
        raise InstanceError(
            f"{where}: unknown preference {json.dumps(value)} (must, meet or no)"
        ) from None


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise InstanceError(f"{where}: expected a list")
    return value


def problem_from_json(text: str) -> SchedulingProblem:
    """Parse and validate an instance; raises `InstanceError` with a one-line message."""
    try:
        raw = json.loads(
            text, object_pairs_hook=_reject_duplicate_keys, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as error:
        raise InstanceError(
            f"malformed JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    _fields(raw, "instance", _TOP_REQUIRED, _TOP_OPTIONAL)
    slots = _int(raw["slots"], "slots")
    tables = _int(raw["tables"], "tables")
    participants: list[Participant] = []
    for i, item in enumerate(_list(raw["participants"], "participants")):
        where = f"participants[{i}]"
        _fields(item, where, {"id", "available", "max_meetings"})
        person_id = _str(item["id"], f"{where}.id")
        available = [
            _int(s, f"participant {person_id}: available")
            for s in _list(item["available"], f"{where}.available")
        ]
        if len(set(available)) != len(available):
            raise InstanceError(f"participant {person_id}: a slot is listed twice in available")
        participants.append(
            Participant(
                id=person_id,
                available=frozenset(available),
                max_meetings=_int(item["max_meetings"], f"participant {person_id}: max_meetings"),
            )
        )
    requests: list[Request] = []
    for i, item in enumerate(_list(raw["requests"], "requests")):
        where = f"requests[{i}]"
        _fields(item, where, {"from", "to", "preference"})
        requests.append(
            Request(
                from_id=_str(item["from"], f"{where}.from"),
                to_id=_str(item["to"], f"{where}.to"),
                preference=_preference(item["preference"], f"{where}.preference"),
            )
        )
    met_before: list[tuple[str, str]] = []
    for i, item in enumerate(_list(raw.get("met_before", []), "met_before")):
        where = f"met_before[{i}]"
        pair = _list(item, where)
        if len(pair) != 2:
            raise InstanceError(f"{where}: expected a pair of ids")
        met_before.append((_str(pair[0], where), _str(pair[1], where)))
    fixed: list[Meeting] = []
    for i, item in enumerate(_list(raw.get("fixed", []), "fixed")):
        where = f"fixed[{i}]"
        _fields(item, where, {"a", "b", "slot", "table"})
        fixed.append(
            Meeting(
                a=_str(item["a"], f"{where}.a"),
                b=_str(item["b"], f"{where}.b"),
                slot=_int(item["slot"], f"{where}.slot"),
                table=_int(item["table"], f"{where}.table"),
            )
        )
    try:
        return SchedulingProblem(
            slots=slots,
            tables=tables,
            participants=tuple(participants),
            requests=tuple(requests),
            met_before=tuple(met_before),
            fixed=tuple(fixed),
        )
    except InstanceError:
        raise
    except ProblemError as error:
        raise InstanceError(str(error)) from None


def result_to_json(result: ScheduleResult) -> dict[str, Any]:
    """The output format: meetings sorted by slot then table, plus objective, bound, status."""
    return {
        "meetings": [
            {"a": m.a, "b": m.b, "slot": m.slot, "table": m.table}
            for m in sorted(result.meetings, key=lambda m: (m.slot, m.table))
        ],
        "objective": result.objective,
        "upper_bound": result.upper_bound,
        "status": result.status.value,
        "seconds": round(result.seconds, 3),
    }
