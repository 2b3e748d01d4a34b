"""CP-SAT on the time-indexed model: x[pair, slot] is 1 when the pair meets at that slot.

Used on the whole free part (the exact back-end) and on neighbourhoods of an incumbent (the
large-neighbourhood search of the default back-end). A neighbourhood is a set of pairs left
free while every other booked meeting stays where it is; the builder subtracts what the kept
meetings use (slots, caps, tables) so any solution of the sub-model completes the incumbent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from clusterlink.domain.scheduling.indexed import IndexedProblem, bits


@dataclass(frozen=True, slots=True)
class SubResult:
    slot_of: dict[int, int]  # free pair -> slot (-1: not booked)
    objective: int
    bound: int  # CP-SAT's proven bound on the free pairs' weight
    optimal: bool
    found: bool


def solve_pairs(
    indexed: IndexedProblem,
    slot_of: Sequence[int],
    free_pairs: Sequence[int],
    *,
    time_limit_s: float,
    seed: int,
    threads: int,
    deterministic_limit: float | None = None,
) -> SubResult:
    """Re-optimise `free_pairs` with every other booked pair of `slot_of` kept in place; the
    current slots of the free pairs are the hint, so the answer is never worse than them."""
    free_set = set(free_pairs)
    n = len(indexed.ids)
    busy = [0] * n
    count = [0] * n
    used = [0] * indexed.slots
    for k, s in enumerate(slot_of):
        if s >= 0 and k not in free_set:
            for v in (indexed.pair_a[k], indexed.pair_b[k]):
                busy[v] |= 1 << s
                count[v] += 1
            used[s] += 1
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for k in sorted(free_set):
        a, b = indexed.pair_a[k], indexed.pair_b[k]
        if count[a] >= indexed.cap[a] or count[b] >= indexed.cap[b]:
            continue
        for s in bits(indexed.common[k] & ~busy[a] & ~busy[b]):
            if used[s] < indexed.tables_free[s]:
                x[(k, s)] = model.new_bool_var("")
    _one_meeting_per_person_and_slot(model, indexed, x)
    _each_pair_once(model, x)
    _caps(model, indexed, x, count)
    _tables(model, indexed, x, used)
    model.maximize(sum(indexed.weight[k] * var for (k, _), var in x.items()))
    for (k, s), var in x.items():
        model.add_hint(var, 1 if slot_of[k] == s else 0)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit_s)
    if deterministic_limit is not None:
        solver.parameters.max_deterministic_time = deterministic_limit
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = threads
    # Several workers race and the winner depends on timing; interleaving them in one
    # thread keeps a run reproducible for a given seed and thread count.
    solver.parameters.interleave_search = threads > 1
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return SubResult(
            slot_of={},
            objective=0,
            bound=int(solver.best_objective_bound),
            optimal=False,
            found=False,
        )
    out = {k: -1 for k in free_set}
    for (k, s), var in x.items():
        if solver.value(var):
            out[k] = s
    return SubResult(
        slot_of=out,
        objective=round(solver.objective_value),
        # Weights are integers, so a fractional bound rounds down and stays valid.
        bound=int(solver.best_objective_bound + 1e-6),
        optimal=status == cp_model.OPTIMAL,
        found=True,
    )


def _one_meeting_per_person_and_slot(
    model: cp_model.CpModel, indexed: IndexedProblem, x: dict[tuple[int, int], cp_model.IntVar]
) -> None:
    """A participant is in at most one meeting per slot; availability is already in the
    variables, which exist only at slots both ends are free at."""
    rows: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    for (k, s), var in x.items():
        rows.setdefault((indexed.pair_a[k], s), []).append(var)
        rows.setdefault((indexed.pair_b[k], s), []).append(var)
    for key in sorted(rows):
        if len(rows[key]) > 1:
            model.add_at_most_one(rows[key])


def _each_pair_once(model: cp_model.CpModel, x: dict[tuple[int, int], cp_model.IntVar]) -> None:
    """A pair meets at most once."""
    rows: dict[int, list[cp_model.IntVar]] = {}
    for (k, _), var in x.items():
        rows.setdefault(k, []).append(var)
    for k in sorted(rows):
        if len(rows[k]) > 1:
            model.add_at_most_one(rows[k])


def _caps(
    model: cp_model.CpModel,
    indexed: IndexedProblem,
    x: dict[tuple[int, int], cp_model.IntVar],
    count: Sequence[int],
) -> None:
    """A participant has at most max_meetings in all, counting the meetings kept outside."""
    rows: dict[int, list[cp_model.IntVar]] = {}
    for (k, _), var in x.items():
        rows.setdefault(indexed.pair_a[k], []).append(var)
        rows.setdefault(indexed.pair_b[k], []).append(var)
    for v in sorted(rows):
        room = indexed.cap[v] - count[v]
        if len(rows[v]) > room:
            model.add(sum(rows[v]) <= room)


def _tables(
    model: cp_model.CpModel,
    indexed: IndexedProblem,
    x: dict[tuple[int, int], cp_model.IntVar],
    used: Sequence[int],
) -> None:
    """At most the tables left at a slot are used in it."""
    rows: dict[int, list[cp_model.IntVar]] = {}
    for (_, s), var in x.items():
        rows.setdefault(s, []).append(var)
    for s in sorted(rows):
        room = indexed.tables_free[s] - used[s]
        if len(rows[s]) > room:
            model.add(sum(rows[s]) <= room)
