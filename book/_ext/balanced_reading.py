"""Share the chapters' execution evenly between Sphinx's parallel readers.

With ``-j``, Sphinx cuts the list of documents to read into runs of consecutive names,
one per reader process (``sphinx.util.parallel.make_chunks``), and each reader executes
its chapters one after the other. In name order, three of this book's four heaviest
chapters (build-the-network, design-notes, extras) fall to the same reader, which then
works alone for the last third of the reading. Sphinx's ``env-before-read-docs`` event exists
to let an extension reorder that list: this one deals the chapters out, heaviest first,
each to the run with the least work so far, by the rough execution times in conf.py's
``chapter_execution_seconds``. A chapter missing from that table is a warning, so, with
``-W``, an error: a new chapter cannot silently skew the split. Only the build's speed
depends on the numbers; pages, outputs and checks are the same in any order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import combinations, product
from typing import Any

CONFIG = "chapter_execution_seconds"


def balanced_order(
    docnames: Sequence[str], sizes: Sequence[int], seconds: Mapping[str, float]
) -> list[str]:
    """``docnames`` reordered so that runs of ``sizes`` consecutive names cost alike.

    Heaviest first, each name goes to the run with the least work so far that has room;
    then two names swap runs while that lowers the dearer run's work. The same swaps
    also start from name order, and the better split wins, so it is never worse than
    name order. The result lists the runs one after the other. Names missing from
    ``seconds`` cost nothing.
    """
    if sum(sizes) != len(docnames):
        msg = f"run sizes {list(sizes)} do not add up to the {len(docnames)} documents"
        raise ValueError(msg)

    def cost(run: list[str]) -> float:
        return sum(seconds.get(name, 0.0) for name in run)

    dealt: list[list[str]] = [[] for _ in sizes]
    for name in sorted(docnames, key=lambda name: (-seconds.get(name, 0.0), name)):
        open_runs = [i for i, size in enumerate(sizes) if len(dealt[i]) < size]
        dealt[min(open_runs, key=lambda i: (cost(dealt[i]), i))].append(name)
    in_order = [list(docnames[sum(sizes[:i]) : sum(sizes[: i + 1])]) for i in range(len(sizes))]
    for runs in (dealt, in_order):
        while any(_even_out(runs[i], runs[j], cost) for i, j in combinations(range(len(runs)), 2)):
            pass
    best = min((dealt, in_order), key=lambda runs: max(map(cost, runs)))
    return [name for run in best for name in run]


def _even_out(first: list[str], second: list[str], cost: Callable[[list[str]], float]) -> bool:
    """Swap a name of ``first`` with one of ``second`` if that lowers the dearer run's cost."""
    dearer = max(cost(first), cost(second))
    for (i, a), (j, b) in product(enumerate(first), enumerate(second)):
        first[i], second[j] = b, a
        if max(cost(first), cost(second)) < dearer:
            return True
        first[i], second[j] = a, b
    return False


def _reorder(app: Any, _env: Any, docnames: list[str]) -> None:
    from sphinx.util import logging  # noqa: PLC0415 - build-time only
    from sphinx.util.parallel import make_chunks  # noqa: PLC0415

    seconds: dict[str, float] = getattr(app.config, CONFIG)
    for name in sorted(set(docnames) - seconds.keys()):
        logging.getLogger(__name__).warning(
            f"{name} has no entry in {CONFIG} (conf.py): add its rough execution time in "
            "seconds (the build report lists them), so the parallel readers share the work"
        )
    if app.parallel > 1 and len(docnames) > 1:
        sizes = [len(chunk) for chunk in make_chunks(docnames, app.parallel)]
        docnames[:] = balanced_order(docnames, sizes, seconds)


def setup(app: Any) -> dict[str, Any]:
    """Register ``chapter_execution_seconds`` and reorder the documents before they are read."""
    app.add_config_value(CONFIG, {}, "", types=dict)
    app.connect("env-before-read-docs", _reorder)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
