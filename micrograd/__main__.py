"""``python -m micrograd``: the demo from a terminal (see :mod:`micrograd.cli`)."""

from micrograd.cli import run

run()
