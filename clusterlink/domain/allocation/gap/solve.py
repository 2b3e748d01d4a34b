"""The GAP engine's one entry point: `solve_gap`.

Method "ours" (the default) is a portfolio: with two or more threads, HiGHS on the textbook MIP
runs on one thread for the whole limit (a separate process), and the pipeline below runs on the
others; the answer is the cheaper assignment and the larger proven bound. Where the MIP's LP
bound is tight (type E, many jobs per agent) branch and cut wins given the whole time; where it
is loose (type D, few jobs per agent) the pipeline wins. The pipeline:
1. LP relaxation (HiGHS in SciPy): a proven lower bound, reduced costs and capacity duals.
2. Search phases (see `_search_phases`): tabu searches (shift, swap and ejection chains, adaptive
   capacity penalties) from the rounded LP, one per thread. Then, with few jobs per agent and
   when its root fits the time, column generation over agent patterns (knapsack pricing, GLOP
   master) seeded with their assignments, which yields the Lagrangian bound, and several dives to
   packed assignments, followed by tabu searches from the best dive; otherwise tabu searches from
   the rounded LP confined to the pairs of smallest LP reduced cost (two to three per job).
3. Recombination: CP-SAT over the pairs used by the searches' elite solutions, the dives and the
   LP support.
4. Large neighbourhood search. With one thread: the jobs of a few related agents re-solved
   exactly by CP-SAT. Beside the MIP: the jobs of a dozen related agents re-packed by HiGHS,
   each job restricted to its few pairs of smallest reduced cost (`restricted_mip_lns`); it
   takes all the time left (the MIP's bound makes the polish redundant), and without column
   generation 40 % of the time after the LP (the ejection-chain tabu search takes the rest: it
   improves faster than the LNS on packed agents until it stalls), but the last 8 % of the limit (at most 3 s), where the MIP has stopped: CP-SAT
   recombines the pipeline's assignment with the MIP's and the LNS searches around the better.
5. With one thread only, polish: CP-SAT with the best assignment as a hint, restricted by exact
   reduced-cost fixing and asked for a strictly cheaper assignment; its bound then bounds the
   whole problem, so it can prove optimality (without column generation, HiGHS from the best
   assignment instead). lower_bound = max(LP, Lagrangian, HiGHS and CP-SAT bounds).

Methods "cpsat" and "highs" are the plain textbook models, kept as baselines and as a check.

Determinism: for a given seed and thread count, "ours" returns the same assignment on every run
as long as no wall-clock limit ends a phase: the tabu search counts work instead of seconds, the
column generation counts master solves, CP-SAT runs with a deterministic-time limit and
deterministic interleaved workers, the one-thread LNS counts steps, but HiGHS's MIP stops on the
wall clock unless it proves optimality first, and so do the sub-solves of the LNS beside it (so
with two threads the answer is the same on every run only when both sides end on their own; a
tie goes to a proven MIP optimum). The searches after the first also share out the time left on
the clock, so their budgets follow the machine's speed. On a busy machine (as the shared
benchmark machine usually is) the safety stops end the phases early and the result may vary: in
practice determinism holds on small instances, where every phase ends on its own counters or
proof. The plain baselines stop on the
wall clock and are not deterministic.
"""

from __future__ import annotations

import contextlib
import functools
import math
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event as EventType
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from clusterlink.domain.allocation.gap.column_generation import (
    MAX_PRICING_CELLS,
    PatternOutcome,
    pattern_search,
)
from clusterlink.domain.allocation.gap.lns import agent_subset_lns, restricted_mip_lns
from clusterlink.domain.allocation.gap.local_search import SearchOutcome, tabu_search
from clusterlink.domain.allocation.gap.problem import GapInstance
from clusterlink.domain.allocation.gap.result import GapResult, SolveStatus
from clusterlink.domain.allocation.gap.solvers.cpsat import solve_cpsat
from clusterlink.domain.allocation.gap.solvers.highs import HighsOutcome, solve_highs_mip
from clusterlink.domain.allocation.gap.solvers.lp import solve_lp_relaxation

Method = Literal["ours", "cpsat", "highs"]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Scored moves per second of one tabu-search process on the reference machine (Xeon 2.8 GHz,
# measured 2.7e8 on d20200 and d40400); converts the caller's seconds into a deterministic work
# budget, a little below the measured rate so that the budget rather than the clock ends a phase.
_TABU_MOVES_PER_SECOND = 2.5e8
# CP-SAT deterministic time units per wall second with two workers on the same machine.
_CPSAT_DTIME_PER_SECOND = 1.0
_LP_SHARE = 0.5  # the LP may use at most this share of the limit
_RECOMBINE_SHARE = 0.3  # of the time left after the searches
# Agent-subset LNS: this share of the time left after recombination (the rest polishes), and its
# step budget per second, which keeps it deterministic (the deadline is only a safety stop).
_LNS_SHARE = 0.6
_LNS_STEPS_PER_SECOND = 30.0
_CPSAT_SHARE = 0.15  # share of the time left after the LP given to the CP-SAT phase
# Beside the MIP without column generation: the share of the time after the LP left to the
# recombination and the LNS after the searches, and the recombination's share of it. Measured
# at 60 s against 0.75: d40400 24531 -> 24510, d20400 24633 -> 24603, e40400 44588 -> 44577;
# at 0.15 e40400 fell behind at 10 s (44683 against 44628): the LNS matters there.
_LNS_LED_SHARE = 0.4
_LNS_LED_RECOMBINE_SHARE = 0.1
_PLAIN_CPSAT_WORKERS = 2
# The search moves a job only to its this-many agents of smallest LP reduced cost (plus its LP
# support): on D and E instances the rest almost never appear in good assignments.
_CANDIDATE_AGENTS_PER_JOB = 8
# After a first search over those, tabu searches from the rounded LP over far fewer pairs: the
# pairs of smallest reduced cost over the whole instance, this many per job on average (the LP
# support always included). Good D and E assignments are nearly LP-optimal (d40400: optimum
# 24350 against an LP bound of 24348), and a search confined near the LP finds them far better:
# 15 s on one core, d40400 24460 against 24510 over 8 agents per job, d20200 12270 against 12310,
# d10200 12448 against 12467, e40400 44657 against 44687. Which width is best varies (2.0 on
# d20200, 2.3 on d40400, 3.0 on d20100), so the searches cycle through several, one per
# _NARROW_SEARCH_SECONDS of the time (they level off within a few seconds).
_NARROW_PAIRS_PER_JOB = (2.3, 3.0, 2.6, 2.0)
_NARROW_SEARCH_SECONDS = 3.0
# Shares of the search time: first tabu searches, then column generation and its dive (beside
# one more tabu search); the rest goes to tabu searches from the dive's assignment.
_FIRST_SEARCH_SHARE = 0.1
_PATTERN_SHARE = 0.8
_PATTERN_MAX_ITERATIONS = 3000
# One column generation round costs about this many seconds per DP cell (agents × capacity ×
# jobs) of the pricing plus per squared job of the master LP (fitted to 12, 50 and 400 ms a
# round on d20100, d20200, d40400), and a root takes some 120 rounds; column generation runs
# only when that fits in half its phase.
_SECONDS_PER_PRICING_CELL = 1.5e-8
_SECONDS_PER_SQUARED_JOB = 1.0e-6
_EXPECTED_ROOT_ROUNDS = 120
# With more jobs per agent the LP master is too fractional for good dives (d05100, e05100).
_PATTERN_MAX_JOBS_PER_AGENT = 10
# Above this many jobs a dive takes far longer than its root (d20200: 16-30 s a dive against a
# 5 s root; GLOP re-solves slowly once columns are fixed), so no dive ends even in 60 s.
_PATTERN_MAX_JOBS = 150
# With one thread, where column generation does not run, the final phase is HiGHS on the
# textbook MIP, given this share of the time after the LP.
_MIP_SHARE = 0.6
# The portfolio's MIP stops this long before the limit, for its answer to come back; the
# pipeline then waits at most _MIP_GRACE past the limit for it.
_MIP_RETURN_MARGIN = 0.15
_MIP_GRACE = 1.0
# How often the wait for the pipeline asks whether the MIP has proved its answer.
_POLL_SECONDS = 0.05
# The MIP beside the pipeline stops this share of the limit (at most the seconds) early, for the
# pipeline to recombine the two assignments and search around the better.
_FINAL_SHARE = 0.08
_FINAL_MAX_SECONDS = 3.0
# Scheduling priority of the pipeline beside the MIP (added to the caller's niceness) on
# instances with at least this many jobs per agent, where the MIP's LP bound is tight.
_PIPELINE_NICENESS = 5
_MIP_FRIENDLY_JOBS_PER_AGENT = 20
# With one thread and above this many pairs, HiGHS falls behind the tabu search in a short
# polish phase (d40400 1.5 %, e40400 2.0 % at 10 s in BENCHMARKS.md): tabu search instead.
_MIP_POLISH_MAX_PAIRS = 8000


def solve_gap(
    instance: GapInstance,
    *,
    time_limit_s: float,
    seed: int = 0,
    threads: int = 2,
    method: Method = "ours",
) -> GapResult:
    """Minimise total cost of assigning every job to one agent within capacities.

    Returns the best assignment found with a proven lower bound. Status OPTIMAL when the bound
    meets the objective, FEASIBLE when an assignment exists but optimality is not proven,
    INFEASIBLE when no assignment can exist, TIME_LIMIT when none was found in time.
    """
    if time_limit_s <= 0:
        raise ValueError("time_limit_s must be positive")
    if threads < 1:
        raise ValueError("threads must be at least 1")
    started = time.monotonic()
    costs = np.array(instance.costs, dtype=np.int64)
    weights = np.array(instance.weights, dtype=np.int64)
    capacities = np.array(instance.capacities, dtype=np.int64)
    if method == "cpsat":
        outcome = solve_cpsat(
            costs,
            weights,
            capacities,
            time_limit_s=time_limit_s,
            workers=_PLAIN_CPSAT_WORKERS,
            seed=seed,
        )
        return _result(
            outcome.assignment,
            outcome.objective,
            outcome.bound,
            proven_optimal=outcome.optimal,
            infeasible=outcome.infeasible,
            started=started,
        )
    if method == "highs":
        mip = solve_highs_mip(costs, weights, capacities, time_limit_s=time_limit_s, seed=seed)
        return _result(
            mip.assignment,
            mip.objective,
            mip.bound,
            proven_optimal=mip.optimal,
            infeasible=mip.infeasible,
            started=started,
        )
    return _solve_ours(costs, weights, capacities, time_limit_s, seed, threads, started)


def _solve_ours(
    costs: IntArray,
    weights: IntArray,
    capacities: IntArray,
    time_limit_s: float,
    seed: int,
    threads: int,
    started: float,
) -> GapResult:
    deadline = started + time_limit_s
    # A job that fits on no agent, even alone, makes the instance infeasible outright.
    if not np.all((weights <= capacities[:, None]).any(axis=0)):
        return _result(None, None, None, proven_optimal=False, infeasible=True, started=started)
    if threads < 2:
        return _pipeline(
            costs, weights, capacities, time_limit_s, seed, threads, started, background=None
        )
    # Portfolio: HiGHS on the textbook MIP for the whole limit on one thread, from the start
    # (its own warm start barely matters: measured on e10200, e20400, d10400, e40400), and the
    # pipeline on the others. Where the MIP's LP bound is tight (type E, many jobs per agent)
    # branch and cut beats any heuristic given the time; where it is loose (type D with few jobs
    # per agent) the pipeline wins. Starved of time the MIP lost to plain HiGHS on e10100,
    # e10200 and e20400 at 10 s.
    # The MIP stops this long before the limit; the pipeline then recombines its assignment
    # with the MIP's and searches around the better (see _finish_with_mip).
    final_seconds = min(_FINAL_SHARE * time_limit_s, _FINAL_MAX_SECONDS)
    background = _BackgroundMip(
        costs,
        weights,
        capacities,
        seconds=deadline - time.monotonic() - _MIP_RETURN_MARGIN - final_seconds,
        seed=seed,
    )
    # The pipeline runs in a child process; with many jobs per agent, where the MIP is the
    # stronger side, at a lower scheduling priority: on an idle machine it has its own core, on
    # a busy one it yields to the MIP, which then gets nearly the CPU plain HiGHS would (at equal
    # priority it lost to plain HiGHS on e10200, e20400, d10400 at 10 s with the load average at
    # 3-4). With few jobs per agent the pipeline is the stronger side (d20100: 0.2 % against
    # HiGHS's 2 %) and keeps the caller's priority: at niceness 10 it fell to 2 % under load.
    n_agents, n_jobs = costs.shape
    niceness = _PIPELINE_NICENESS if n_jobs >= _MIP_FRIENDLY_JOBS_PER_AGENT * n_agents else 0
    pipeline = _ChildProcess(
        functools.partial(
            _pipeline,
            costs,
            weights,
            capacities,
            time_limit_s,
            seed,
            threads - 1,
            started,
            background=background,
            final_seconds=final_seconds,
        ),
        niceness=niceness,
    )
    try:
        # A proof from the MIP (on small E instances often within seconds) ends the wait: the
        # pipeline has nothing left to add.
        own = pipeline.result(
            timeout=max(0.0, deadline - time.monotonic()) + _MIP_GRACE,
            unless=background.proved_optimal,
        )
        mip = background.result(timeout=max(0.0, deadline - time.monotonic()) + _MIP_GRACE)
    finally:
        pipeline.stop()
        background.stop()
    if own is None:
        # The pipeline died or overran: the MIP's answer alone (bounded by the LP's at least).
        own = _result(None, None, None, proven_optimal=False, infeasible=False, started=started)
    return _merge(own, mip, started)


def _merge(own: GapResult, mip: HighsOutcome | None, started: float) -> GapResult:
    """The cheaper of the pipeline's and the MIP's assignments with the larger proven bound."""
    if own.status == SolveStatus.INFEASIBLE or mip is None:
        return own
    if mip.infeasible:
        return _result(None, None, None, proven_optimal=False, infeasible=True, started=started)
    assignment = np.array(own.assignment, dtype=np.int64) if own.objective is not None else None
    objective = own.objective
    # On a tie a proven MIP optimum wins: small instances then get the same answer whichever
    # side finished first.
    if (
        mip.assignment is not None
        and mip.objective is not None
        and (
            objective is None
            or mip.objective < objective
            or (mip.objective == objective and mip.optimal)
        )
    ):
        assignment, objective = mip.assignment, mip.objective
    # HiGHS's dual bound, never its objective: its "optimal" allows a gap unless run `exact`.
    bounds = [b for b in (own.lower_bound, mip.bound) if b is not None]
    lower_bound = max(bounds) if bounds else None
    return _result(
        assignment,
        objective,
        lower_bound,
        proven_optimal=lower_bound is not None and lower_bound == objective,
        infeasible=False,
        started=started,
    )


def _pipeline(
    costs: IntArray,
    weights: IntArray,
    capacities: IntArray,
    time_limit_s: float,
    seed: int,
    threads: int,
    started: float,
    *,
    background: _BackgroundMip | None,
    final_seconds: float = 0.0,
) -> GapResult:
    """LP, searches, recombination and polish on `threads` threads; `background` (if any) is
    the MIP running beside, whose proof of optimality ends the pipeline early, and whose
    assignment the last `final_seconds` combine with the pipeline's."""
    final_deadline = started + time_limit_s
    deadline = final_deadline - final_seconds
    n_agents, n_jobs = costs.shape
    lp = solve_lp_relaxation(costs, weights, capacities, time_limit_s=_LP_SHARE * time_limit_s)
    if lp == "infeasible":
        return _result(None, None, None, proven_optimal=False, infeasible=True, started=started)
    if lp is None:
        # No LP in time: greedy start (heaviest job first to the cheapest agent with room),
        # penalties from the cost/weight scale.
        start = _round_lp(np.zeros(costs.shape), costs, weights, capacities)
        scale = float(np.median(costs)) / max(1.0, float(np.median(weights)))
        penalty = np.full(n_agents, max(scale, 1e-3))
        lower_bound: int | None = int(costs.min(axis=0).sum())
        reduced_costs: FloatArray | None = None
        lp_value = float("-inf")
        excluded = None
        narrow = []
        lp_support = np.zeros(costs.shape, dtype=bool)
    else:
        start = _round_lp(lp.fractional, costs, weights, capacities)
        # LP capacity duals price overload; a small uniform share keeps agents with a zero
        # dual from being overloaded for free.
        penalty = lp.capacity_duals + 0.1 * max(float(lp.capacity_duals.mean()), 0.1) + 0.1
        lower_bound = lp.lower_bound
        reduced_costs = lp.reduced_costs
        lp_value = lp.value
        excluded = _hopeless_pairs(lp.reduced_costs, lp.fractional)
        narrow = [
            _far_from_lp_pairs(lp.reduced_costs, lp.fractional, per_job)
            for per_job in _NARROW_PAIRS_PER_JOB
        ]
        lp_support = lp.fractional > 1e-6

    # Where column generation does not pay, HiGHS on the textbook MIP from the searches' best
    # assignment is the stronger finish (its LP is tight with many jobs per agent, as on d05100,
    # e05100, and on type E); CP-SAT's polish rarely improved anything there.
    search_time = deadline - time.monotonic()
    use_patterns = _patterns_pay(costs, capacities, (1.0 - _CPSAT_SHARE) * search_time)
    # Beside the MIP (or with column generation, or above a size) the MIP gets no polish phase.
    mip_polish = (
        background is None
        and not use_patterns
        and threads == 1
        and costs.size <= _MIP_POLISH_MAX_PAIRS
    )
    # Beside the MIP and without column generation the LNS (its HiGHS sub-solves re-pack a
    # dozen agents at once) shares the time with the searches rather than polishing briefly.
    lns_led = background is not None and not use_patterns
    polish_share = _MIP_SHARE if mip_polish else _LNS_LED_SHARE if lns_led else _CPSAT_SHARE
    search, pattern = _search_phases(
        costs,
        weights,
        capacities,
        start,
        penalty,
        job_duals=None if lp is None else _lp_job_duals(costs, weights, lp.capacity_duals),
        seconds=search_time * (1.0 - polish_share),
        use_patterns=use_patterns,
        seed=seed,
        threads=threads,
        stop_at=lower_bound,
        excluded=excluded,
        narrow=narrow,
    )
    if pattern is not None and pattern.lagrangian_bound is not None:
        # Any multipliers give a valid Lagrangian bound; the knapsack one beats the LP's.
        tolerance = 1e-6 * max(1.0, abs(pattern.lagrangian_bound))
        lagrangian = math.ceil(pattern.lagrangian_bound - tolerance)
        lower_bound = lagrangian if lower_bound is None else max(lower_bound, lagrangian)
    incumbent, incumbent_cost = (search[0].assignment, search[0].cost) if search else (None, None)
    if background is not None and background.proved_optimal():
        # The MIP beside proved its optimum: nothing left to find (the merge takes it).
        return _result(
            incumbent,
            incumbent_cost,
            lower_bound,
            proven_optimal=False,
            infeasible=False,
            started=started,
        )
    if mip_polish and incumbent is not None and incumbent_cost is not None:
        return _polish_with_mip(
            costs,
            weights,
            capacities,
            incumbent,
            incumbent_cost,
            lower_bound,
            seconds=deadline - time.monotonic(),
            seed=seed,
            started=started,
        )
    # Nothing to recombine once a bound (HiGHS's, typically) proves the best optimal.
    proven = incumbent_cost is not None and incumbent_cost == lower_bound
    if incumbent is not None and incumbent_cost is not None and not proven:
        incumbent, incumbent_cost = _recombine(
            costs,
            weights,
            capacities,
            search,
            lp_support,
            seconds=(_LNS_LED_RECOMBINE_SHARE if lns_led else _RECOMBINE_SHARE)
            * (deadline - time.monotonic()),
            seed=seed,
            threads=threads,
        )
    proven = incumbent_cost is not None and incumbent_cost == lower_bound
    if incumbent is not None and incumbent_cost is not None and not proven:
        # Beside the MIP the polish below is not worth its time (the MIP's bound is the better
        # one, and the LNS improves more than the polish finds): the LNS takes it all.
        if background is None:
            lns_seconds = _LNS_SHARE * (deadline - time.monotonic())
            improved = agent_subset_lns(
                costs,
                weights,
                capacities,
                incumbent,
                reduced_costs=reduced_costs,
                seed=seed,
                deadline=time.monotonic() + lns_seconds,
                max_steps=max(1, int(lns_seconds * _LNS_STEPS_PER_SECOND)),
                stop_at=lower_bound,
            )
        else:
            # Beside the MIP, whose wall-clock stop already makes the answer vary, the LNS
            # whose HiGHS sub-solves stop on the clock too: it re-packs far larger
            # neighbourhoods (see restricted_mip_lns).
            improved = restricted_mip_lns(
                costs,
                weights,
                capacities,
                incumbent,
                reduced_costs=reduced_costs,
                seed=seed,
                deadline=deadline,
                stop_at=lower_bound,
                stop=background.proved_optimal,
            )
        if improved.cost < incumbent_cost:
            incumbent, incumbent_cost = improved.assignment, improved.cost
    if background is not None:
        if incumbent is not None and incumbent_cost is not None and not proven:
            elite = tuple(o.assignment for o in search[:3] if o.assignment is not None)
            incumbent, incumbent_cost = _finish_with_mip(
                costs,
                weights,
                capacities,
                SearchOutcome(incumbent, incumbent_cost, 0, elite),
                background,
                lp_support,
                reduced_costs,
                lower_bound,
                deadline=final_deadline - _MIP_RETURN_MARGIN,
                seed=seed,
            )
        return _result(
            incumbent,
            incumbent_cost,
            lower_bound,
            proven_optimal=incumbent_cost is not None and incumbent_cost == lower_bound,
            infeasible=False,
            started=started,
        )
    if incumbent is not None and lower_bound is not None and incumbent_cost == lower_bound:
        return _result(
            incumbent,
            incumbent_cost,
            lower_bound,
            proven_optimal=True,
            infeasible=False,
            started=started,
        )

    allowed = None
    # The polish model holds every assignment cheaper than the incumbent (reduced-cost fixing
    # is exact) unless it had to fall back to the promising pairs for want of any assignment.
    polish_is_exact = incumbent is not None or excluded is None
    if incumbent is None and excluded is not None:
        # No assignment yet on a large instance: look for one among the promising pairs only,
        # a model CP-SAT can build and solve in the time left (its "infeasible" is then no proof).
        allowed = ~excluded
    if incumbent is not None and incumbent_cost is not None and reduced_costs is not None:
        # Reduced-cost fixing: a pair whose reduced cost alone lifts the LP value to the
        # incumbent's cost cannot be in any strictly cheaper assignment.
        allowed = reduced_costs < (incumbent_cost - lp_value) + 1e-6
        allowed[incumbent, np.arange(n_jobs)] = True
    remaining = max(0.05, deadline - time.monotonic())
    polish = solve_cpsat(
        costs,
        weights,
        capacities,
        time_limit_s=remaining,
        workers=threads,
        seed=seed,
        allowed=allowed,
        hint=incumbent if incumbent is not None else start,
        objective_below=incumbent_cost,
        deterministic_time=remaining * _CPSAT_DTIME_PER_SECOND,
        skip_if_build_too_slow=True,
    )
    if (
        polish.assignment is not None
        and polish.objective is not None
        and (incumbent_cost is None or polish.objective < incumbent_cost)
    ):
        incumbent, incumbent_cost = polish.assignment, polish.objective
    if incumbent_cost is None:
        proven = polish.infeasible and allowed is None  # full model: CP-SAT proved it
        return _result(None, None, None, proven_optimal=False, infeasible=proven, started=started)
    # CP-SAT's model holds every strictly cheaper assignment, so its bound (or a proof that no
    # cheaper one exists) bounds the whole problem.
    restricted_bound = incumbent_cost if polish.infeasible else polish.bound
    if polish.optimal:
        restricted_bound = polish.objective
    if not polish_is_exact:
        restricted_bound = None
    if restricted_bound is not None:
        restricted_bound = min(restricted_bound, incumbent_cost)
        lower_bound = (
            restricted_bound if lower_bound is None else max(lower_bound, restricted_bound)
        )
    return _result(
        incumbent,
        incumbent_cost,
        lower_bound,
        proven_optimal=lower_bound == incumbent_cost,
        infeasible=False,
        started=started,
    )


def _finish_with_mip(
    costs: IntArray,
    weights: IntArray,
    capacities: IntArray,
    own: SearchOutcome,
    background: _BackgroundMip,
    lp_support: npt.NDArray[np.bool_],
    reduced_costs: FloatArray | None,
    lower_bound: int | None,
    *,
    deadline: float,
    seed: int,
) -> tuple[IntArray, int]:
    """CP-SAT over the pairs of the pipeline's and the MIP's assignments (and the LP support),
    then the LNS from the better, until `deadline`. The two sides reach their assignments by
    unrelated routes, so each usually holds parts the other lacks."""
    assert own.assignment is not None and own.cost is not None
    mip = background.outcome_for_pipeline(timeout=max(0.0, deadline - time.monotonic()) / 4)
    found = [own]
    if mip is not None and mip.assignment is not None and mip.objective is not None:
        found = _cheapest([own, SearchOutcome(mip.assignment, mip.objective, 0, ())])
        if mip.optimal:
            # Run with a gap below 1, the MIP's optimum is proven: nothing left to find, and
            # the LNS, which stops on its deadline, would only hold the answer back.
            return mip.assignment, mip.objective
    if mip is not None and mip.bound is not None:
        lower_bound = mip.bound if lower_bound is None else max(lower_bound, mip.bound)
    best = found[0]
    assert best.assignment is not None and best.cost is not None
    incumbent, incumbent_cost = best.assignment, best.cost
    if lower_bound is not None and incumbent_cost <= lower_bound:
        return incumbent, incumbent_cost
    if len(found) > 1:
        merged, merged_cost = _recombine(
            costs,
            weights,
            capacities,
            found,
            lp_support,
            seconds=0.5 * (deadline - time.monotonic()),
            seed=seed,
            threads=1,
        )
        if merged is not None and merged_cost is not None:
            incumbent, incumbent_cost = merged, merged_cost
    seconds = deadline - time.monotonic()
    if seconds > 0.05:
        improved = restricted_mip_lns(
            costs,
            weights,
            capacities,
            incumbent,
            reduced_costs=reduced_costs,
            seed=seed + 1,
            deadline=deadline,
            stop_at=lower_bound,
        )
        if improved.cost < incumbent_cost:
            incumbent, incumbent_cost = improved.assignment, improved.cost
    return incumbent, incumbent_cost


class _BackgroundMip:
    """HiGHS on the textbook MIP in a forked process, for `seconds` of its own clock (the model
    is built in a few hundredths of a second before it starts)."""

    def __init__(
        self, costs: IntArray, weights: IntArray, capacities: IntArray, *, seconds: float, seed: int
    ) -> None:
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        # A second copy of the outcome for the pipeline, forked after this object was made.
        self._pipeline_receiver, pipeline_sender = context.Pipe(duplex=False)
        self._proved = context.Event()
        self._process = context.Process(
            target=_mip_worker,
            args=(
                (sender, pipeline_sender),
                self._proved,
                costs,
                weights,
                capacities,
                max(0.05, seconds),
                seed,
            ),
            daemon=True,
        )
        self._process.start()
        sender.close()
        pipeline_sender.close()

    def proved_optimal(self) -> bool:
        """Whether the MIP has finished with a proof of optimality or infeasibility (never waits;
        usable from processes forked after this object was made)."""
        return self._proved.is_set()

    def outcome_for_pipeline(self, *, timeout: float) -> HighsOutcome | None:
        """The MIP's outcome as the pipeline's process receives it (its own copy), waiting up to
        `timeout` seconds; None if none came."""
        outcome: HighsOutcome | None = _receive(self._pipeline_receiver, timeout)
        return outcome

    def result(self, *, timeout: float) -> HighsOutcome | None:
        """The MIP's outcome, waiting up to `timeout` seconds; None if none came."""
        outcome: HighsOutcome | None = _receive(self._receiver, timeout)
        return outcome

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._receiver.close()
        self._pipeline_receiver.close()


def _receive(receiver: Connection, timeout: float) -> Any:
    """What the process at the other end of `receiver` sends within `timeout` seconds; None if
    nothing came or it died first."""
    if not receiver.poll(timeout):
        return None
    try:
        return receiver.recv()
    except EOFError:
        return None


def _mip_worker(
    senders: tuple[Connection, Connection],
    proved: EventType,
    costs: IntArray,
    weights: IntArray,
    capacities: IntArray,
    seconds: float,
    seed: int,
) -> None:
    outcome = solve_highs_mip(
        costs, weights, capacities, time_limit_s=seconds, seed=seed, exact=True
    )
    if outcome.optimal or outcome.infeasible:
        proved.set()
    for sender in senders:
        sender.send(outcome)
        sender.close()


class _ChildProcess:
    """`call()` in a forked process at `niceness` (added to the caller's); not a daemon, so it
    may start processes of its own."""

    def __init__(self, call: Callable[[], GapResult], *, niceness: int) -> None:
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_child_worker, args=(sender, call, niceness))
        self._process.start()
        sender.close()

    def result(
        self, *, timeout: float, unless: Callable[[], bool] = lambda: False
    ) -> GapResult | None:
        """The call's result, waiting up to `timeout` seconds; None if it died or overran, or
        as soon as `unless()` (asked every _POLL_SECONDS) is true."""
        end = time.monotonic() + timeout
        while not unless():
            left = end - time.monotonic()
            if left <= 0:
                return None
            if self._receiver.poll(min(left, _POLL_SECONDS)):
                answer: GapResult | None = _receive(self._receiver, 0.0)
                return answer
        return None

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._receiver.close()


def _child_worker(sender: Connection, call: Callable[[], GapResult], niceness: int) -> None:
    with contextlib.suppress(OSError):
        os.nice(niceness)
    sender.send(call())
    sender.close()


def _polish_with_mip(
    costs: IntArray,
    weights: IntArray,
    capacities: IntArray,
    incumbent: IntArray,
    incumbent_cost: int,
    lower_bound: int | None,
    *,
    seconds: float,
    seed: int,
    started: float,
) -> GapResult:
    """HiGHS on the full textbook MIP from the incumbent; its dual bound bounds the problem."""
    mip = solve_highs_mip(
        costs,
        weights,
        capacities,
        time_limit_s=max(0.05, seconds),
        seed=seed,
        hint=incumbent,
        exact=True,
    )
    if mip.assignment is not None and mip.objective is not None and mip.objective < incumbent_cost:
        incumbent, incumbent_cost = mip.assignment, mip.objective
    if mip.bound is not None:
        lower_bound = mip.bound if lower_bound is None else max(lower_bound, mip.bound)
    return _result(
        incumbent,
        incumbent_cost,
        lower_bound,
        proven_optimal=lower_bound is not None and lower_bound >= incumbent_cost,
        infeasible=False,
        started=started,
    )


def _patterns_pay(costs: IntArray, capacities: IntArray, search_seconds: float) -> bool:
    """Whether column generation should run: few jobs per agent (with more, its LP is too
    fractional for good dives) and a root expected to converge in half its phase's time."""
    n_agents, n_jobs = costs.shape
    pricing_cells = n_agents * float(capacities.max()) * n_jobs
    round_seconds = (
        pricing_cells * _SECONDS_PER_PRICING_CELL + n_jobs * n_jobs * _SECONDS_PER_SQUARED_JOB
    )
    expected_root_seconds = round_seconds * _EXPECTED_ROOT_ROUNDS
    return bool(
        n_jobs <= _PATTERN_MAX_JOBS
        and n_jobs <= _PATTERN_MAX_JOBS_PER_AGENT * n_agents
        and pricing_cells <= MAX_PRICING_CELLS
        and expected_root_seconds <= 0.5 * _PATTERN_SHARE * search_seconds
    )


def _search_phases(
    costs: IntArray,
    weights: IntArray,
    capacities: IntArray,
    start: IntArray,
    penalty: FloatArray,
    *,
    job_duals: FloatArray | None,
    seconds: float,
    use_patterns: bool,
    seed: int,
    threads: int,
    stop_at: int | None,
    excluded: npt.NDArray[np.bool_] | None,
    narrow: list[npt.NDArray[np.bool_]],
) -> tuple[list[SearchOutcome], PatternOutcome | None]:
    """Tabu searches from the rounded LP; then column generation with dives, seeded with their
    best assignments, then tabu searches from the dives' best assignment, which is packed the way
    single moves rarely reach (without column generation, tabu searches from the best so far).
    Returns every search's outcome, cheapest first, and the pattern search's outcome (None when
    not run)."""
    phase_started = time.monotonic()
    first = _run_searches(
        costs,
        weights,
        capacities,
        [start] * threads,
        penalty,
        seconds=_FIRST_SEARCH_SHARE * seconds,
        seed=seed,
        stop_at=stop_at,
        excluded=excluded,
    )
    reached_bound = bool(first) and stop_at is not None and first[0].cost == stop_at
    if reached_bound:
        return first, None
    if not first or not use_patterns:
        # No assignment to seed the patterns with, or column generation would not reach the
        # LP optimum in time to leave room for dives: tabu searches near the LP (over the
        # `narrow` exclusions in turn) or, without an LP, from the best so far.
        rest = seconds - (time.monotonic() - phase_started)
        if rest <= 0.05:
            return first, None
        if narrow:
            # One search per slot of the time, cycling through the widths with fresh seeds;
            # a search that levels off early leaves its time to the next ones.
            slots = max(1, int(rest / _NARROW_SEARCH_SECONDS))
            near: list[SearchOutcome] = []
            for slot in range(slots):
                left = phase_started + seconds - time.monotonic()
                if left <= 0.05 or (stop_at is not None and any(o.cost == stop_at for o in near)):
                    break
                near += _run_searches(
                    costs,
                    weights,
                    capacities,
                    [start] * threads,
                    penalty,
                    seconds=left / (slots - slot),
                    seed=seed + 7919 * (slot + 1),
                    stop_at=stop_at,
                    excluded=narrow[slot % len(narrow)],
                )
            return _cheapest(first + near), None
        restart = first[0].assignment if first and first[0].assignment is not None else start
        more = _run_searches(
            costs,
            weights,
            capacities,
            [restart] * threads,
            penalty,
            seconds=rest,
            seed=seed + 7919,
            stop_at=stop_at,
            excluded=excluded,
        )
        return _cheapest(first + more), None
    incumbents = [o.assignment for o in first if o.assignment is not None]
    for outcome in first:
        incumbents.extend(outcome.elite)
    pattern_seconds = _PATTERN_SHARE * seconds
    pattern_deadline = time.monotonic() + pattern_seconds
    pattern_call = functools.partial(
        pattern_search,
        costs,
        weights,
        capacities,
        incumbents=incumbents,
        initial_duals=job_duals,
        max_iterations=_PATTERN_MAX_ITERATIONS,
        deadline=pattern_deadline,
    )
    side: list[SearchOutcome] = []
    pattern = pattern_call()
    rest = seconds - (time.monotonic() - phase_started)
    starts = [pattern.assignment] if pattern.assignment is not None else []
    if pattern.cost is not None:
        # Every dive joins the recombination: they are packed differently from one another.
        side.append(SearchOutcome(pattern.assignment, pattern.cost, 0, pattern.dives[1:]))
    best_so_far = _cheapest(first + side)
    starts += [o.assignment for o in best_so_far[:1] if o.assignment is not None]
    last = (
        _run_searches(
            costs,
            weights,
            capacities,
            [starts[k % len(starts)] for k in range(threads)],
            penalty,
            seconds=rest,
            seed=seed + 104729,
            stop_at=stop_at,
            excluded=excluded,
        )
        if rest > 0.05 and starts
        else []
    )
    return _cheapest(first + side + last), pattern


def _cheapest(outcomes: list[SearchOutcome]) -> list[SearchOutcome]:
    """Those that found an assignment, cheapest first (stable: ties keep their order)."""
    found = [o for o in outcomes if o.assignment is not None and o.cost is not None]
    return sorted(found, key=lambda o: o.cost if o.cost is not None else math.inf)


def _lp_job_duals(costs: IntArray, weights: IntArray, capacity_duals: FloatArray) -> FloatArray:
    """The LP's job duals: each job's smallest cost plus capacity price over the agents."""
    duals: FloatArray = (costs + capacity_duals[:, None] * weights).min(axis=0).astype(np.float64)
    return duals


def _run_searches(
    costs: IntArray,
    weights: IntArray,
    capacities: IntArray,
    starts: list[IntArray],
    penalty: FloatArray,
    *,
    seconds: float,
    seed: int,
    stop_at: int | None,
    excluded: npt.NDArray[np.bool_] | None,
) -> list[SearchOutcome]:
    """One tabu search per start (one per thread), seeds seed·1000 + k; those that found an
    assignment, cheapest first (ties to the lower k)."""
    budget = max(0.0, seconds) * _TABU_MOVES_PER_SECOND
    deadline = time.monotonic() + max(0.0, seconds)
    threads = len(starts)
    seeds = [seed * 1000 + k for k in range(threads)]
    if threads == 1:
        outcomes = [
            tabu_search(
                costs,
                weights,
                capacities,
                starts[0],
                penalty,
                work_budget=budget,
                seed=seeds[0],
                deadline=deadline,
                stop_at=stop_at,
                excluded=excluded,
            )
        ]
    else:
        # fork: the workers need only NumPy arrays already in memory; no re-import, no pickling
        # of the engine.
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=threads, mp_context=context) as pool:
            futures = [
                pool.submit(
                    tabu_search,
                    costs,
                    weights,
                    capacities,
                    start,
                    penalty,
                    work_budget=budget,
                    seed=s,
                    deadline=deadline,
                    stop_at=stop_at,
                    excluded=excluded,
                )
                for s, start in zip(seeds, starts, strict=True)
            ]
            outcomes = [future.result() for future in futures]
    return _cheapest(outcomes)


def _recombine(
    costs: IntArray,
    weights: IntArray,
    capacities: IntArray,
    found: list[SearchOutcome],
    lp_support: npt.NDArray[np.bool_],
    *,
    seconds: float,
    seed: int,
    threads: int,
) -> tuple[IntArray | None, int | None]:
    """Best assignment using only pairs of the searches' solutions or the LP's support.

    Jobs on which all solutions and the LP agree stay put; the others choose among the agents
    some solution gave them. The independent searches usually end in different basins, and this
    small exact sub-problem takes the best part of each (path relinking done by CP-SAT).
    """
    best = found[0]
    assert best.assignment is not None and best.cost is not None
    jobs = np.arange(costs.shape[1])
    allowed = lp_support.copy()
    for outcome in found:
        assert outcome.assignment is not None
        allowed[outcome.assignment, jobs] = True
        for member in outcome.elite:
            allowed[member, jobs] = True
    merged = solve_cpsat(
        costs,
        weights,
        capacities,
        time_limit_s=max(0.05, seconds),
        workers=threads,
        seed=seed,
        allowed=allowed,
        hint=best.assignment,
        objective_below=best.cost,
        deterministic_time=max(0.05, seconds) * _CPSAT_DTIME_PER_SECOND,
        skip_if_build_too_slow=True,
    )
    if merged.assignment is not None and merged.objective is not None:
        return merged.assignment, merged.objective
    return best.assignment, best.cost


def _round_lp(
    fractional: FloatArray, costs: IntArray, weights: IntArray, capacities: IntArray
) -> IntArray:
    """Jobs the LP assigns whole keep their agent; the few split ones (at most one per agent in
    a basic solution) go, heaviest first, to the cheapest agent with room left, preferring the
    agents the LP split them over. Usually feasible, so even a short search starts from a valid
    assignment; if a job fits nowhere it takes its largest LP share and the search repairs it.
    """
    n_agents, n_jobs = costs.shape
    jobs = np.arange(n_jobs)
    start: IntArray = fractional.argmax(axis=0).astype(np.int64)
    whole = fractional[start, jobs] > 1.0 - 1e-6
    residual = capacities.astype(np.int64) - np.bincount(
        start[whole], weights=weights[start[whole], jobs[whole]], minlength=n_agents
    ).astype(np.int64)
    split = jobs[~whole]
    for job in split[np.argsort(-weights[:, split].max(axis=0), kind="stable")]:
        fits = weights[:, job] <= residual
        if not fits.any():
            continue
        preferred = fits & (fractional[:, job] > 1e-6)
        candidates = preferred if preferred.any() else fits
        agent = int(np.flatnonzero(candidates)[np.argmin(costs[candidates, job])])
        start[job] = agent
        residual[agent] -= weights[agent, job]
    return start


def _hopeless_pairs(reduced_costs: FloatArray, fractional: FloatArray) -> npt.NDArray[np.bool_]:
    """Pairs outside each job's few smallest reduced costs and outside the LP's support."""
    n_agents = reduced_costs.shape[0]
    if n_agents <= _CANDIDATE_AGENTS_PER_JOB:
        return np.zeros(reduced_costs.shape, dtype=bool)
    kth = np.sort(reduced_costs, axis=0)[_CANDIDATE_AGENTS_PER_JOB - 1]
    excluded: npt.NDArray[np.bool_] = (reduced_costs > kth[None, :] + 1e-9) & (fractional < 1e-6)
    return excluded


def _far_from_lp_pairs(
    reduced_costs: FloatArray, fractional: FloatArray, per_job: float
) -> npt.NDArray[np.bool_]:
    """Pairs outside the LP support whose reduced cost exceeds that of the `per_job` × jobs
    pairs of smallest reduced cost over the whole instance."""
    n_jobs = reduced_costs.shape[1]
    rank = min(reduced_costs.size, max(n_jobs, round(per_job * n_jobs))) - 1
    threshold = np.partition(reduced_costs.ravel(), rank)[rank]
    excluded: npt.NDArray[np.bool_] = (reduced_costs > threshold + 1e-9) & (fractional < 1e-6)
    return excluded


def _result(
    assignment: IntArray | None,
    objective: int | None,
    lower_bound: int | None,
    *,
    proven_optimal: bool,
    infeasible: bool,
    started: float,
) -> GapResult:
    seconds = time.monotonic() - started
    if infeasible:
        return GapResult((), None, None, SolveStatus.INFEASIBLE, seconds)
    if assignment is None or objective is None:
        return GapResult((), None, lower_bound, SolveStatus.TIME_LIMIT, seconds)
    if lower_bound is not None:
        lower_bound = min(lower_bound, objective)
    status = SolveStatus.OPTIMAL if proven_optimal else SolveStatus.FEASIBLE
    return GapResult(
        tuple(int(a) for a in assignment), int(objective), lower_bound, status, seconds
    )
