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

from micrograd._checks import fail

__all__ = ["make_rng"]


def make_rng(seed: object, name: str = "seed") -> random.Random:
    """A private generator for ``seed``: distinct for ``seed`` and ``-seed``.

    Raises:
        TypeError: If ``seed`` is neither an int (not a bool) nor ``None``;
            the message names the argument ``name``.

    """
    if seed is None:
        return random.Random(None)
    if not isinstance(seed, int) or isinstance(seed, bool):
        fail(name, "an int or None", seed, TypeError)
    if seed < 0:
        return random.Random(f"micrograd seed {seed}")
    return random.Random(seed)
