"""Show rows (lists of dicts) as tables in notebooks and terminals.

``Table(rows)`` renders as an HTML table in Jupyter and as aligned text in
``print``; numbers are rounded for reading, the rows themselves are unchanged.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from micrograd._checks import check_instance, check_int, check_sequence, fail, shown

__all__ = ["MAX_DIGITS", "Table"]

MAX_DIGITS = 17
"""The most significant ``digits`` a table shows: 17 tell any two floats apart."""


def _check_arguments(rows: object, columns: object, digits: object, caption: object) -> None:
    """The type and range checks of :class:`Table`."""
    for i, row in enumerate(check_sequence("rows", rows, "a list of dicts")):
        if not isinstance(row, Mapping):
            fail(f"rows[{i}]", "a dict (a mapping)", row, TypeError)
    if columns is not None:
        for i, column in enumerate(check_sequence("columns", columns, "a list of column names")):
            check_instance(f"columns[{i}]", column, str, "a str")
    check_int("digits", digits, minimum=1, maximum=MAX_DIGITS)
    check_instance("caption", caption, str, "a str")


class Table:
    """A read-only view of rows for display.

    Args:
        rows: The rows; every row should have the same keys.
        columns: The columns to show, in order (default: the first row's keys).
        digits: Significant digits for floats.
        caption: An optional caption.

    Raises:
        TypeError: If ``rows`` is not a sequence of mappings (dicts), ``columns``
            (or, without ``columns``, the keys of the first row) not strings,
            ``digits`` not an int or ``caption`` not a string.
        ValueError: If ``digits`` is not from 1 to :data:`MAX_DIGITS` or a column
            is missing from a row.

    """

    __slots__ = ("_caption", "_columns", "_digits", "_rows")

    def __init__(
        self,
        rows: Sequence[Mapping[str, Any]],
        columns: Sequence[str] | None = None,
        digits: int = 6,
        caption: str = "",
    ) -> None:
        _check_arguments(rows, columns, digits, caption)
        self._rows = [dict(row) for row in rows]
        self._columns = list(columns) if columns is not None else list(rows[0]) if rows else []
        if columns is None:  # given columns were checked; rows[0]'s keys are checked here
            for column in self._columns:
                check_instance("a column name (a key of rows[0])", column, str, "a str")
        for i, row in enumerate(self._rows):
            missing = [c for c in self._columns if c not in row]
            if missing:
                raise ValueError(f"row {i} has no column {missing[0]!r}")
        self._digits = digits
        self._caption = caption

    @property
    def columns(self) -> list[str]:
        """The columns shown."""
        return list(self._columns)

    def __len__(self) -> int:
        return len(self._rows)

    def format(self, value: object) -> str:
        """A cell's text: floats to ``digits`` significant digits, ``None`` as empty."""
        if value is None:
            return ""
        if isinstance(value, float):
            return f"{value:.{self._digits}g}"
        try:
            return str(value)
        except ValueError:  # an int beyond Python's 4,300-digit limit for str()
            return shown(value)

    def _cells(self) -> list[list[str]]:
        return [[self.format(row[c]) for c in self._columns] for row in self._rows]

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self._columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in cells) + "</tr>"
            for cells in self._cells()
        )
        caption = f"<caption>{html.escape(self._caption)}</caption>" if self._caption else ""
        return (
            f'<table class="micrograd-table">{caption}<thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>"
        )

    def __str__(self) -> str:
        cells = self._cells()
        widths = [
            max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(self._columns)
        ]
        lines = [
            "  ".join(c.rjust(w) for c, w in zip(self._columns, widths, strict=True)),
            "  ".join("-" * w for w in widths),
        ]
        lines += ["  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
        if self._caption:
            lines.insert(0, self._caption)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Table({len(self)} rows, {len(self._columns)} columns)"
