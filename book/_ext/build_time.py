"""Write how long the whole book build took into the build report page.

The build report's chapter table comes from myst-nb, but no chapter can know how long the
build it is part of will take. This extension starts a clock when Sphinx loads it and, once
every page is written (and the JupyterLite site built), puts the elapsed wall time into the
``<span id="build-seconds">`` placeholder of ``build-report.html``. A missing placeholder
fails the build, so the report never silently loses the number.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

PLACEHOLDER = re.compile(r'(<span id="build-seconds">)[^<]*(</span>)')
PAGE = "build-report.html"


def _write_build_time(app: Any, exception: BaseException | None, started: float) -> None:
    if exception is not None or app.builder.format != "html":
        return
    page = Path(app.outdir) / PAGE
    html, found = PLACEHOLDER.subn(
        rf"\g<1>{time.perf_counter() - started:.0f} s\g<2>", page.read_text(encoding="utf-8")
    )
    if found != 1:
        msg = f'{page} has no <span id="build-seconds"> placeholder for the build time'
        raise RuntimeError(msg)
    page.write_text(html, encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    """Start the clock and write the total when the build finishes (after other extensions)."""
    started = time.perf_counter()
    app.connect(
        "build-finished",
        lambda app, exception: _write_build_time(app, exception, started),
        priority=900,
    )
    return {"parallel_read_safe": True, "parallel_write_safe": True}
