"""The GAP instance and its OR-Library reader."""

from pathlib import Path

import pytest

from clusterlink.domain.allocation.gap import GapFormatError, GapInstance, parse_orlib_gap

SMALL_TEXT = """2 3
1 5 2
4 1 3
2 2 2
2 2 2
2 4
"""


def test_parse_reads_costs_weights_and_capacities() -> None:
    instance = parse_orlib_gap(SMALL_TEXT, name="tiny")

    assert instance.name == "tiny"
    assert (instance.n_agents, instance.n_jobs) == (2, 3)
    assert instance.costs == ((1, 5, 2), (4, 1, 3))
    assert instance.weights == ((2, 2, 2), (2, 2, 2))
    assert instance.capacities == (2, 4)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "missing the header"),
        ("2", "missing the header"),
        ("0 3", "header says 0 agents"),
        ("2 3\n1 5 2\n4 1 3\n2 2 2\n2 2 2\n2", "expected 16 integers"),
        (SMALL_TEXT + " 7", "expected 16 integers"),
        (SMALL_TEXT.replace("4 1 3", "4 x 3"), "token 7 is not an integer: 'x'"),
        (SMALL_TEXT.replace("2 2 2\n2 4", "2 -2 2\n2 4"), "agent 1 has a negative weight"),
        (SMALL_TEXT.replace("2 4\n", "2 -4\n"), "agent 1 has -4"),
    ],
)
def test_parse_rejects_malformed_text_naming_the_problem(text: str, message: str) -> None:
    with pytest.raises(GapFormatError, match=message):
        parse_orlib_gap(text)


def test_instance_rejects_ragged_and_mismatched_matrices() -> None:
    with pytest.raises(GapFormatError, match="row 1 has 2 entries, expected 3"):
        GapInstance.from_lists([[1, 2, 3], [1, 2]], [[1, 1, 1], [1, 1]], [1, 1])
    with pytest.raises(GapFormatError, match="differs from costs 2x3"):
        GapInstance.from_lists([[1, 2, 3], [1, 2, 3]], [[1, 1], [1, 1]], [1, 1])
    with pytest.raises(GapFormatError, match="3 values for 2 agents"):
        GapInstance.from_lists([[1], [1]], [[1], [1]], [1, 1, 1])
    with pytest.raises(GapFormatError, match=r"non-integer 1\.5"):
        GapInstance.from_lists([[1.5]], [[1]], [1])  # type: ignore[list-item]


def test_feasibility_and_cost_of_an_assignment() -> None:
    instance = parse_orlib_gap(SMALL_TEXT)

    assert instance.assignment_cost([0, 1, 1]) == 5
    assert instance.is_feasible([0, 1, 1])
    assert not instance.is_feasible([0, 0, 1])  # agent 0 carries 4 > 2
    assert not instance.is_feasible([0, 1])
    assert not instance.is_feasible([0, 1, 2])


def test_reader_names_the_instance_after_the_file(tmp_path: Path) -> None:
    from clusterlink.domain.allocation.gap import read_orlib_gap

    path = tmp_path / "d99.txt"
    path.write_text(SMALL_TEXT)

    assert read_orlib_gap(path).name == "d99"
