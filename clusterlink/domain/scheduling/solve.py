"""The scheduler's single entry point."""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Sequence
from enum import Enum

from clusterlink.domain.scheduling.heuristic import LocalSearch, State, greedy
from clusterlink.domain.scheduling.indexed import IndexedProblem, check, index_problem, to_meetings
from clusterlink.domain.scheduling.problem import Meeting, SchedulingProblem
from clusterlink.domain.scheduling.result import ScheduleResult, SolveStatus
from clusterlink.domain.scheduling.solvers import cpsat
from clusterlink.domain.scheduling.solvers.lp_bound import lp_bound

LOCAL_SEARCH_DEPTHS = (1, 2)


class Backend(str, Enum):  # noqa: UP042 - same style as SolveStatus
    """LNS: LP bound, LP-guided greedy, ejection chains, then CP-SAT on neighbourhoods (the
    default; scales to thousands of participants). CPSAT: CP-SAT on the whole time-indexed
    model with the LP-guided greedy as hint (exact on small events, slow on large ones)."""

    LNS = "lns"
    CPSAT = "cpsat"


def solve(
    problem: SchedulingProblem,
    *,
    time_limit_s: float,
    seed: int = 0,
    threads: int = 2,
    fixed: Sequence[Meeting] = (),
    backend: Backend = Backend.LNS,
) -> ScheduleResult:
    """Schedule the meetings of `problem`, maximising total pair weight.

    `fixed` adds confirmed meetings to the problem's own `fixed` ones (a re-run for unbooked
    slots): they are kept exactly and count in the objective and the bound. The run stops by
    `time_limit_s` (wall clock, give or take one sub-solve of at most a second or so) and
    returns the best schedule found, a proven upper bound and a status. Results are
    reproducible for a given seed and thread count unless the time limit cuts the search.
    Raises `ProblemError` if the extra fixed meetings break a rule."""
    started = time.monotonic()
    deadline = started + max(0.0, time_limit_s)
    if fixed:
        problem = dataclasses.replace(problem, fixed=problem.fixed + tuple(fixed))
    indexed = index_problem(problem)
    threads = max(1, threads)
    if backend is Backend.CPSAT:
        slot_of, bound, cut = _solve_cpsat(indexed, deadline, seed, threads)
    else:
        slot_of, bound, cut = _solve_lns(indexed, deadline, seed, threads)
    free_weight = check(indexed, slot_of)
    objective = indexed.fixed_weight + free_weight
    upper_bound = indexed.fixed_weight + max(bound, free_weight)
    if objective == upper_bound:
        status = SolveStatus.OPTIMAL
    elif cut:
        status = SolveStatus.TIME_LIMIT
    else:
        status = SolveStatus.FEASIBLE
    return ScheduleResult(
        meetings=to_meetings(indexed, slot_of),
        objective=objective,
        upper_bound=upper_bound,
        status=status,
        seconds=time.monotonic() - started,
    )


def _solve_cpsat(
    indexed: IndexedProblem, deadline: float, seed: int, threads: int
) -> tuple[list[int], int, bool]:
    """Whole model in CP-SAT; the greedy schedule is the hint and the fallback. `threads` is
    unused (see below)."""
    rng = random.Random(seed)
    state = greedy(indexed, {}, rng)
    remaining = deadline - time.monotonic()
    sub = cpsat.solve_pairs(
        indexed,
        state.slot_of,
        range(indexed.n_pairs),
        time_limit_s=remaining,
        seed=seed,
        # One worker: parallel CP-SAT workers race on timing, so their answer varies from run
        # to run, and interleaving them deterministically was 3x slower to prove optimality on
        # a 40-person event than a single worker.
        threads=1,
    )
    slot_of = list(state.slot_of)
    if sub.found and sub.objective >= state.total:
        for k, s in sub.slot_of.items():
            slot_of[k] = s
    return slot_of, sub.bound, not sub.optimal


def _solve_lns(
    indexed: IndexedProblem, deadline: float, seed: int, threads: int
) -> tuple[list[int], int, bool]:
    """LP bound and guide, greedy, local search, then CP-SAT on neighbourhoods."""
    rng = random.Random(seed)
    # The LP gets at most half the time: without a schedule the bound alone is worth nothing.
    relaxation = lp_bound(indexed, time_limit_s=(deadline - time.monotonic()) / 2, threads=threads)
    bound = int(relaxation.bound + 1e-6)
    state = greedy(indexed, relaxation.value, rng)
    if state.total >= bound:
        return state.slot_of, bound, False
    # Shallow chains first: on the 1,000-person benchmark depth 1 reached in 1.3 s what
    # depth 3 needed 30 s for, and depth 2 after it added the rest that deeper chains found.
    # What remains is for CP-SAT neighbourhoods, which find moves no chain of swaps does.
    for depth in LOCAL_SEARCH_DEPTHS:
        LocalSearch(state, rng, depth=depth).run(deadline)
    cut, bound = _neighbourhood_search(state, relaxation.value, bound, deadline, rng, threads)
    return state.slot_of, bound, cut


def _neighbourhood_search(
    state: State,
    guide: dict[tuple[int, int], float],
    bound: int,
    deadline: float,
    rng: random.Random,
    threads: int,
) -> tuple[bool, int]:
    """Free the pairs around a few participants and let CP-SAT re-place them; keep better
    answers. Neighbourhoods grow while sub-solves prove optimality fast and shrink when they
    do not. Returns whether the deadline (rather than the bound or a long stall) ended it,
    and the bound, which a neighbourhood spanning every pair can tighten to the optimum."""
    p = state.p
    if p.n_pairs == 0:
        return False, bound
    lp_share = [0.0] * p.n_pairs
    for (k, _), value in guide.items():
        lp_share[k] += value
    target = 300
    stall = 0
    stall_limit = 400
    while state.total < bound:
        if time.monotonic() >= deadline:
            return True, bound
        if stall >= stall_limit:
            return False, bound
        free_pairs = _neighbourhood(state, lp_share, target, rng)
        before = sum(p.weight[k] for k in free_pairs if state.slot_of[k] >= 0)
        remaining = deadline - time.monotonic()
        sub = cpsat.solve_pairs(
            p,
            state.slot_of,
            free_pairs,
            time_limit_s=min(remaining, 5.0),
            seed=rng.randrange(1 << 30),
            threads=1,
            deterministic_limit=0.5,
        )
        if sub.found and sub.objective > before:
            for k in free_pairs:
                if state.slot_of[k] >= 0:
                    state.unbook(k)
            for k, s in sorted(sub.slot_of.items()):
                if s >= 0:
                    state.book(k, s)
            state.log.clear()
            stall = 0
        else:
            stall += 1
        if sub.optimal and len(free_pairs) == p.n_pairs:
            # Nothing was held fixed, so this sub-solve proved the global optimum.
            bound = min(bound, state.total)
            break
        # Grow while sub-solves close fast, shrink when they run out of budget.
        target = min(int(target * 1.1) + 1, 3000) if sub.optimal else max(60, int(target * 0.8))
    return False, bound


def _neighbourhood(
    state: State, lp_share: list[float], target: int, rng: random.Random
) -> list[int]:
    """Pairs around an unbooked pair the LP wants: walk the pair graph from its two ends,
    collecting participants, and free every pair touching them, about `target` pairs."""
    p = state.p
    if p.n_pairs <= target:
        return list(range(p.n_pairs))
    unbooked = [k for k in range(p.n_pairs) if state.slot_of[k] < 0 and lp_share[k] > 1e-6]
    if not unbooked:
        unbooked = [k for k in range(p.n_pairs) if state.slot_of[k] < 0] or list(range(p.n_pairs))
    start = rng.choice(unbooked)
    frontier = [p.pair_a[start], p.pair_b[start]]
    seen_people = set(frontier)
    chosen: set[int] = set()
    while frontier and len(chosen) < target:
        v = frontier.pop(rng.randrange(len(frontier)))
        for k in p.incident[v]:
            chosen.add(k)
            for w in (p.pair_a[k], p.pair_b[k]):
                if w not in seen_people:
                    seen_people.add(w)
                    frontier.append(w)
    return sorted(chosen)
