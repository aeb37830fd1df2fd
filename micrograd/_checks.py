"""Argument checks shared by every module, with one message form.

Each checker returns the value it accepted (converted where that is the point,
for example an int to a float) and otherwise raises with the message
``"<name> must be <what is allowed>, got <what was given>"``: a ``TypeError``
when the kind of value is wrong, a ``ValueError`` when the kind is right and the
value is not. What was given is shown by :func:`shown`, so a huge int or a long
string cannot flood the message.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from typing import NoReturn, TypeGuard, TypeVar

__all__ = [
    "check_instance",
    "check_int",
    "check_real",
    "check_sequence",
    "fail",
    "is_number",
    "shown",
]

_T = TypeVar("_T")

_LONGEST_SHOWN = 80
"""Characters of a ``repr`` shown in a message before it is cut."""


def is_number(value: object) -> TypeGuard[int | float]:
    """True for ints and floats (and their subclasses), False for bools and the rest."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def shown(value: object) -> str:
    """``value`` for an error message: its type and a short ``repr``.

    An int with more than 64 bits is shown by its size ("an int of 1329 bits"):
    printing it in full could hit Python's 4,300-digit limit.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return repr(value) if value.bit_length() <= 64 else f"an int of {value.bit_length()} bits"
    if isinstance(value, float) or value is None or isinstance(value, bool):
        return repr(value)
    try:
        text = repr(value)
    except ValueError:  # an int inside it beyond Python's 4,300-digit limit for str()
        return f"a {type(value).__name__} holding an int too large to print"
    if len(text) > _LONGEST_SHOWN:
        text = text[: _LONGEST_SHOWN - 3] + "..."
    return f"{type(value).__name__} {text}"


def fail(name: str, expected: str, value: object, error: type[Exception] = ValueError) -> NoReturn:
    """Raise ``error`` saying that ``name`` must be ``expected`` and what it was."""
    raise error(f"{name} must be {expected}, got {shown(value)}")


def check_instance(name: str, value: object, kind: type[_T], expected: str) -> _T:
    """Return ``value`` if it is a ``kind``; otherwise raise ``TypeError``.

    ``expected`` is how the message names the kind ("a Value", "a Dataset").
    """
    if not isinstance(value, kind):
        fail(name, expected, value, TypeError)
    return value


def _bounds(minimum: float | None, maximum: float | None) -> str:
    if minimum is not None and maximum is not None:
        return f"from {minimum} to {maximum}"
    if minimum is not None:
        return f"at least {minimum}"
    if maximum is not None:
        return f"at most {maximum}"
    return ""


def check_int(
    name: str, value: object, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Return ``value`` if it is an int (not a bool) from ``minimum`` to ``maximum``.

    Raises:
        TypeError: If ``value`` is not an int, or is a bool.
        ValueError: If it is outside the bounds (either may be ``None``: no bound).

    """
    if not isinstance(value, int) or isinstance(value, bool):
        fail(name, "an int", value, TypeError)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        fail(name, "an int " + _bounds(minimum, maximum), value)
    return value


def check_real(
    name: str,
    value: object,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    above_minimum: bool = False,
    finite: bool = True,
) -> float:
    """Return ``value`` as a float if it is an int or float in range.

    ``minimum`` is inclusive unless ``above_minimum``; ``maximum`` is inclusive.
    With ``finite`` (the default), NaN and the infinities are refused; an int
    too large for a float is always refused (it has no float to return).

    Raises:
        TypeError: If ``value`` is not an int or a float (bools are refused).
        ValueError: If it is NaN or infinite (with ``finite``), too large for a
            float, or outside the bounds.

    """
    if not is_number(value):
        fail(name, "a real number (int or float)", value, TypeError)
    if above_minimum and minimum is not None:
        bound = f"above {minimum}" + (f" and at most {maximum}" if maximum is not None else "")
    else:
        bound = _bounds(minimum, maximum)
    expected = (("a finite number " if finite else "a number ") + bound).rstrip()
    if isinstance(value, int) and abs(value) > sys.float_info.max:
        fail(name, expected if bound else f"{expected} within the float range", value)
    number = float(value)
    too_low = minimum is not None and (number <= minimum if above_minimum else number < minimum)
    too_high = maximum is not None and number > maximum
    nan_out_of_bounds = math.isnan(number) and (minimum is not None or maximum is not None)
    if (finite and not math.isfinite(number)) or too_low or too_high or nan_out_of_bounds:
        fail(name, expected, value)
    return number


def check_sequence(name: str, value: object, expected: str = "a list or tuple") -> Sequence[object]:
    """Return ``value`` if it is a sequence other than a string or bytes.

    Raises:
        TypeError: Otherwise; ``expected`` is how the message names what is allowed.

    """
    if not isinstance(value, Sequence) or isinstance(value, str | bytes | bytearray):
        fail(name, expected, value, TypeError)
    return value
