"""The few draws of NumPy's legacy ``RandomState`` that scikit-learn's ``make_moons`` makes.

Written with the standard library only, to give the same doubles bit for bit:

* **Seeding** from an int is MT19937's ``init_genrand`` (NumPy's
  ``mt19937_seed``), not ``init_by_array``: ``RandomState(s)`` and
  ``np.random.seed(s)`` fill the 624-word key with Knuth's recurrence from
  ``s``. The key is handed to a :class:`random.Random` with ``setstate``, so
  the generator itself is CPython's C implementation of the same MT19937.
* **Uniform doubles**: ``Random.random()`` builds its double from two 32-bit
  outputs exactly as NumPy's ``random_sample`` does (``(a >> 5, b >> 6)``
  joined into 53 bits).
* **Normals** are NumPy's legacy polar method (``legacy_gauss``): each accepted
  pair gives two normals; the second is cached and returned by the next call.
  ``normal(loc, scale)`` is ``loc + scale * gauss``.
* **Shuffles** are ``RandomState.shuffle``'s Fisher-Yates from the last index
  down to 1, each index drawn by ``random_interval``: 32-bit outputs masked to
  the smallest all-ones mask covering the bound, rejected until in range.
"""

from __future__ import annotations

import math
import os
import random
from typing import TypeVar

__all__ = ["LegacyRandomState"]

_T = TypeVar("_T")

_KEY_WORDS = 624
"""MT19937's state: 624 32-bit words."""

_WORD = 0xFFFFFFFF


def _init_genrand(seed: int) -> list[int]:
    """The MT19937 key NumPy's ``mt19937_seed`` makes from a 32-bit ``seed``."""
    key = []
    word = seed & _WORD
    for position in range(_KEY_WORDS):
        key.append(word)
        word = (1812433253 * (word ^ (word >> 30)) + position + 1) & _WORD
    return key


def _entropy_key() -> list[int]:
    """A key from the operating system's entropy, as NumPy's ``RandomState(None)`` makes one.

    The first word's top bit is set, so the key is never all zeros.
    """
    words = os.urandom(4 * _KEY_WORDS)
    key = [int.from_bytes(words[i : i + 4], "little") for i in range(0, len(words), 4)]
    key[0] = 0x80000000
    return key


class LegacyRandomState:
    """NumPy's ``RandomState(seed)`` for the draws ``make_moons`` needs.

    ``seed`` must already be checked: an int from 0 to 2**32 - 1, or ``None``
    for a key from fresh operating-system entropy (not reproducible).
    """

    __slots__ = ("_bits", "_cached_gauss")

    def __init__(self, seed: int | None) -> None:
        key = _entropy_key() if seed is None else _init_genrand(seed)
        self._bits = random.Random()
        # version 3 state: the 624 words and the position; 624 regenerates on first use
        self._bits.setstate((3, (*key, _KEY_WORDS), None))
        self._cached_gauss: float | None = None

    def random_sample(self) -> float:
        """A uniform double in ``[0, 1)``, NumPy's ``random_sample()``."""
        return self._bits.random()

    def standard_normal(self) -> float:
        """A standard normal by the legacy polar method, NumPy's ``legacy_gauss``."""
        cached = self._cached_gauss
        if cached is not None:
            self._cached_gauss = None
            return cached
        uniform = self._bits.random
        while True:
            x1 = 2.0 * uniform() - 1.0
            x2 = 2.0 * uniform() - 1.0
            r2 = x1 * x1 + x2 * x2
            if 0.0 < r2 < 1.0:
                break
        f = math.sqrt(-2.0 * math.log(r2) / r2)
        self._cached_gauss = f * x1
        return f * x2

    def normal(self, loc: float, scale: float) -> float:
        """A normal draw, NumPy's legacy ``normal(loc, scale)``: ``loc + scale * gauss``."""
        return loc + scale * self.standard_normal()

    def interval(self, maximum: int) -> int:
        """An int from 0 to ``maximum`` (below 2**32), NumPy's ``random_interval``."""
        if maximum == 0:
            return 0
        mask = (1 << maximum.bit_length()) - 1
        draw = self._bits.getrandbits
        while True:
            value = draw(32) & mask
            if value <= maximum:
                return value

    def shuffle(self, items: list[_T]) -> None:
        """Shuffle ``items`` in place, as ``RandomState.shuffle`` shuffles a 1-d array."""
        for i in range(len(items) - 1, 0, -1):
            j = self.interval(i)
            items[i], items[j] = items[j], items[i]
