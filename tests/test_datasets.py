from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from micrograd.datasets import (
    BLOB_CENTERS,
    Dataset,
    blobs,
    make_moons,
    moons,
    spiral,
    train_test_split,
)
from tests.helpers import clones


def test_moons_geometry_without_noise() -> None:
    ds = moons(10)
    assert len(ds) == 10
    assert ds.ys == (-1.0,) * 5 + (1.0,) * 5
    outer, inner = ds.xs[:5], ds.xs[5:]
    for i, (x, y) in enumerate(outer):
        t = math.pi * i / 4
        assert (x, y) == pytest.approx((math.cos(t), math.sin(t)))
    for i, (x, y) in enumerate(inner):
        t = math.pi * i / 4
        assert (x, y) == pytest.approx((1 - math.cos(t), 0.5 - math.sin(t)))


def test_odd_sample_count_puts_the_extra_point_inside() -> None:
    ds = moons(7)
    assert ds.ys.count(-1.0) == 3
    assert ds.ys.count(1.0) == 4


def test_generators_are_deterministic_for_a_seed() -> None:
    for make in (moons, spiral, blobs):
        a, b = make(50, noise=0.2, seed=11), make(50, noise=0.2, seed=11)
        assert a == b
        assert a.xs != make(50, noise=0.2, seed=12).xs


def test_noise_is_gaussian_with_the_given_spread() -> None:
    clean, noisy = moons(2000), moons(2000, noise=0.1, seed=0)
    offsets = [
        n - c
        for cp, np_ in zip(clean.xs, noisy.xs, strict=False)
        for c, n in zip(cp, np_, strict=False)
    ]
    mean = sum(offsets) / len(offsets)
    std = math.sqrt(sum((o - mean) ** 2 for o in offsets) / len(offsets))
    assert abs(mean) < 0.01
    assert std == pytest.approx(0.1, rel=0.05)


def test_spiral_and_blobs_shape() -> None:
    sp = spiral(40, turns=2.0)
    assert sp.metadata["turns"] == 2.0
    assert max(math.hypot(x, y) for x, y in sp.xs) == pytest.approx(1.0)
    assert sp.ys.count(-1.0) == 20
    bl = blobs(40, noise=0.0)
    assert set(bl.xs[:20]) == {BLOB_CENTERS[0]}
    assert set(bl.xs[20:]) == {BLOB_CENTERS[1]}


def test_metadata_records_arguments() -> None:
    ds = moons(100, noise=0.1, seed=1337)
    assert dict(ds.metadata) == {"name": "moons", "n_samples": 100, "noise": 0.1, "seed": 1337}
    assert blobs(10, seed=1).metadata["centers"] == BLOB_CENTERS


def test_points_rows_are_fresh_copies() -> None:
    ds = moons(4)
    rows = ds.points
    assert rows[0] == {"x": 1.0, "y": 0.0, "label": -1.0}
    rows[0]["x"] = 99.0
    assert ds.points[0]["x"] == 1.0
    assert next(iter(ds)) == ((1.0, 0.0), -1.0)


def test_datasets_are_immutable() -> None:
    ds = moons(4)
    with pytest.raises(AttributeError):
        ds.xs = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        ds.metadata["name"] = "x"  # type: ignore[index]
    assert isinstance(ds.xs, tuple)
    assert isinstance(ds.xs[0], tuple)


def test_from_points_validates_and_normalises() -> None:
    ds = Dataset.from_points([[0, 1], (2.5, 3)], [1, -1], name="mine")
    assert ds.xs == ((0.0, 1.0), (2.5, 3.0))
    assert ds.ys == (1.0, -1.0)
    assert ds.metadata["name"] == "mine"
    assert repr(ds) == "Dataset('mine', 2 points)"


@pytest.mark.parametrize(
    ("xs", "ys", "message"),
    [
        ([(0, 0)], [1, -1], "same length, got 1 and 2"),
        ([], [], "at least one point"),
        ([(0, 0, 0)], [1], r"xs\[0\] must be an \(x, y\) pair"),
        (
            [(0, "a")],
            [1],
            r"xs\[0\] must be an \(x, y\) pair of finite numbers, got tuple \(0, 'a'\)",
        ),
        (
            [(0, math.nan)],
            [1],
            r"xs\[0\] must be an \(x, y\) pair of finite numbers, got tuple \(0, nan\)",
        ),
        ([(0, math.inf)], [1], "finite"),
        ([(0, 0)], [0], r"ys\[0\] must be -1 or 1"),
        ([(0, 0)], [True], r"ys\[0\] must be -1 or 1"),
    ],
)
def test_from_points_rejects_bad_data(xs: list[object], ys: list[object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Dataset.from_points(xs, ys)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: moons(1), ValueError, "n_samples must be an int from 2 to 1000000, got"),
        (lambda: moons(10.0), TypeError, "n_samples must be an int"),
        (lambda: moons(True), TypeError, "n_samples must be an int"),
        (
            lambda: moons(10, noise=-0.1),
            ValueError,
            r"noise must be a finite number from 0\.0 to 1000000\.0, got \-0\.1",
        ),
        (
            lambda: moons(10, noise=math.nan),
            ValueError,
            r"noise must be a finite number from 0\.0 to 1000000\.0, got nan",
        ),
        (
            lambda: moons(10, noise="0.1"),
            TypeError,
            r"noise must be a real number \(int or float\), got str '0\.1'",
        ),
        (lambda: moons(10, seed=1.5), TypeError, "seed must be an int or None"),
        (
            lambda: spiral(10, turns=0),
            ValueError,
            r"turns must be a finite number above 0\.0 and at most 1000000\.0, got 0",
        ),
        (
            lambda: spiral(10, turns=math.inf),
            ValueError,
            r"turns must be a finite number above 0\.0 and at most 1000000\.0, got inf",
        ),
        (
            lambda: spiral(10, turns=math.nan),
            ValueError,
            r"turns must be a finite number above 0\.0 and at most 1000000\.0, got nan",
        ),
        (
            lambda: spiral(10, turns=1e308),
            ValueError,
            r"turns must be a finite number above 0\.0 and at most 1000000\.0, got 1e\+308",
        ),
        (
            lambda: spiral(10, turns="1"),
            TypeError,
            r"turns must be a real number \(int or float\), got str '1'",
        ),
        (
            lambda: moons(10, noise=1e308),
            ValueError,
            r"noise must be a finite number from 0\.0 to 1000000\.0, got",
        ),
        (
            lambda: blobs(10, noise=10**400),
            ValueError,
            r"noise must be a finite number from 0\.0 to 1000000\.0, got",
        ),
        (lambda: moons(10**12), ValueError, "n_samples must be an int from 2 to 1000000, got"),
        (lambda: spiral(10**400), ValueError, "n_samples must be an int from 2 to 1000000, got"),
        (lambda: blobs(0), ValueError, "n_samples must be an int from 2 to 1000000, got"),
    ],
)
def test_generator_arguments_are_checked(
    call: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()  # type: ignore[operator]


@given(st.integers(2, 60), st.floats(0.05, 0.95), st.integers(0, 10))
def test_train_test_split_is_a_stratified_partition(n: int, fraction: float, seed: int) -> None:
    dataset = blobs(n, seed=1)
    train, test = train_test_split(dataset, fraction, seed=seed)
    assert sorted(train.xs + test.xs) == sorted(dataset.xs)
    assert len(train) + len(test) == len(dataset)
    for label in (-1.0, 1.0):
        if dataset.ys.count(label) >= 2:
            assert label in train.ys
            assert label in test.ys
    assert train_test_split(dataset, fraction, seed=seed) == (train, test)
    assert train.metadata["split"] == "train"
    assert test.metadata["n_samples"] == len(test)


def test_train_test_split_holds_out_a_quarter_by_default() -> None:
    train, test = train_test_split(moons(100, noise=0.1, seed=0))
    assert (len(train), len(test)) == (75, 25)
    assert sorted([test.ys.count(-1.0), test.ys.count(1.0)]) == [12, 13]
    other_train, _ = train_test_split(moons(100, noise=0.1, seed=0), seed=1)
    assert other_train.xs != train.xs


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"test_fraction": 0.0}, ValueError, "strictly between 0 and 1"),
        ({"test_fraction": 1.0}, ValueError, "strictly between 0 and 1"),
        (
            {"test_fraction": "half"},
            TypeError,
            r"test_fraction must be a real number \(int or float\), got str 'half'",
        ),
        ({"seed": 1.5}, TypeError, "seed must be an int"),
    ],
)
def test_train_test_split_rejects_bad_arguments(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        train_test_split(moons(10), **kwargs)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="dataset must be a Dataset"):
        train_test_split([(0.0, 0.0)])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least two points"):
        train_test_split(Dataset(((0.0, 0.0),), (1.0,)))


@pytest.mark.parametrize(
    ("ys", "message"),
    [
        ((0, 1), r"ys\[0\] must be \-1 or 1 \(0/1 labels must be mapped with y \* 2 \- 1\), got 0"),
        (
            (True, -1),
            r"ys\[0\] must be \-1 or 1 \(0/1 labels must be mapped with y \* 2 \- 1\), got True",
        ),
        ((1, 2), r"ys\[1\] must be \-1 or 1 \(0/1 labels must be mapped with y \* 2 \- 1\), got 2"),
    ],
)
def test_dataset_labels_say_how_to_map_zero_one_labels(
    ys: tuple[object, ...], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Dataset.from_points([(0.0, 0.0), (1.0, 1.0)], ys)  # type: ignore[arg-type]


def test_dataset_metadata_is_immutable_and_hashable() -> None:
    dataset = moons(10, noise=0.1, seed=0)
    assert hash(dataset) == hash(moons(10, noise=0.1, seed=0))
    assert dataset == moons(10, noise=0.1, seed=0)
    assert len({dataset, moons(10, noise=0.1, seed=0), moons(10, noise=0.1, seed=1)}) == 2
    assert hash(blobs(4, seed=0)) == hash(blobs(4, seed=0))  # centers: a tuple of tuples
    with pytest.raises(TypeError):
        dataset.metadata["name"] = "other"  # type: ignore[index]
    with pytest.raises(AttributeError):
        dataset.metadata._items = {}  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match=r"metadata\['tags'\] must be hashable"):
        Dataset(((0.0, 0.0),), (1.0,), {"tags": ["a"]})
    with pytest.raises(TypeError, match="a metadata key must be a str, got 1"):
        Dataset(((0.0, 0.0),), (1.0,), {1: "a"})  # type: ignore[dict-item]


def test_a_dataset_name_must_be_a_string() -> None:
    with pytest.raises(TypeError, match="a dataset's name must be a str, got None"):
        Dataset.from_points([(0.0, 0.0)], [1.0], name=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="a dataset's name must be a str, got 3"):
        Dataset(((0.0, 0.0),), (1.0,), {"name": 3})


@pytest.mark.parametrize("make", [moons, spiral, blobs])
def test_datasets_pickle_and_copy(make: Callable[..., Dataset]) -> None:
    dataset = make(12, noise=0.1, seed=3)
    for again in clones(dataset):
        assert again == dataset
        assert again.metadata == dataset.metadata
        assert hash(again) == hash(dataset)


@pytest.mark.parametrize("make", [moons, spiral, blobs])
def test_negative_seeds_give_other_points(make: Callable[..., Dataset]) -> None:
    assert make(10, noise=0.1, seed=-1).xs != make(10, noise=0.1, seed=1).xs
    assert make(10, noise=0.1, seed=1).xs == make(10, noise=0.1, seed=1).xs


@pytest.mark.parametrize(
    "one", [np.int64(1), np.float32(1.0), np.float64(1.0), Fraction(1), Decimal(1), 1, 1.0]
)
def test_labels_of_any_real_number_type_equal_to_one_are_accepted(one: object) -> None:
    minus_one = -one  # type: ignore[operator]
    dataset = Dataset.from_points([(0.0, 0.0), (1.0, 1.0)], [one, minus_one])  # type: ignore[list-item]
    assert dataset.ys == (1.0, -1.0)
    assert all(type(y) is float for y in dataset.ys)


@pytest.mark.parametrize(
    "bad",
    [np.int64(0), Decimal("0.5"), Fraction(1, 2), np.bool_(True), Decimal("NaN"), Decimal("sNaN")],
)
def test_other_labels_still_say_how_to_map_them(bad: object) -> None:
    with pytest.raises(ValueError, match=r"ys\[0\] must be -1 or 1 \(0/1 labels must be mapped"):
        Dataset.from_points([(0.0, 0.0)], [bad])  # type: ignore[list-item]


def test_a_coordinate_beyond_the_float_range_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"xs\[0\] must be an \(x, y\) pair of finite numbers"):
        Dataset.from_points([(10**400, 0)], [1])


def test_an_int_too_large_to_print_inside_a_bad_value_still_gets_the_message() -> None:
    huge = 10**5000  # repr() of a tuple holding it raises: Python's 4,300-digit limit
    with pytest.raises(ValueError, match=r"got a tuple holding an int too large to print$"):
        Dataset.from_points([(huge, 0)], [1])
    with pytest.raises(ValueError, match=r"n_samples must be a pair of at most MAX_SAMPLES"):
        make_moons((huge, 1))
