"""Scripts the sessions, the benchmark, the book and the tests share (not tests themselves).

- ``reference.py`` and ``reference_demo.py`` run Karpathy's micrograd 0.1.0 in a
  subprocess (parity tests, the benchmark, the design notes);
- ``offline_pyodide.py`` packs Pyodide for the offline JupyterLite test (``nox -s browser``);
- ``run_chapters.py`` executes every chapter in the Binder environment (``nox -s binder``);
- ``check_docs_live_stops.py`` checks that SIGTERM stops ``nox -s docs -- --serve``.
"""
