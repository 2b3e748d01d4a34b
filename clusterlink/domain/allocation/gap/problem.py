"""The Generalized Assignment Problem: every job to exactly one agent, within each agent's capacity.

In ClusterLink terms a job is an unsplittable order and an agent is a factory; the instance is
kept in the neutral OR-Library vocabulary so that public benchmark files read without a mapping.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class GapFormatError(ValueError):
    """An OR-Library GAP file (or in-memory instance) that breaks the format or its invariants."""


def _matrix_shape(name: str, matrix: tuple[tuple[int, ...], ...]) -> tuple[int, int]:
    if len(matrix) == 0:
        raise GapFormatError(f"{name}: needs at least one agent row")
    width = len(matrix[0])
    for row_index, row in enumerate(matrix):
        if len(row) != width:
            raise GapFormatError(
                f"{name}: row {row_index} has {len(row)} entries, expected {width}"
            )
        for value in row:
            # bool is an int subclass; a True in a cost matrix is a caller bug, not a 1.
            if not isinstance(value, int) or isinstance(value, bool):
                raise GapFormatError(f"{name}: row {row_index} holds non-integer {value!r}")
    if width == 0:
        raise GapFormatError(f"{name}: needs at least one job column")
    return len(matrix), width


@dataclass(frozen=True, slots=True)
class GapInstance:
    """Costs and weights are indexed [agent][job]; capacities [agent]. All integers.

    Costs may be any integers (the engine minimises); weights and capacities are non-negative.
    Raises GapFormatError on ragged or mismatched matrices, non-integers or negative weights.
    """

    costs: tuple[tuple[int, ...], ...]
    weights: tuple[tuple[int, ...], ...]
    capacities: tuple[int, ...]
    name: str = ""

    def __post_init__(self) -> None:
        shape = _matrix_shape("costs", self.costs)
        if _matrix_shape("weights", self.weights) != shape:
            raise GapFormatError(
                f"weights: shape {len(self.weights)}x{len(self.weights[0])} differs from "
                f"costs {shape[0]}x{shape[1]}"
            )
        if len(self.capacities) != shape[0]:
            raise GapFormatError(f"capacities: {len(self.capacities)} values for {shape[0]} agents")
        for agent, row in enumerate(self.weights):
            if min(row) < 0:
                raise GapFormatError(f"weights: agent {agent} has a negative weight")
        for agent, capacity in enumerate(self.capacities):
            if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 0:
                raise GapFormatError(f"capacities: agent {agent} has {capacity!r}")

    @property
    def n_agents(self) -> int:
        return len(self.costs)

    @property
    def n_jobs(self) -> int:
        return len(self.costs[0])

    @classmethod
    def from_lists(
        cls,
        costs: list[list[int]],
        weights: list[list[int]],
        capacities: list[int],
        name: str = "",
    ) -> GapInstance:
        """Convenience constructor from nested lists (tests, callers building rows)."""
        return cls(
            costs=tuple(tuple(row) for row in costs),
            weights=tuple(tuple(row) for row in weights),
            capacities=tuple(capacities),
            name=name,
        )

    def assignment_cost(self, assignment: list[int]) -> int:
        """Total cost of `assignment` (agent per job); does not check capacities."""
        return sum(self.costs[agent][job] for job, agent in enumerate(assignment))

    def is_feasible(self, assignment: list[int]) -> bool:
        """True when every job has a valid agent and no agent exceeds its capacity."""
        if len(assignment) != self.n_jobs:
            return False
        load = [0] * self.n_agents
        for job, agent in enumerate(assignment):
            if not 0 <= agent < self.n_agents:
                return False
            load[agent] += self.weights[agent][job]
        return all(used <= cap for used, cap in zip(load, self.capacities, strict=True))


def parse_orlib_gap(text: str, name: str = "") -> GapInstance:
    """Parse one OR-Library GAP problem: `m n`, costs m×n, weights m×n, m capacities.

    Raises GapFormatError naming the problem: a non-integer token, too few or too many
    numbers, a non-positive size, or a negative weight or capacity.
    """
    tokens = text.split()
    values: list[int] = []
    for position, token in enumerate(tokens):
        try:
            values.append(int(token))
        except ValueError:
            raise GapFormatError(f"token {position + 1} is not an integer: {token!r}") from None
    if len(values) < 2:
        raise GapFormatError("missing the header `m n`")
    n_agents, n_jobs = values[0], values[1]
    if n_agents <= 0 or n_jobs <= 0:
        raise GapFormatError(f"header says {n_agents} agents and {n_jobs} jobs")
    expected = 2 + 2 * n_agents * n_jobs + n_agents
    if len(values) != expected:
        raise GapFormatError(
            f"expected {expected} integers for {n_agents} agents x {n_jobs} jobs, "
            f"found {len(values)}"
        )
    cursor = 2

    def take_matrix() -> tuple[tuple[int, ...], ...]:
        nonlocal cursor
        rows = tuple(
            tuple(values[cursor + agent * n_jobs : cursor + (agent + 1) * n_jobs])
            for agent in range(n_agents)
        )
        cursor += n_agents * n_jobs
        return rows

    costs = take_matrix()
    weights = take_matrix()
    capacities = tuple(values[cursor : cursor + n_agents])
    return GapInstance(costs=costs, weights=weights, capacities=capacities, name=name)


def read_orlib_gap(path: str | Path) -> GapInstance:
    """Read an OR-Library GAP file; the instance is named after the file's stem."""
    file_path = Path(path)
    return parse_orlib_gap(file_path.read_text(), name=file_path.stem)
