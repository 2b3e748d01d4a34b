"""Greedy construction and ejection-chain local search on the integer form (pure Python).

The state keeps, per participant, a bit mask of busy slots and the meeting held at each slot,
so a move (book, unbook, move a meeting to another slot) costs O(1) and is undone exactly
from a log when a trial does not pay off.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping

from clusterlink.domain.scheduling.indexed import IndexedProblem, bits


class State:
    """A schedule of the free pairs with the incidence structures moves need."""

    def __init__(self, indexed: IndexedProblem) -> None:
        self.p = indexed
        n = len(indexed.ids)
        self.slot_of = [-1] * indexed.n_pairs
        self.busy = [0] * n
        self.count = [0] * n
        self.at: list[dict[int, int]] = [{} for _ in range(n)]  # participant -> slot -> pair
        self.used = [0] * indexed.slots
        self.in_slot: list[set[int]] = [set() for _ in range(indexed.slots)]
        self.full = 0  # bit s set when slot s has no free table left
        self.total = 0
        self.log: list[tuple[int, int]] = []  # (pair, previous slot) for undo

    def book(self, k: int, s: int) -> None:
        p = self.p
        a, b = p.pair_a[k], p.pair_b[k]
        self.log.append((k, self.slot_of[k]))
        self.slot_of[k] = s
        bit = 1 << s
        for v in (a, b):
            self.busy[v] |= bit
            self.count[v] += 1
            self.at[v][s] = k
        self.used[s] += 1
        self.in_slot[s].add(k)
        if self.used[s] >= p.tables_free[s]:
            self.full |= bit
        self.total += p.weight[k]

    def unbook(self, k: int) -> None:
        p = self.p
        s = self.slot_of[k]
        a, b = p.pair_a[k], p.pair_b[k]
        self.log.append((k, s))
        self.slot_of[k] = -1
        bit = 1 << s
        for v in (a, b):
            self.busy[v] &= ~bit
            self.count[v] -= 1
            del self.at[v][s]
        self.used[s] -= 1
        self.in_slot[s].discard(k)
        self.full &= ~bit
        self.total -= p.weight[k]

    def _set(self, k: int, s: int) -> None:
        # Undo path: restore without logging.
        log = self.log
        mark = len(log)
        if self.slot_of[k] >= 0:
            self.unbook(k)
        if s >= 0:
            self.book(k, s)
        del log[mark:]

    def mark(self) -> int:
        return len(self.log)

    def undo(self, mark: int) -> None:
        while len(self.log) > mark:
            k, previous = self.log.pop()
            self._set(k, previous)

    def open_slots(self, k: int) -> int:
        """Slots where pair k could be booked right now without moving anything."""
        p = self.p
        return p.common[k] & ~self.busy[p.pair_a[k]] & ~self.busy[p.pair_b[k]] & ~self.full

    def load(self, slot_of: list[int]) -> None:
        for k, s in enumerate(slot_of):
            if s >= 0:
                self.book(k, s)
        self.log.clear()


def _preferred(mask: int, k: int, guide: Mapping[tuple[int, int], float]) -> int:
    """The slot of `mask` the LP liked most for pair k (lowest index on ties)."""
    best, best_value = -1, -1.0
    for s in bits(mask):
        value = guide.get((k, s), 0.0)
        if value > best_value:
            best, best_value = s, value
    return best


def greedy(
    indexed: IndexedProblem, guide: Mapping[tuple[int, int], float], rng: random.Random
) -> State:
    """Heaviest pair first; among equal weights, the pairs the LP takes most fully first."""
    lp_share = [0.0] * indexed.n_pairs
    for (k, _), value in guide.items():
        lp_share[k] += value
    noise = [rng.random() for _ in range(indexed.n_pairs)]
    order = sorted(
        range(indexed.n_pairs), key=lambda k: (-indexed.weight[k], -lp_share[k], noise[k])
    )
    state = State(indexed)
    for k in order:
        a, b = indexed.pair_a[k], indexed.pair_b[k]
        if state.count[a] >= indexed.cap[a] or state.count[b] >= indexed.cap[b]:
            continue
        mask = state.open_slots(k)
        if mask:
            state.book(k, _preferred(mask, k, guide))
    state.log.clear()
    return state


class LocalSearch:
    """Insert unbooked pairs by ejection chains: book the pair at a slot, move the meetings in
    its way to other slots (recursively, a few levels deep, Kempe-chain style) and drop
    lighter meetings only where caps force it; keep the change if the total weight rises."""

    def __init__(self, state: State, rng: random.Random, depth: int = 3) -> None:
        self.s = state
        self.rng = rng
        self.depth = depth
        self.deadline = 0.0

    def _relocate(self, k: int, banned: int, depth: int) -> bool:
        """Move booked pair k to another slot outside `banned`, displacing at most one meeting
        per end recursively; on failure the state is unchanged."""
        st = self.s
        p = st.p
        old = st.slot_of[k]
        a, b = p.pair_a[k], p.pair_b[k]
        st.unbook(k)
        mask = st.open_slots(k) & ~banned
        if mask:
            st.book(k, bits(mask)[0])
            return True
        if depth > 0:
            mark = st.mark()
            for s in bits(p.common[k] & ~banned & ~(1 << old)):
                blockers = {st.at[v][s] for v in (a, b) if s in st.at[v]}
                if (st.full >> s) & 1 and not blockers:
                    continue
                for j in blockers:
                    if not self._relocate(j, banned | (1 << s), depth - 1):
                        break
                else:
                    if st.open_slots(k) >> s & 1:
                        st.book(k, s)
                        return True
                st.undo(mark)
        st.book(k, old)
        st.log.pop()
        st.log.pop()
        return False

    def try_insert(self, k: int) -> bool:
        """Try to book unbooked pair k with a net gain; returns whether the state improved."""
        st = self.s
        p = st.p
        a, b = p.pair_a[k], p.pair_b[k]
        w = p.weight[k]
        start_total = st.total
        for s in bits(p.common[k]):
            mark = st.mark()
            bit = 1 << s
            ok = True
            for v in (a, b):
                j = st.at[v].get(s)
                if j is not None and not self._relocate(j, bit, self.depth - 1):
                    if p.weight[j] >= w:
                        ok = False
                        break
                    st.unbook(j)
            if ok and st.full & bit:
                ok = self._free_table(s, w)
            if ok:
                for v in (a, b):
                    if st.count[v] >= p.cap[v]:
                        lightest = min(st.at[v].values(), key=lambda j: (p.weight[j], j))
                        if p.weight[lightest] >= w:
                            ok = False
                            break
                        st.unbook(lightest)
            if ok and st.open_slots(k) & bit:
                st.book(k, s)
                if st.total > start_total:
                    return True
            st.undo(mark)
        return False

    def _free_table(self, s: int, w: int) -> bool:
        """Make a table free at slot s by moving one of its meetings, or dropping a lighter one."""
        st = self.s
        p = st.p
        here = sorted(st.in_slot[s])
        for j in here:
            if self._relocate(j, 1 << s, 0):
                return True
        lighter = [j for j in here if p.weight[j] < w]
        if lighter:
            st.unbook(min(lighter, key=lambda j: (p.weight[j], j)))
            return True
        return False

    def run(self, deadline: float) -> None:
        """Sweep unbooked pairs, heaviest first, until a sweep finds nothing or time runs out."""
        st = self.s
        p = st.p
        improved = True
        while improved and time.monotonic() < deadline:
            improved = False
            todo = [k for k in range(p.n_pairs) if st.slot_of[k] < 0]
            todo.sort(key=lambda k: -p.weight[k])
            for i, k in enumerate(todo):
                if i % 64 == 0 and time.monotonic() >= deadline:
                    break
                if st.slot_of[k] < 0 and self.try_insert(k):
                    improved = True
            st.log.clear()
