"""Deterministic two-class toy datasets in the plane: moons, spiral and blobs.

Every generator draws from its own generator
(:func:`micrograd.seeding.make_rng`), never the global one, so the same
arguments always give the same points. Labels are
``-1.0`` and ``1.0``, as the max-margin loss expects.

:func:`make_moons` draws from a private copy of NumPy's legacy generator
instead, so that it gives scikit-learn's ``make_moons`` points bit for bit.
"""

from __future__ import annotations

import math
import numbers
import random
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from micrograd._checks import (
    check_instance,
    check_int,
    check_real,
    check_sequence,
    fail,
    is_number,
)
from micrograd._legacy_numpy_random import LegacyRandomState
from micrograd.seeding import make_rng

__all__ = [
    "BLOB_CENTERS",
    "LABEL_HINT",
    "MAX_NOISE",
    "MAX_SAMPLES",
    "MAX_SEED",
    "MAX_TURNS",
    "Dataset",
    "Metadata",
    "blobs",
    "make_moons",
    "moons",
    "spiral",
    "train_test_split",
]

Point = tuple[float, float]


def _is_finite_number(value: object) -> bool:
    """An int or float within the float range: not NaN, not infinite, not a huge int."""
    return is_number(value) and abs(value) <= sys.float_info.max


def _check_point(i: int, point: object) -> Point:
    if isinstance(point, Sequence) and not isinstance(point, str | bytes) and len(point) == 2:
        x, y = point
        if _is_finite_number(x) and _is_finite_number(y):
            return (float(x), float(y))
    return fail(f"xs[{i}]", "an (x, y) pair of finite numbers", point)


LABEL_HINT = "0/1 labels must be mapped with y * 2 - 1"
"""What the label checks say about scikit-learn style 0/1 labels."""


def _check_labels(xs: object, ys: object, most: int | None = None) -> tuple[float, ...]:
    """The labels of the points ``xs``: ``ys`` as floats, if each is -1 or 1.

    Shared by :class:`Dataset` and :func:`micrograd.losses.max_margin`;
    ``most`` is the most points allowed (``None``: no limit).

    Raises:
        TypeError: If ``xs`` or ``ys`` is not a sequence.
        ValueError: If they differ in length, are empty or longer than ``most``,
            or a label is not -1 or 1 (the message says how to map 0/1 labels).

    """
    points = check_sequence("xs", xs, "a sequence")
    labels = check_sequence("ys", ys, "a sequence")
    if len(points) != len(labels):
        raise ValueError(
            f"xs and ys must have the same length, got {len(points)} and {len(labels)}"
        )
    if not points:
        raise ValueError("xs and ys need at least one point")
    if most is not None and len(points) > most:
        raise ValueError(f"xs must hold at most MAX_SAMPLES={most:,} points, got {len(points):,}")
    return tuple([_check_label(i, y) for i, y in enumerate(labels)])


def _check_label(i: int, label: object) -> float:
    """-1 or 1 as a float, given as any real number type (NumPy's, ``Fraction``, ``Decimal``).

    A bool is refused, ``True`` being 1 only by accident of Python's history.
    """
    is_real = isinstance(label, numbers.Real | Decimal) and not isinstance(label, bool)
    if isinstance(label, Decimal) and label.is_nan():  # comparing a signalling NaN raises
        is_real = False
    if is_real and label in (-1, 1):
        return float(label)
    return fail(f"ys[{i}]", f"-1 or 1 ({LABEL_HINT})", label)


MAX_SAMPLES = 1_000_000
"""The most points a dataset may hold; larger requests are refused up front."""

MAX_NOISE = 1_000_000.0
"""The largest ``noise`` the generators accept: the shapes span about 1, so far
smaller values already bury them, and much larger ones overflow to infinity."""

MAX_TURNS = 1_000_000.0
"""The most turns :func:`spiral` draws (far more than any plot can show)."""


class Metadata(Mapping[str, Any]):
    """A read-only, hashable mapping describing a dataset (``name``, ``seed``, ...).

    Keys are strings and values must be hashable (a tuple, not a list), so a
    :class:`Dataset` holding it is hashable like any frozen dataclass.

    Raises:
        TypeError: If a key is not a string or a value is not hashable.

    """

    __slots__ = ("_items",)

    _items: dict[str, Any]

    def __init__(self, items: Mapping[str, Any] | None = None) -> None:
        checked: dict[str, Any] = {}
        for key, value in (items or {}).items():
            check_instance("a metadata key", key, str, "a str")
            try:
                hash(value)
            except TypeError:
                fail(f"metadata[{key!r}]", "hashable (a tuple, not a list)", value, TypeError)
            checked[key] = value
        object.__setattr__(self, "_items", checked)

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(frozenset(self._items.items()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self._items) == dict(other)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("dataset metadata is read-only")

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle and copy support: rebuilt from a plain dict."""
        return (type(self), (dict(self._items),))

    def __repr__(self) -> str:
        return f"Metadata({self._items!r})"


@dataclass(frozen=True, slots=True)
class Dataset:
    """An immutable set of labelled points in the plane.

    Build one with :func:`moons`, :func:`spiral`, :func:`blobs` or
    :meth:`from_points`; the constructor checks and normalises its arguments the
    same way.

    Attributes:
        xs: The points, as a tuple of ``(x, y)`` float pairs.
        ys: The labels, ``-1.0`` or ``1.0``, one per point.
        metadata: A read-only, hashable :class:`Metadata`: the dataset's
            ``name``, ``n_samples``, ``noise`` and ``seed``, and the
            generator's own arguments.

    A dataset is hashable, compares equal to one with the same fields, and
    pickles and copies.

    Raises:
        TypeError: If ``xs``/``ys`` are not sequences, ``metadata`` is not a
            mapping with string keys and hashable values, or its ``name`` is
            not a string.
        ValueError: If ``xs`` and ``ys`` differ in length, are empty or longer
            than :data:`MAX_SAMPLES`, a point is not a finite ``(x, y)`` pair, or
            a label is not -1 or 1 (0/1 labels must be mapped with ``y * 2 - 1``).

    """

    xs: tuple[Point, ...]
    ys: tuple[float, ...]
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ys = _check_labels(self.xs, self.ys, MAX_SAMPLES)
        if not isinstance(self.metadata, Mapping):
            fail("metadata", "a mapping", self.metadata, TypeError)
        metadata = Metadata(self.metadata)
        _check_name(metadata.get("name", ""))
        object.__setattr__(self, "xs", tuple(_check_point(i, p) for i, p in enumerate(self.xs)))
        object.__setattr__(self, "ys", ys)
        object.__setattr__(self, "metadata", metadata)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle and copy support: rebuilt (and rechecked) from its three fields."""
        return (type(self), (self.xs, self.ys, self.metadata))

    @classmethod
    def from_points(
        cls, xs: Sequence[Sequence[float]], ys: Sequence[float], name: str = "custom"
    ) -> Dataset:
        """Wrap your own points and labels (-1 or 1) in a checked ``Dataset``.

        Raises:
            TypeError: If ``name`` is not a string (or as :class:`Dataset`).
            ValueError: As :class:`Dataset`.

        """
        _check_name(name)
        return cls(xs, ys, {"name": name, "n_samples": len(ys), "noise": None, "seed": None})  # type: ignore[arg-type]

    @property
    def points(self) -> list[dict[str, float]]:
        """One fresh row ``{"x", "y", "label"}`` per point, handy for tables and plots."""
        return [
            {"x": x, "y": y, "label": label}
            for (x, y), label in zip(self.xs, self.ys, strict=False)
        ]

    def __len__(self) -> int:
        return len(self.xs)

    def __iter__(self) -> Iterator[tuple[Point, float]]:
        """Iterate over ``((x, y), label)`` pairs."""
        return iter(zip(self.xs, self.ys, strict=False))

    def __repr__(self) -> str:
        name = self.metadata.get("name", "dataset")
        return f"Dataset({name!r}, {len(self)} points)"


def _check_name(name: object) -> str:
    return check_instance("a dataset's name", name, str, "a str")


def _check_n_samples(n_samples: object) -> int:
    """At least 2 (one point per class) and at most :data:`MAX_SAMPLES`."""
    return check_int("n_samples", n_samples, minimum=2, maximum=MAX_SAMPLES)


def _check_noise(noise: object) -> float:
    return check_real("noise", noise, minimum=0.0, maximum=MAX_NOISE)


def _jitter(points: list[Point], noise: float, rng: random.Random) -> list[Point]:
    if noise == 0.0:
        return points
    return [(x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)) for x, y in points]


def _spaced(count: int, stop: float) -> list[float]:
    """``count`` evenly spaced numbers from 0 to ``stop`` inclusive (like ``numpy.linspace``)."""
    if count == 1:
        return [0.0]
    return [stop * i / (count - 1) for i in range(count)]


def moons(n_samples: int = 100, noise: float = 0.0, seed: int | None = None) -> Dataset:
    """Two interleaving half circles, the geometry of scikit-learn's ``make_moons``.

    The first ``n_samples // 2`` points lie on the upper half circle
    ``(cos t, sin t)`` with label -1; the rest on the lower one
    ``(1 - cos t, 0.5 - sin t)`` with label +1; ``t`` is evenly spaced over
    ``[0, pi]``. Gaussian noise with standard deviation ``noise`` is then added
    to both coordinates.

    Raises:
        TypeError: If ``n_samples`` is not an int or ``seed`` not an int/None.
        ValueError: If ``n_samples`` is not between 2 and :data:`MAX_SAMPLES`, or
            ``noise`` is not between 0 and :data:`MAX_NOISE`.

    Examples:
        >>> from micrograd.datasets import moons
        >>> data = moons(6)
        >>> len(data), data.ys
        (6, (-1.0, -1.0, -1.0, 1.0, 1.0, 1.0))
        >>> data.xs[0]  # the upper moon starts at angle 0
        (1.0, 0.0)

    """
    n = _check_n_samples(n_samples)
    sigma = _check_noise(noise)
    rng = make_rng(seed)
    n_outer = n // 2
    outer = [(math.cos(t), math.sin(t)) for t in _spaced(n_outer, math.pi)]
    inner = [(1.0 - math.cos(t), 0.5 - math.sin(t)) for t in _spaced(n - n_outer, math.pi)]
    xs = _jitter(outer + inner, sigma, rng)
    ys = [-1.0] * n_outer + [1.0] * (n - n_outer)
    return Dataset(
        tuple(xs), tuple(ys), {"name": "moons", "n_samples": n, "noise": sigma, "seed": seed}
    )


def spiral(
    n_samples: int = 100, noise: float = 0.0, turns: float = 1.5, seed: int | None = None
) -> Dataset:
    """Two interleaved spiral arms starting at the origin, half a turn apart.

    Arm -1 holds the first ``n_samples // 2`` points, arm +1 the rest. Along an
    arm the radius grows from near 0 to 1 while the angle sweeps ``turns`` full
    turns. Gaussian noise with standard deviation ``noise`` is added to both
    coordinates.

    Raises:
        TypeError: If an argument has the wrong type.
        ValueError: If ``n_samples`` is not between 2 and :data:`MAX_SAMPLES`,
            ``noise`` is not between 0 and :data:`MAX_NOISE`, or ``turns`` is not
            a number with ``0 < turns <=`` :data:`MAX_TURNS`.

    """
    n = _check_n_samples(n_samples)
    sigma = _check_noise(noise)
    sweep = check_real("turns", turns, minimum=0.0, above_minimum=True, maximum=MAX_TURNS)
    rng = make_rng(seed)
    points: list[Point] = []
    ys: list[float] = []
    for arm, (count, label) in enumerate(((n // 2, -1.0), (n - n // 2, 1.0))):
        for i in range(count):
            radius = (i + 1) / count
            angle = 2.0 * math.pi * sweep * radius + math.pi * arm
            points.append((radius * math.cos(angle), radius * math.sin(angle)))
            ys.append(label)
    xs = _jitter(points, sigma, rng)
    metadata = {"name": "spiral", "n_samples": n, "noise": sigma, "seed": seed, "turns": sweep}
    return Dataset(tuple(xs), tuple(ys), metadata)


BLOB_CENTERS: tuple[Point, Point] = ((-1.0, -1.0), (1.0, 1.0))
"""Where :func:`blobs` puts the -1 cluster and the +1 cluster."""


def blobs(n_samples: int = 100, noise: float = 0.5, seed: int | None = None) -> Dataset:
    """Two Gaussian clusters around :data:`BLOB_CENTERS`, each ``noise`` wide.

    The first ``n_samples // 2`` points belong to the -1 cluster, the rest to +1.
    ``noise`` is the standard deviation of each coordinate.

    Raises:
        TypeError: If an argument has the wrong type.
        ValueError: If ``n_samples`` is not between 2 and :data:`MAX_SAMPLES`, or
            ``noise`` is not between 0 and :data:`MAX_NOISE`.

    """
    n = _check_n_samples(n_samples)
    sigma = _check_noise(noise)
    rng = make_rng(seed)
    n_first = n // 2
    centers = [BLOB_CENTERS[0]] * n_first + [BLOB_CENTERS[1]] * (n - n_first)
    xs = _jitter(centers, sigma, rng)
    ys = [-1.0] * n_first + [1.0] * (n - n_first)
    metadata = {
        "name": "blobs",
        "n_samples": n,
        "noise": sigma,
        "seed": seed,
        "centers": BLOB_CENTERS,
    }
    return Dataset(tuple(xs), tuple(ys), metadata)


def _test_counts(sizes: list[int], test_fraction: float) -> list[int]:
    """How many points of each class (of ``sizes``) go to the test part.

    ``test_fraction`` of all points (rounded half up, and at least one point in
    each part) shared out in proportion to the class sizes by largest
    remainder; then every class with two or more points keeps at least one in
    each part.
    """
    n = sum(sizes)
    total = min(max(math.floor(n * test_fraction + 0.5), 1), n - 1)
    quotas = [size * total / n for size in sizes]
    counts = [math.floor(q) for q in quotas]
    largest_remainders = sorted(range(len(sizes)), key=lambda c: counts[c] - quotas[c])
    for c in largest_remainders[: total - sum(counts)]:
        counts[c] += 1
    return [
        min(max(k, 1), size - 1) if size >= 2 else k for k, size in zip(counts, sizes, strict=True)
    ]


def train_test_split(
    dataset: Dataset, test_fraction: float = 0.25, seed: int | None = 0
) -> tuple[Dataset, Dataset]:
    """Split ``dataset`` into a training part and a held-out test part.

    The test part gets ``test_fraction`` of the points (rounded half up, at
    least one, never all), shared between the classes in proportion to their
    sizes, the points drawn with ``random.Random(seed)``. The split is
    stratified: a class with two or more points keeps at least one in each
    part, so both classes appear in both parts whenever possible. Points keep their original order
    within each part. The same arguments always give the same split.

    Args:
        dataset: The points to split.
        test_fraction: The share of each class held out, strictly between 0 and 1.
        seed: Seed for choosing the test points (``None``: a fresh random split).

    Returns:
        ``(train, test)``; their metadata is the dataset's, with ``n_samples``
        set to the part's size and ``split`` (``"train"`` or ``"test"``),
        ``test_fraction`` and ``split_seed`` added.

    Raises:
        TypeError: If an argument has the wrong type.
        ValueError: If ``test_fraction`` is not strictly between 0 and 1, or
            the dataset has fewer than two points.

    """
    check_instance("dataset", dataset, Dataset, "a Dataset")
    fraction = check_real("test_fraction", test_fraction)
    if not 0.0 < fraction < 1.0:
        fail("test_fraction", "a number strictly between 0 and 1", test_fraction)
    if len(dataset) < 2:
        raise ValueError(f"a split needs at least two points, got {len(dataset)}")
    rng = make_rng(seed)
    classes = [[i for i, y in enumerate(dataset.ys) if y == label] for label in (-1.0, 1.0)]
    counts = _test_counts([len(members) for members in classes], fraction)
    test: set[int] = set()
    for members, count in zip(classes, counts, strict=True):
        test.update(rng.sample(members, count))

    def part(name: str, indices: list[int]) -> Dataset:
        metadata = {
            **dataset.metadata,
            "n_samples": len(indices),
            "split": name,
            "test_fraction": fraction,
            "split_seed": seed,
        }
        xs = tuple(dataset.xs[i] for i in indices)
        return Dataset(xs, tuple(dataset.ys[i] for i in indices), metadata)

    everything = range(len(dataset))
    return (
        part("train", [i for i in everything if i not in test]),
        part("test", sorted(test)),
    )


MAX_SEED = 2**32 - 1
"""The largest ``random_state`` :func:`make_moons` accepts (NumPy's seeds are 32-bit)."""


def _make_moons_sizes(n_samples: object) -> tuple[int, int]:
    """``(outer, inner)`` point counts from ``n_samples``, an int or a pair, as scikit-learn splits."""
    if isinstance(n_samples, tuple | list):
        if len(n_samples) != 2:
            fail("n_samples", "an int or a pair (outer, inner) of ints", n_samples, ValueError)
        outer = check_int("n_samples[0]", n_samples[0], minimum=0)
        inner = check_int("n_samples[1]", n_samples[1], minimum=0)
        if outer + inner == 0:
            fail("n_samples", "a pair with at least one point", n_samples)
    else:
        if not isinstance(n_samples, int) or isinstance(n_samples, bool):
            fail("n_samples", "an int or a pair (outer, inner) of ints", n_samples, TypeError)
        total = check_int("n_samples", n_samples, minimum=1, maximum=MAX_SAMPLES)
        outer, inner = total // 2, total - total // 2
    if outer + inner > MAX_SAMPLES:
        fail("n_samples", f"a pair of at most MAX_SAMPLES={MAX_SAMPLES:,} points in all", n_samples)
    return outer, inner


def _check_random_state(random_state: object) -> int | None:
    if random_state is None:
        return None
    if not isinstance(random_state, int) or isinstance(random_state, bool):
        fail(
            "random_state",
            "an int or None (NumPy RandomState objects and the global generator have "
            "no equivalent here; pass the int you would have seeded them with)",
            random_state,
            TypeError,
        )
    return check_int("random_state", random_state, minimum=0, maximum=MAX_SEED)


def _linspace_to_pi(count: int) -> list[float]:
    """``numpy.linspace(0, pi, count)`` bit for bit: ``i * (pi / (count - 1))``, the last ``pi``."""
    if count <= 1:
        return [0.0] * count
    step = math.pi / (count - 1)
    return [*(i * step for i in range(count - 1)), math.pi]


def make_moons(
    n_samples: int | tuple[int, int] = 100,
    *,
    shuffle: bool = True,
    noise: float | None = None,
    random_state: int | None = None,
) -> Dataset:
    """scikit-learn's ``make_moons``, bit for bit, with labels -1/+1 and no NumPy.

    For an int ``random_state`` the points are exactly (``==`` on every float)
    what ``sklearn.datasets.make_moons`` returns for the same arguments, which
    is also what micrograd's demo gets from ``np.random.seed(s)`` followed by
    ``make_moons(...)``. The draws of NumPy's legacy ``RandomState`` are
    reproduced with the standard library: the same Mersenne Twister seeded the
    same way, the same shuffle and the same polar-method normals.

    The outer half circle ``(cos t, sin t)`` gets ``n_samples // 2`` points and
    label -1 (scikit-learn's 0), the inner one ``(1 - cos t, 1 - sin t - 0.5)``
    the rest and label +1; ``t`` is ``numpy.linspace(0, pi, count)``. With
    ``shuffle`` the points are put in random order; then, unless ``noise`` is
    ``None``, Gaussian noise of standard deviation ``noise`` is added to every
    coordinate (``noise=0`` still draws, so it consumes the generator as
    scikit-learn does).

    How it differs from :func:`moons`: :func:`moons` never shuffles (the -1
    points come first), puts the inner moon at ``0.5 - sin t`` (one rounding
    fewer, so it can differ in the last bit) and draws its noise from Python's
    ``random.Random(seed)``; so the same seed gives other points. Use
    :func:`make_moons` to get micrograd's (and scikit-learn's) exact data,
    :func:`moons` for this book's seeded experiments.

    Args:
        n_samples: The number of points, or a pair ``(outer, inner)`` of
            counts per moon, as in scikit-learn.
        shuffle: Whether to shuffle the points (before the noise is added).
        noise: The standard deviation of the Gaussian noise, or ``None`` for
            none (and no draws).
        random_state: An int from 0 to 2**32 - 1 (:data:`MAX_SEED`) gives
            scikit-learn's points for that seed. ``None`` seeds from fresh
            operating-system entropy, as NumPy's ``RandomState(None)`` does, so
            every call differs and cannot be repeated; it does *not* use NumPy's
            global generator, which this library cannot see.

    Returns:
        A :class:`Dataset` named ``"make_moons"`` whose metadata also records
        ``shuffle`` and ``random_state`` (as ``seed``).

    Raises:
        TypeError: If ``n_samples`` is not an int or a pair of ints, ``shuffle``
            is not a bool, ``noise`` is not a number or ``None``, or
            ``random_state`` is not an int or ``None`` (a NumPy ``RandomState``,
            a float or a bool is refused).
        ValueError: If ``n_samples`` is below 1 (a count in a pair below 0, or
            both 0) or the total above :data:`MAX_SAMPLES`, ``noise`` is not
            between 0 and :data:`MAX_NOISE`, or ``random_state`` is not between
            0 and :data:`MAX_SEED`.

    """
    n_outer, n_inner = _make_moons_sizes(n_samples)
    check_instance("shuffle", shuffle, bool, "True or False")
    sigma = None if noise is None else _check_noise(noise)
    seed = _check_random_state(random_state)
    rng = LegacyRandomState(seed)
    outer, inner = _linspace_to_pi(n_outer), _linspace_to_pi(n_inner)
    points = [(math.cos(t), math.sin(t)) for t in outer]
    points += [(1.0 - math.cos(t), 1.0 - math.sin(t) - 0.5) for t in inner]
    labels = [-1.0] * n_outer + [1.0] * n_inner
    if shuffle:
        order = list(range(len(points)))
        rng.shuffle(order)
        points = [points[i] for i in order]
        labels = [labels[i] for i in order]
    if sigma is not None:
        # row by row, x then y: the order NumPy fills a (n, 2) array
        points = [(x + rng.normal(0.0, sigma), y + rng.normal(0.0, sigma)) for x, y in points]
    metadata = {
        "name": "make_moons",
        "n_samples": len(points),
        "noise": sigma,
        "seed": seed,
        "shuffle": shuffle,
    }
    return Dataset(tuple(points), tuple(labels), metadata)
