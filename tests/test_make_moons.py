"""make_moons against scikit-learn and NumPy themselves, float for float with ``==``."""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import pytest
import sklearn.datasets

from micrograd._legacy_numpy_random import LegacyRandomState
from micrograd.datasets import MAX_SAMPLES, MAX_SEED, Dataset, make_moons, moons
from tests.helpers import BOOK, demo_log, pickled

SIZES = [1, 2, 3, 4, 7, 10, 99, 100, 1000]
NOISES = [None, 0, 0.1, 0.3]
SEEDS = [0, 1, 1337, 2**32 - 1]


def sklearn_moons(*args: object, **kwargs: object) -> tuple[list[tuple[float, float]], list[float]]:
    x, y = sklearn.datasets.make_moons(*args, **kwargs)
    return [tuple(row) for row in x.tolist()], (y * 2 - 1).astype(float).tolist()


@pytest.mark.parametrize(
    ("n_samples", "noise", "seed", "shuffle"),
    list(itertools.product(SIZES, NOISES, SEEDS, [True, False])),
)
def test_same_floats_as_scikit_learn(
    n_samples: int, noise: float | None, seed: int, shuffle: bool
) -> None:
    xs, ys = sklearn_moons(n_samples, shuffle=shuffle, noise=noise, random_state=seed)
    ours = make_moons(n_samples, shuffle=shuffle, noise=noise, random_state=seed)
    assert list(ours.xs) == xs  # == on every float: bit for bit (no NaNs here)
    assert list(ours.ys) == ys


@pytest.mark.parametrize("sizes", [(3, 5), (0, 4), (4, 0), (1, 1), [6, 2]])
def test_a_pair_of_sizes_as_scikit_learn(sizes: tuple[int, int]) -> None:
    xs, ys = sklearn_moons(tuple(sizes), noise=0.2, random_state=7)
    ours = make_moons(sizes, noise=0.2, random_state=7)  # type: ignore[arg-type]
    assert (list(ours.xs), list(ours.ys)) == (xs, ys)


def test_the_demo_seeds_numpys_global_generator_to_the_same_points() -> None:
    np.random.seed(1337)  # what micrograd's demo.ipynb does before make_moons(...)
    try:
        xs, ys = sklearn_moons(n_samples=100, noise=0.1)
    finally:
        np.random.seed(None)
    ours = make_moons(100, noise=0.1, random_state=1337)
    assert (list(ours.xs), list(ours.ys)) == (xs, ys)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_legacy_generator_draws_as_numpy(seed: int) -> None:
    theirs, ours = np.random.RandomState(seed), LegacyRandomState(seed)
    assert theirs.random_sample(9).tolist() == [ours.random_sample() for _ in range(9)]
    # an odd count leaves a cached normal behind, used by the next call
    assert theirs.normal(0.0, 0.25, 7).tolist() == [ours.normal(0.0, 0.25) for _ in range(7)]
    for n in (1, 2, 3, 17, 1000):
        order = np.arange(n)
        theirs.shuffle(order)
        mine = list(range(n))
        ours.shuffle(mine)
        assert order.tolist() == mine
    assert theirs.standard_normal(5).tolist() == [ours.standard_normal() for _ in range(5)]


def test_none_seeds_from_fresh_entropy() -> None:
    first, second = (make_moons(20, noise=0.1, random_state=None) for _ in range(2))
    assert first.xs != second.xs
    assert first.metadata["seed"] is None
    assert len(first) == 20


def test_result_is_a_checked_dataset() -> None:
    data = make_moons(9, noise=0.05, random_state=3)
    assert isinstance(data, Dataset)
    assert data.ys.count(-1.0) == 4
    assert data.ys.count(1.0) == 5
    assert dict(data.metadata) == {
        "name": "make_moons",
        "n_samples": 9,
        "noise": 0.05,
        "seed": 3,
        "shuffle": True,
    }
    assert pickled(data) == data
    assert make_moons(9, noise=0.05, random_state=3) == data


def test_differs_from_moons() -> None:
    """Same seed, other generator and order: the docs say the two are not interchangeable."""
    assert make_moons(50, noise=0.1, random_state=0).xs != moons(50, noise=0.1, seed=0).xs
    # without noise or shuffle the shapes agree to rounding, point for point
    exact, ours = make_moons(50, shuffle=False, random_state=0), moons(50)
    assert all(
        math.isclose(a, b, abs_tol=1e-15)
        for p, q in zip(exact.xs, ours.xs, strict=True)
        for a, b in zip(p, q, strict=True)
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"random_state": -1}, ValueError, "random_state must be an int from 0 to 4294967295"),
        ({"random_state": 2**32}, ValueError, "got 4294967296"),
        ({"random_state": True}, TypeError, "random_state must be an int or None"),
        ({"random_state": 1.0}, TypeError, "got 1.0"),
        ({"random_state": np.random.RandomState(0)}, TypeError, "RandomState objects"),
        ({"random_state": np.int64(3)}, TypeError, "pass the int"),
        ({"n_samples": 0}, ValueError, "n_samples must be an int from 1 to 1000000"),
        ({"n_samples": 2.0}, TypeError, "n_samples must be an int or a pair"),
        ({"n_samples": True}, TypeError, "n_samples must be an int or a pair"),
        ({"n_samples": (1, 2, 3)}, ValueError, "n_samples must be an int or a pair"),
        ({"n_samples": (0, 0)}, ValueError, "a pair with at least one point"),
        ({"n_samples": (-1, 3)}, ValueError, r"n_samples\[0\] must be an int at least 0"),
        ({"n_samples": MAX_SAMPLES + 1}, ValueError, "got 1000001"),
        ({"n_samples": (MAX_SAMPLES, 1)}, ValueError, "MAX_SAMPLES=1,000,000 points in all"),
        ({"noise": -0.1}, ValueError, "noise must be a finite number from 0.0"),
        ({"noise": math.nan}, ValueError, "noise must be a finite number"),
        ({"noise": math.inf}, ValueError, "noise must be a finite number"),
        ({"noise": "0.1"}, TypeError, "noise must be a real number"),
        ({"shuffle": 1}, TypeError, "shuffle must be True or False"),
    ],
)
def test_bad_arguments_are_refused(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        make_moons(**kwargs)  # type: ignore[arg-type]


def test_max_seed_is_numpys_largest() -> None:
    assert MAX_SEED == 2**32 - 1
    np.random.RandomState(MAX_SEED)  # accepted by NumPy too
    with pytest.raises(ValueError, match="Seed must be between"):
        np.random.RandomState(MAX_SEED + 1)


def test_the_walkthrough_quotes_the_recorded_demo_log() -> None:
    """The lines the walkthrough copies from demo.ipynb are the recorded ones, digit for digit."""
    recorded = {int(step): (loss, accuracy) for step, loss, accuracy in demo_log()}
    chapter = (BOOK / "walkthrough.md").read_text()
    block = chapter[chapter.index("demo_printed = {") : chapter.index("}\nassert run.history[0]")]
    quoted = re.findall(r"^    (\d+): \((\S+), (\S+)\),$", block, flags=re.MULTILINE)
    assert len(quoted) >= 10
    for step, loss, accuracy in quoted:
        assert recorded[int(step)] == (loss, accuracy), step
