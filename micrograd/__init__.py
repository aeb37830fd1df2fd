"""micrograd: scalar reverse-mode autodiff with immutable values, and a tiny MLP.

The engine is :class:`Value`; ``Value.backward()`` returns a read-only
:class:`Gradients` mapping. Submodules: :mod:`micrograd.nn` (models),
:mod:`micrograd.datasets`, :mod:`micrograd.losses`, :mod:`micrograd.trainer`,
:mod:`micrograd.plot_data`, :mod:`micrograd.plots` (needs matplotlib) and
:mod:`micrograd.graph`.
"""

from micrograd.engine import Gradients, Value

__all__ = ["Gradients", "Value", "__version__"]

__version__ = "0.1.0"
