"""Number exercises per chapter (Exercise 1, 2, ... on every page).

Sphinx numbers enumerable nodes such as sphinx-exercise's exercises across the whole
book when the table of contents is not numbered, so the walkthrough's first exercise
would be "Exercise 5". After Sphinx has assigned its numbers (its table-of-contents
collector answers ``env-get-updated`` at the default priority, 500), this handler
renumbers each page's exercises from 1, keeping their order.
"""

from __future__ import annotations

from typing import Any

FIGTYPE = "exercise"  # the enumerable type sphinx-exercise registers


def _renumber_per_page(_app: Any, env: Any) -> list[str]:
    for numbers in env.toc_fignumbers.values():
        exercises = numbers.get(FIGTYPE)
        if exercises:
            in_order = sorted(exercises, key=exercises.__getitem__)
            numbers[FIGTYPE] = {ident: (i,) for i, ident in enumerate(in_order, start=1)}
    return []


def setup(app: Any) -> dict[str, Any]:
    app.connect("env-get-updated", _renumber_per_page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
