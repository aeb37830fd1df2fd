"""Random generators from user seeds, one rule for every module.

``random.Random(seed)`` seeds from ``abs(seed)``, so ``-1`` and ``1`` would
draw the same numbers. :func:`make_rng` keeps ``random.Random(seed)`` for
``None`` and every non-negative int (so seeds give micrograd's weights, which
come from ``random.seed(seed)``) and seeds a negative int from a string
instead: ``random.Random(f"micrograd seed {seed}")``. A string seed becomes an
int of more than 512 bits, so a negative seed never draws what a non-negative
seed below ``2**512`` draws.
"""

from __future__ import annotations

import random

__all__ = ["check_seed", "make_rng"]


def check_seed(seed: object, name: str = "seed") -> int | None:
    """Return ``seed`` if it is an int (not a bool) or ``None``.

    Raises:
        TypeError: Otherwise, naming the argument ``name``.

    """
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise TypeError(f"{name} must be an int or None, got {type(seed).__name__}: {seed!r}")
    return seed


def make_rng(seed: object, name: str = "seed") -> random.Random:
    """A private generator for ``seed``: distinct for ``seed`` and ``-seed``.

    Raises:
        TypeError: If ``seed`` is neither an int nor ``None``.

    """
    checked = check_seed(seed, name)
    if checked is not None and checked < 0:
        return random.Random(f"micrograd seed {checked}")
    return random.Random(checked)
