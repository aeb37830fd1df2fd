"""The docstrings' ``Examples:`` sections run and print what they show.

The API reference turns each of these sections into a "Try it" button (jupyterlite-sphinx's
TryExamples, which looks for the Examples heading), so each must be a complete
example, imports included, whose output is right.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
from types import ModuleType

import pytest

import micrograd

MODULES = sorted(
    info.name
    for info in pkgutil.iter_modules(micrograd.__path__, "micrograd.")
    if info.name != "micrograd.__main__"  # the command line: importing it runs it
)
MAIN_API = [
    "micrograd.engine.Value",
    "micrograd.engine.Value.backward",
    "micrograd.engine.Gradients",
    "micrograd.nn.MLP",
    "micrograd.trainer.train",
    "micrograd.datasets.moons",
    "micrograd.losses.max_margin",
    "micrograd.gradcheck.check_gradients",
    "micrograd.gradcheck.numerical_derivative",
    "micrograd.gradcheck.numerical_gradient",
    "micrograd.graph.to_dot",
]


def run_examples(module: ModuleType) -> doctest.TestResults:
    """Run every docstring example of ``module`` in a fresh namespace, as a reader would."""
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(module, module.__name__, globs={}):
        runner.run(test)
    return runner.summarize(verbose=False)


@pytest.mark.parametrize("name", MODULES)
def test_every_docstring_example_prints_what_it_shows(name: str) -> None:
    results = run_examples(importlib.import_module(name))
    assert results.failed == 0


@pytest.mark.parametrize("name", MAIN_API)
def test_the_main_api_has_an_examples_section(name: str) -> None:
    docstring = inspect.getdoc(pkgutil.resolve_name(name)) or ""
    _, found, section = docstring.partition("\nExamples:\n")
    assert found, f"{name}: no Google-style 'Examples:' section (TryExamples needs it)"
    assert ">>> " in section


def test_a_wrong_example_fails() -> None:
    module = ModuleType("wrong_example")
    module.__doc__ = "Examples:\n    >>> 1 + 1\n    3\n"
    assert run_examples(module).failed == 1
