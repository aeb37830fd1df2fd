"""Progress display for :func:`~micrograd.trainer.train` (``progress=True``) and the command line.

With tqdm installed (the ``progress`` extra), the display is ``tqdm.auto``'s bar, which
updates in place in a terminal and in a notebook. Without it: a line refreshed in
place when the output is a terminal, and otherwise (a notebook, a log file) about ten
plain lines per run, so the core keeps no dependency.
"""

from __future__ import annotations

import importlib
import math
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from micrograd._checks import check_int, fail

if TYPE_CHECKING:
    from micrograd.trainer import TrainingRecord

__all__ = ["TrainingProgress", "describe"]

_BAR_WIDTH = 20
_PLAIN_LINES = 10
"""About how many lines a run prints where a line cannot be refreshed."""


def describe(record: TrainingRecord) -> str:
    """One record as the display shows it: ``loss 0.1234, accuracy 95%``."""
    return f"loss {record.loss:.4g}, accuracy {record.accuracy:.0%}"


def _load_tqdm() -> Callable[..., Any] | None:
    """``tqdm.auto.tqdm``, or ``None`` when tqdm is not installed."""
    try:
        return importlib.import_module("tqdm.auto").tqdm  # type: ignore[no-any-return]
    except ImportError:
        return None


class TrainingProgress:
    """Shows how far a run of ``steps`` steps has got, one logged record at a time.

    Args:
        steps: The run's length (0 or more).
        stream: Where to write (default ``sys.stderr``, as tqdm does).
        use_tqdm: ``None`` (default) uses tqdm when it is installed; ``False``
            never does.

    Raises:
        TypeError: If ``steps`` is not an int, ``stream`` has no ``write``
            method or ``use_tqdm`` is not a bool or ``None``.
        ValueError: If ``steps`` is negative.

    :func:`~micrograd.trainer.train` makes one when given ``progress=True``; the
    command line (``python -m micrograd``) uses one too.

    """

    def __init__(self, steps: int, stream: TextIO | None = None, use_tqdm: bool | None = None):
        self.steps = check_int("steps", steps, minimum=0)
        if use_tqdm is not None and not isinstance(use_tqdm, bool):  # 0 must not mean "use it"
            fail("use_tqdm", "True, False or None", use_tqdm, TypeError)
        if stream is not None and not callable(getattr(stream, "write", None)):
            fail("stream", "a text stream (with a write method) or None", stream, TypeError)
        self.stream = sys.stderr if stream is None else stream
        factory = _load_tqdm() if use_tqdm is not False else None
        self._bar: Any = None
        if factory is not None:
            self._bar = factory(total=steps, unit="step", file=self.stream, leave=True)
        isatty = getattr(self.stream, "isatty", None)
        self._refresh = self._bar is None and callable(isatty) and bool(isatty())
        self._every = max(1, math.ceil(steps / _PLAIN_LINES))
        self._next_line = 0
        self._done = 0
        self._open_line = False

    def update(self, record: TrainingRecord) -> None:
        """Show ``record`` (a step's numbers) as the latest progress."""
        done = min(record.step + 1, self.steps)
        if self._bar is not None:
            self._bar.update(done - self._done)
            self._bar.set_postfix_str(describe(record), refresh=True)
        elif self._refresh:
            filled = round(_BAR_WIDTH * done / self.steps) if self.steps else _BAR_WIDTH
            bar = "#" * filled + "." * (_BAR_WIDTH - filled)
            self.stream.write(f"\rstep {record.step:>{len(str(self.steps))}}/{self.steps} ")
            self.stream.write(f"[{bar}] {describe(record)}   ")
            self.stream.flush()
            self._open_line = True
        elif record.step >= self._next_line or done == self.steps:
            self._next_line = (record.step // self._every + 1) * self._every
            self.stream.write(f"step {record.step}/{self.steps}: {describe(record)}\n")
            self.stream.flush()
        self._done = done

    def wrap(
        self, callback: Callable[[TrainingRecord], object] | None
    ) -> Callable[[TrainingRecord], object]:
        """A callback that shows each record, then hands it to ``callback`` (if any)."""

        def show_then_call(record: TrainingRecord) -> None:
            self.update(record)
            if callback is not None:
                callback(record)

        return show_then_call

    def close(self) -> None:
        """End the display (close the bar, or end the refreshed line)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif self._open_line:
            self.stream.write("\n")
            self.stream.flush()
            self._open_line = False
