"""The book's balanced_reading extension: parallel readers get alike shares of the work."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers import BOOK, load_module

SECONDS = {"a": 1, "b": 9, "c": 8, "d": 2, "e": 7, "f": 3}  # name order: heavy ones together


@pytest.fixture(scope="module")
def balanced() -> ModuleType:
    return load_module(BOOK / "_ext" / "balanced_reading.py", "balanced_reading")


def run_costs(order: Sequence[str], sizes: Sequence[int], seconds: dict[str, float]) -> list[float]:
    costs, start = [], 0
    for size in sizes:
        costs.append(sum(seconds.get(name, 0) for name in order[start : start + size]))
        start += size
    return costs


def test_two_runs_split_the_work_evenly(balanced: ModuleType) -> None:
    names = sorted(SECONDS)
    assert run_costs(names, [3, 3], SECONDS) == [18, 12]  # name order, for comparison
    order = balanced.balanced_order(names, [3, 3], SECONDS)
    assert sorted(order) == names
    assert sorted(run_costs(order, [3, 3], SECONDS)) == [14, 16]  # no three add up to 15


def test_unequal_runs_keep_their_sizes(balanced: ModuleType) -> None:
    # make_chunks' runs for 6 documents on 4 readers: 1 each, the last ones shorter
    order = balanced.balanced_order(sorted(SECONDS), [2, 2, 2], SECONDS)
    assert sorted(run_costs(order, [2, 2, 2], SECONDS)) == [10, 10, 10]


def test_names_without_a_time_cost_nothing_and_are_kept(balanced: ModuleType) -> None:
    order = balanced.balanced_order(["new", "b", "c", "other"], [2, 2], {"b": 5, "c": 5})
    assert sorted(order) == ["b", "c", "new", "other"]
    assert run_costs(order, [2, 2], {"b": 5, "c": 5}) == [5, 5]


def test_sizes_that_do_not_add_up_are_refused(balanced: ModuleType) -> None:
    with pytest.raises(ValueError, match=r"run sizes \[2, 2\] do not add up to the 3"):
        balanced.balanced_order(["a", "b", "c"], [2, 2], {})


@given(
    st.lists(st.integers(0, 30), min_size=1, max_size=12),
    st.integers(1, 5),
)
def test_the_dearest_run_costs_at_most_an_even_share_plus_the_heaviest_name(
    balanced: ModuleType, weights: list[int], readers: int
) -> None:
    seconds = {f"doc{i:02}": float(w) for i, w in enumerate(weights)}
    names = sorted(seconds)
    size = max(1, len(names) // readers)  # make_chunks' rule for short lists
    sizes = [size] * (len(names) // size) + ([len(names) % size] if len(names) % size else [])
    order = balanced.balanced_order(names, sizes, seconds)
    assert sorted(order) == names
    costs = run_costs(order, sizes, seconds)
    assert max(costs) <= max(run_costs(names, sizes, seconds))  # never worse than name order
    assert max(costs) <= sum(weights) / len(sizes) + max(weights)
