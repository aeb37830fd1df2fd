"""Sphinx configuration for micrograd, the book.

Every chapter is a MyST Markdown notebook that myst-nb executes on every build;
an error in any cell, or any Sphinx warning (``-W``), fails the build.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import micrograd

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

import runnable_notebooks  # the book's own extension (in _ext/), also named in extensions

project = "micrograd, the book"
author = "micrograd-book maintainers"
copyright = "2026, micrograd-book maintainers"
release = micrograd.__version__
version = release

# pyproject.toml's Source URL; CI or a fork overrides it with MICROGRAD_BOOK_REPOSITORY_URL.
REPOSITORY_URL = runnable_notebooks.repository_url()
REPOSITORY_BRANCH = os.environ.get("MICROGRAD_BOOK_BRANCH", "main")

extensions = [
    "myst_nb",
    # Exercises: `solution-start`/`solution-end` let executed code cells sit inside a
    # solution; its `:class: dropdown` is folded away by sphinx-togglebutton.
    "sphinx_exercise",
    "sphinx_togglebutton",
    "exercise_numbers",  # Exercise 1, 2, ... on each page, not across the book
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "runnable_notebooks",  # notebooks for Binder, Colab, JupyterLite; the lite wheel
    "build_time",  # the whole build's wall time, written into the build report page
    "balanced_reading",  # parallel readers get alike shares of chapter_execution_seconds
]

exclude_patterns = [
    "_build",
    "_contents",  # the JupyterLite notebooks, written by the build
    "jupyter_execute",
    "*.ipynb",  # each chapter's notebook for Binder and Colab, written by `nox -s notebooks`
    "**.ipynb_checkpoints",
    "README.md",
]

# -- MyST and notebook execution -------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "substitution"]
myst_heading_anchors = 3
nb_execution_mode = "force"
nb_execution_timeout = 300  # per cell; the 30 s default is too tight on a slow machine
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
nb_execution_excludepatterns: list[str] = []
# Rough seconds each chapter takes to execute (the build report lists them): with -j, the
# balanced_reading extension shares the chapters between the readers by these numbers.
chapter_execution_seconds = {
    "extras": 20,
    "walkthrough": 12,
    "design-notes": 11,
    "build-the-network": 10,
    "from-scratch": 6,
    "index": 4,
    "troubleshooting": 2,
    "api": 1,
    "build-report": 1,
    "getting-started": 1,
}

# -- Exercises ----------------------------------------------------------------------------
# Each solution directly follows its exercise (the build warns, so fails, otherwise) and
# is titled just "Solution": no link to the exercise in the title, so a click anywhere on
# the title unfolds it instead of jumping to the exercise.
exercise_style = "solution_follow_exercise"
togglebutton_hint = "Show the solution"
togglebutton_hint_hide = "Hide the solution"


def _encrypt_kernel_sockets() -> None:
    """Start the chapters' kernels with CurveZMQ keys on their 127.0.0.1 sockets.

    ipykernel 7.4 and later log "Kernel is running over TCP without encryption" once
    per kernel started without keys: one line per chapter, printed straight to the
    build's stderr. myst-nb executes through jupyter-cache and nbclient, which take no
    kernel manager options and read no Jupyter config file, so there is no public
    setting for this: the class default
    of jupyter_client's ``transport_encryption`` (new in 8.9) is set to ``"auto"``: the
    manager provisions keys for every kernelspec that declares Curve support, as
    ipykernel's does. Older jupyter_client (no such setting) or a libzmq without Curve
    leave it as it was: their kernels do not warn, or the warning stays visible.
    """
    try:
        import zmq  # noqa: PLC0415 - build-time only
        from jupyter_client.manager import KernelManager  # noqa: PLC0415
    except ImportError:  # read by a tool without Jupyter: no kernels to start
        return

    setting = KernelManager.class_traits().get("transport_encryption")
    if setting is not None and zmq.has("curve"):
        setting.default_value = "auto"


_encrypt_kernel_sockets()

# -- Run in the browser: JupyterLite with the Pyodide kernel ---------------------------------
# The site goes to _build/html/lite; Pyodide itself loads from its CDN in the reader's
# browser. runnable_notebooks writes the chapters' lite notebooks (folder "book" in the
# lite file system) and this commit's wheel, which the lite site serves to piplite.
jupyterlite_config = "jupyter_lite_config.json"
jupyterlite_bind_ipynb_suffix = False
jupyterlite_contents = [str(runnable_notebooks.LITE_NOTEBOOKS)]
jupyterlite_build_command_options = {"piplite-wheels": str(runnable_notebooks.LITE_WHEELS)}

# The API reference's `Examples:` sections get a button that runs them in the page, on
# the same lite site and wheel.
global_enable_try_examples = True
try_examples_global_button_text = "Try it"
try_examples_global_warning_text = (
    "This runs in your browser (Pyodide) with the micrograd this book was built with."
)
try_examples_preamble = f"%pip install {runnable_notebooks.requirement(())}"

# -- API reference ------------------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True, "show-inheritance": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
nitpick_ignore_regex = [
    # third-party and typing names that have no page in this book
    ("py:class", r"(matplotlib|graphviz|random|abc|collections\.abc|typing|types)\..*"),
    ("py:class", r"(Axes|Figure|Digraph|Number|Point|LearningRate|M|_T|T)"),
    ("py:class", r"micrograd\..*\.(M|_T|Number|Point|LearningRate)"),
    ("py:obj", r"micrograd\..*\.(M|_T)"),
]

# -- HTML -------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "micrograd, the book"
html_static_path = ["_static"]
html_css_files = ["book.css"]
html_context = {"default_mode": "auto"}  # follow the reader's light/dark preference
html_theme_options = {
    "repository_url": REPOSITORY_URL,
    "repository_branch": REPOSITORY_BRANCH,
    "path_to_docs": "book",
    "use_repository_button": True,
    "use_download_button": True,
    "use_source_button": True,
    "launch_buttons": {
        "binderhub_url": "https://mybinder.org",
        "notebook_interface": "jupyterlab",
        # Binder and Colab open the notebook paired with the chapter (book/<chapter>.ipynb,
        # the theme's rule for a same-named .ipynb beside a page). Every chapter is a
        # top-level page, so this relative lite URL holds on every page.
        "colab_url": "https://colab.research.google.com",
        "jupyterlite_url": "lite/lab/index.html",
        "jupyterlite_ext": ".ipynb",
    },
    "show_toc_level": 2,
}


def _public_bases(*args: object) -> None:
    """autodoc-process-bases: a private base (``nn._Stack``) shows as its nearest public one."""
    bases = args[-1]
    assert isinstance(bases, list)
    for i, base in enumerate(bases):
        if isinstance(base, type) and base.__name__.startswith("_"):
            bases[i] = next(k for k in base.__mro__ if not k.__name__.startswith("_"))


def setup(app: Any) -> None:
    app.connect("autodoc-process-bases", _public_bases)
