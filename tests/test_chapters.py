"""The chapters' sources: every number in the prose is proven, code fits the column.

These read book/*.md only; tests/test_book.py checks the book `nox -s docs` built.
"""

from __future__ import annotations

import re

import pytest

from tests.helpers import BOOK, SOURCES

# -- every number in the prose is glued, set in a code cell, or documented below ----------

FENCE = re.compile(r"^(`{3,}|:{3,})\s*(?:\{([\w:-]+)\})?")
PROSE_NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?:e-?\d+)?(?!\w)")

# Numbers the prose quotes from somewhere other than its own cells, and where to find them.
QUOTED_NUMBERS = {
    "getting-started": {"3.11": ("pyproject.toml", 'requires-python = ">=3.11"')},
    "walkthrough": {
        "6": ("tests/test_parity.py", "steps = 6"),
        "30": ("tests/test_parity.py", "moons(30, noise=0.1, seed=1337)"),
        "1e-12": ("tests/test_parity.py", "rel=1e-12"),
        "1e-9": ("tests/test_parity.py", "rel=1e-9"),
    },
}


def split_chapter(text: str) -> tuple[str, list[str]]:
    """A MyST chapter's prose, and the source of each of its code cells."""
    if text.startswith("---\n"):
        text = text[text.index("\n---\n", 4) + 5 :]
    prose: list[str] = []
    cells: list[str] = []
    fence: tuple[str, str] | None = None
    for line in text.splitlines():
        if fence is None:
            opening = FENCE.match(line)
            if opening:
                fence = (opening.group(1), opening.group(2) or "")
                if fence[1] == "code-cell":
                    cells.append("")
            else:
                prose.append(line)
        elif line.strip() == fence[0]:
            fence = None
        elif fence[1] == "code-cell":
            cells[-1] += line + "\n"
    return "\n".join(prose), [cell_source(cell) for cell in cells]


def cell_source(cell: str) -> str:
    """A code cell's Python, without its options (``:tags:`` or a ``---`` YAML block)."""
    if cell.startswith("---\n"):
        return cell[cell.index("\n---\n", 4) + 5 :]
    return re.sub(r"\A(?::[\w-]+:.*\n)+", "", cell)


def prose_numbers(prose: str) -> list[str]:
    """The numbers a reader sees in running text (not in code, roles or link targets)."""
    prose = re.sub(r"\{[\w:-]+\}`[^`]*`", " ", prose)  # {glue:text}`...`, {doc}`...`
    prose = re.sub(r"`[^`]*`", " ", prose)  # inline code
    prose = re.sub(r"\]\([^)]*\)", "]", prose)  # link targets
    prose = re.sub(r"^#+\s+\d+\.\s", "", prose, flags=re.MULTILINE)  # "## 5. The loss"
    return PROSE_NUMBER.findall(prose)


def appears_in_code(number: str, cells: list[str]) -> bool:
    code = re.sub(r"(?<=\d)_(?=\d)", "", "\n".join(cells))  # 100_000 -> 100000
    plain = re.escape(number.replace(",", ""))
    return re.search(rf"(?<![\w.])(?<!e-){plain}(?![\w.]\d)(?!\w)", code) is not None


@pytest.mark.parametrize("name", SOURCES)
def test_every_prose_number_is_glued_set_in_a_cell_or_quoted(name: str) -> None:
    """A number in running text comes from a glue role, or is a setting/assert of a cell.

    Anything else must be listed in ``QUOTED_NUMBERS`` with the file that says it.
    """
    prose, cells = split_chapter((BOOK / f"{name}.md").read_text(encoding="utf-8"))
    quoted = QUOTED_NUMBERS.get(name, {})
    unproven = [
        number
        for number in prose_numbers(prose)
        if number not in quoted and not appears_in_code(number, cells)
    ]
    assert unproven == [], f"{name}.md: numbers typed into the prose: {unproven}"
    root = BOOK.parent
    for number, (source, evidence) in quoted.items():
        assert evidence in (root / source).read_text(encoding="utf-8"), (name, number, source)


def test_the_number_checks_catch_a_typed_in_number() -> None:
    chapter = "---\nk: v\n---\n# T\n\n```{code-cell} python\nrun(steps=60)\n```\n\n"
    prose, cells = split_chapter(chapter + "After 60 steps the loss is 0.25.\n")
    assert prose_numbers(prose) == ["60", "0.25"]
    assert appears_in_code("60", cells)
    assert not appears_in_code("0.25", cells)
    assert not appears_in_code("12", ["assert x < 1e-12"])
    assert prose_numbers("## 5. The loss\n{glue:text}`a:.2f` and `h = 0.25`") == []
    assert cell_source("---\nmystnb:\n  image:\n    alt: 337\n---\nfig = f()\n") == "fig = f()\n"
    assert cell_source(":tags: [hide-input]\nx = 1\n") == "x = 1\n"


MAX_CODE_LINE = 88
"""Characters a code cell shows at desktop width without clipping (the browser tests
measure the real column)."""
MAX_CODE_LINE_BY_CHAPTER = {"from-scratch": 80}
"""Chapters whose reader types the code in: lines short enough to copy without scrolling."""


@pytest.mark.parametrize("name", SOURCES)
def test_code_cell_lines_fit_the_text_column(name: str) -> None:
    source = (BOOK / f"{name}.md").read_text(encoding="utf-8")
    _, cells = split_chapter(source)
    assert len(cells) == source.count("```{code-cell}")  # every cell was found
    limit = MAX_CODE_LINE_BY_CHAPTER.get(name, MAX_CODE_LINE)
    long_lines = [line for cell in cells for line in cell.splitlines() if len(line) > limit]
    assert long_lines == [], f"{name}.md: code lines over {limit} characters"


def test_build_the_network_restates_the_from_scratch_engine_unchanged() -> None:
    scratch = (BOOK / "from-scratch.md").read_text(encoding="utf-8")
    network = (BOOK / "build-the-network.md").read_text(encoding="utf-8")
    start = scratch.index("class Node:\n", scratch.index("# The engine: Node, topological_sort"))
    engine = scratch[start : scratch.index("```", start)].rstrip()
    assert engine in network
