"""A tiny multi-layer perceptron built from :class:`~micrograd.engine.Value` nodes.

Models are immutable. Training never edits a parameter in place:
:meth:`Module.apply_gradients` and :meth:`Module.with_parameters` return a new
model and leave the old one as it was.

Parameters are drawn the way micrograd draws them: every weight from
``uniform(-1, 1)`` (layer by layer, neuron by neuron), every bias ``0``; but from
a private ``random.Random(seed)``, never the global generator.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Self

from micrograd.engine import Gradients, Number, Value, fused_linear, lift

__all__ = ["MLP", "Layer", "Module", "Neuron", "Unfused"]


def _check_size(name: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}: {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return value


def _check_seed(seed: object) -> int | None:
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise TypeError(f"seed must be an int or None, got {type(seed).__name__}: {seed!r}")
    return seed


def _check_learning_rate(learning_rate: object) -> float:
    if not isinstance(learning_rate, int | float) or isinstance(learning_rate, bool):
        raise TypeError(
            f"learning_rate must be an int or a float, got {type(learning_rate).__name__}"
        )
    return float(learning_rate)


def _input_nodes(x: Sequence[Value | Number], expected: int) -> tuple[Value, ...]:
    if isinstance(x, str | bytes) or not isinstance(x, Sequence):
        raise TypeError(f"the input must be a sequence of numbers, got {type(x).__name__}")
    if len(x) != expected:
        raise ValueError(f"expected an input of length {expected}, got length {len(x)}")
    return tuple(lift(v) for v in x)


class Module(ABC):
    """What every model here offers: its parameters and immutable updates."""

    __slots__ = ()

    @abstractmethod
    def __call__(self, x: Sequence[Value | Number]) -> Value | list[Value]:
        """The model's output for one input vector."""

    @abstractmethod
    def parameters(self) -> list[Value]:
        """All parameters in a stable order: layer by layer, neuron by neuron, weights then bias."""

    def parameter_count(self) -> int:
        """How many scalar parameters the model has."""
        return len(self.parameters())

    @abstractmethod
    def _rebuild(self, values: Iterator[float]) -> Self:
        """A model of the same shape that takes its parameters, in order, from ``values``."""

    def with_parameters(self, values: Sequence[Number]) -> Self:
        """A new model of the same shape holding ``values`` in :meth:`parameters` order.

        Raises:
            ValueError: If ``values`` does not hold exactly :meth:`parameter_count` numbers.
            TypeError: If an entry is not an int or a float.

        """
        needed = self.parameter_count()
        if len(values) != needed:
            raise ValueError(
                f"this model needs exactly {needed} parameter values, got {len(values)}"
            )
        floats = [Value(v).data for v in values]
        return self._rebuild(iter(floats))

    def apply_gradients(self, grads: Gradients, learning_rate: Number) -> Self:
        """One step of gradient descent, returned as a new model.

        Each parameter ``p`` becomes ``p - learning_rate * grads.get(p, 0.0)``; a
        parameter the loss does not depend on keeps its value. ``self`` is unchanged.
        """
        if not isinstance(grads, Gradients):
            raise TypeError(
                f"grads must be the Gradients from backward(), got {type(grads).__name__}"
            )
        lr = _check_learning_rate(learning_rate)
        get = grads.get
        return self._rebuild(p.data - lr * get(p, 0.0) for p in self.parameters())

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(
            f"{type(self).__name__} is immutable: cannot set {name!r}; "
            "use with_parameters() or apply_gradients() to get a new model"
        )

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot delete {name!r}")


_set = object.__setattr__


def _draw_weights(nin: int, rng: random.Random) -> list[float]:
    """``nin`` weights from ``uniform(-1, 1)``, in micrograd's order."""
    return [rng.uniform(-1.0, 1.0) for _ in range(nin)]


class Neuron(Module):
    """One unit: ``relu(w · x + b)``, or ``w · x + b`` when ``nonlin`` is false.

    Args:
        nin: Number of inputs (at least 1).
        nonlin: Apply ReLU to the weighted sum.
        seed: Seed for the weights; the same seed gives the same neuron.

    The weighted sum is one fused ``"linear"`` node with an edge per weight, per
    input and for the bias.

    """

    __slots__ = ("_b", "_nonlin", "_params", "_w", "_w_data")

    _w: tuple[Value, ...]
    _w_data: tuple[float, ...]
    _b: Value
    _params: tuple[Value, ...]  # the weights then the bias, as fused_linear takes them
    _nonlin: bool

    def __init__(self, nin: int, nonlin: bool = True, seed: int | None = None) -> None:
        _check_size("nin", nin)
        rng = random.Random(_check_seed(seed))
        self._init(_draw_weights(nin, rng), 0.0, nonlin)

    def _init(self, weights: Sequence[float], bias: float, nonlin: bool) -> None:
        _set(self, "_w", tuple(Value(w) for w in weights))
        _set(self, "_w_data", tuple(weights))
        _set(self, "_b", Value(bias))
        _set(self, "_params", (*self._w, self._b))
        _set(self, "_nonlin", bool(nonlin))

    @classmethod
    def _make(cls, weights: Sequence[float], bias: float, nonlin: bool) -> Neuron:
        neuron: Neuron = object.__new__(cls)
        neuron._init(weights, bias, nonlin)
        return neuron

    @classmethod
    def _random(cls, nin: int, nonlin: bool, rng: random.Random) -> Neuron:
        return cls._make(_draw_weights(nin, rng), 0.0, nonlin)

    @property
    def weights(self) -> tuple[Value, ...]:
        """The input weights, one per input."""
        return self._w

    @property
    def bias(self) -> Value:
        """The bias."""
        return self._b

    @property
    def nonlin(self) -> bool:
        """Whether ReLU is applied to the weighted sum."""
        return self._nonlin

    @property
    def nin(self) -> int:
        """Number of inputs."""
        return len(self._w)

    def _forward(self, x: tuple[Value, ...], x_data_and_one: tuple[float, ...]) -> Value:
        act = fused_linear(self._params, self._w_data, x, x_data_and_one)
        return act.relu() if self._nonlin else act

    def __call__(self, x: Sequence[Value | Number]) -> Value:
        r"""The neuron's output for one input vector ``x`` (numbers or ``Value``\\ s).

        Raises:
            ValueError: If ``len(x)`` is not :attr:`nin`.

        """
        nodes = _input_nodes(x, self.nin)
        return self._forward(nodes, (*[v.data for v in nodes], 1.0))

    def parameters(self) -> list[Value]:
        """The weights, then the bias."""
        return [*self._w, self._b]

    def _rebuild(self, values: Iterator[float]) -> Neuron:
        weights = [next(values) for _ in self._w]
        return Neuron._make(weights, next(values), self._nonlin)

    def __repr__(self) -> str:
        kind = "ReLU" if self._nonlin else "linear"
        return f"Neuron({self.nin} inputs, {kind})"


class Layer(Module):
    """``nout`` neurons that all read the same ``nin`` inputs.

    Args:
        nin: Inputs per neuron (at least 1).
        nout: Number of neurons (at least 1).
        nonlin: Apply ReLU in every neuron.
        seed: Seed for the weights.

    """

    __slots__ = ("_neurons",)

    _neurons: tuple[Neuron, ...]

    def __init__(self, nin: int, nout: int, nonlin: bool = True, seed: int | None = None) -> None:
        _check_size("nin", nin)
        _check_size("nout", nout)
        rng = random.Random(_check_seed(seed))
        _set(self, "_neurons", Layer._random(nin, nout, nonlin, rng)._neurons)

    @classmethod
    def _make(cls, neurons: Sequence[Neuron]) -> Layer:
        layer: Layer = object.__new__(cls)
        _set(layer, "_neurons", tuple(neurons))
        return layer

    @classmethod
    def _random(cls, nin: int, nout: int, nonlin: bool, rng: random.Random) -> Layer:
        return cls._make([Neuron._random(nin, nonlin, rng) for _ in range(nout)])

    @property
    def neurons(self) -> tuple[Neuron, ...]:
        """The layer's neurons."""
        return self._neurons

    @property
    def nin(self) -> int:
        """Inputs per neuron."""
        return self._neurons[0].nin

    @property
    def nout(self) -> int:
        """Number of neurons, i.e. outputs."""
        return len(self._neurons)

    @property
    def nonlin(self) -> bool:
        """Whether the neurons apply ReLU."""
        return self._neurons[0].nonlin

    def _forward(self, x: tuple[Value, ...]) -> tuple[Value, ...]:
        x_data_and_one = (*[v._data for v in x], 1.0)
        return tuple([n._forward(x, x_data_and_one) for n in self._neurons])

    def __call__(self, x: Sequence[Value | Number]) -> Value | list[Value]:
        """The layer's outputs: a single ``Value`` if ``nout == 1``, else a list.

        Raises:
            ValueError: If ``len(x)`` is not :attr:`nin`.

        """
        out = self._forward(_input_nodes(x, self.nin))
        return out[0] if len(out) == 1 else list(out)

    def parameters(self) -> list[Value]:
        """Every neuron's parameters, neuron by neuron."""
        return [p for n in self._neurons for p in n.parameters()]

    def _rebuild(self, values: Iterator[float]) -> Layer:
        return Layer._make([n._rebuild(values) for n in self._neurons])

    def __repr__(self) -> str:
        kind = "ReLU" if self.nonlin else "linear"
        return f"Layer({self.nin} → {self.nout} {kind})"


class MLP(Module):
    """A multi-layer perceptron: ReLU hidden layers and a linear output layer.

    Args:
        nin: Number of inputs (at least 1).
        nouts: Width of each layer, the last one being the output layer; e.g.
            ``[16, 16, 1]`` is two hidden layers of 16 and one output.
        seed: Seed for the weights; the same seed gives the same model. With
            ``random.seed(seed)``, micrograd's ``MLP`` draws the same weights.

    Raises:
        ValueError: If ``nin < 1``, ``nouts`` is empty or a width is below 1.

    Example:
        >>> model = MLP(2, [16, 16, 1], seed=1337)
        >>> model
        MLP(2 → 16 ReLU → 16 ReLU → 1 linear, 337 parameters)

    """

    __slots__ = ("_layers",)

    _layers: tuple[Layer, ...]

    def __init__(self, nin: int, nouts: Sequence[int], seed: int | None = None) -> None:
        _check_size("nin", nin)
        if isinstance(nouts, str | bytes) or not isinstance(nouts, Sequence):
            raise TypeError(f"nouts must be a sequence of layer widths, got {type(nouts).__name__}")
        if len(nouts) == 0:
            raise ValueError("nouts must name at least one layer width, e.g. [16, 16, 1]")
        for i, width in enumerate(nouts):
            _check_size(f"nouts[{i}] (the width of layer {i})", width)
        rng = random.Random(_check_seed(seed))
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        _set(
            self,
            "_layers",
            tuple(Layer._random(sizes[i], sizes[i + 1], i != last, rng) for i in range(len(nouts))),
        )

    @classmethod
    def _make(cls, layers: Sequence[Layer]) -> MLP:
        mlp: MLP = object.__new__(cls)
        _set(mlp, "_layers", tuple(layers))
        return mlp

    @property
    def layers(self) -> tuple[Layer, ...]:
        """The layers, input side first."""
        return self._layers

    @property
    def nin(self) -> int:
        """Number of inputs."""
        return self._layers[0].nin

    @property
    def nouts(self) -> list[int]:
        """The width of each layer."""
        return [layer.nout for layer in self._layers]

    def __call__(self, x: Sequence[Value | Number]) -> Value | list[Value]:
        """The model's output for one input: a ``Value`` if the last layer has one neuron.

        Raises:
            ValueError: If ``len(x)`` is not :attr:`nin`.

        """
        out = _input_nodes(x, self.nin)
        for layer in self._layers:
            out = layer._forward(out)
        return out[0] if len(out) == 1 else list(out)

    def parameters(self) -> list[Value]:
        """Every parameter: layer by layer, neuron by neuron, weights then bias."""
        return [p for layer in self._layers for p in layer.parameters()]

    def _rebuild(self, values: Iterator[float]) -> MLP:
        return MLP._make([layer._rebuild(values) for layer in self._layers])

    def to_dict(self) -> dict[str, Any]:
        """The architecture and every parameter as plain JSON-serialisable data.

        :meth:`from_dict` rebuilds an identical model (floats round-trip exactly).
        """
        return {
            "format": "micrograd.MLP",
            "version": 1,
            "nin": self.nin,
            "nouts": self.nouts,
            "parameters": [p.data for p in self.parameters()],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MLP:
        """Rebuild a model from :meth:`to_dict` output.

        Raises:
            ValueError: If ``data`` is not in the :meth:`to_dict` format or the
                parameter list does not fit the architecture.

        """
        if not isinstance(data, Mapping) or data.get("format") != "micrograd.MLP":
            raise ValueError("expected a mapping made by MLP.to_dict() (format 'micrograd.MLP')")
        if data.get("version") != 1:
            raise ValueError(f"unsupported MLP format version {data.get('version')!r}; expected 1")
        missing = {"nin", "nouts", "parameters"} - set(data)
        if missing:
            raise ValueError(f"MLP data is missing {sorted(missing)}")
        model = cls(data["nin"], data["nouts"], seed=0)
        return model.with_parameters(data["parameters"])

    def __repr__(self) -> str:
        parts = [str(self.nin)]
        for layer in self._layers:
            parts.append(f"{layer.nout} {'ReLU' if layer.nonlin else 'linear'}")
        return f"MLP({' → '.join(parts)}, {self.parameter_count()} parameters)"


class Unfused(Module):
    """The same model, evaluated with one graph node per scalar ``*`` and ``+``.

    Python micrograd builds a neuron's ``w · x + b`` from ``nin`` multiplications
    and ``nin`` additions; this library normally builds one fused node instead.
    ``Unfused(model)`` computes the same numbers the micrograd way, so the two
    graphs can be compared (the book's design notes measure both). It shares the
    wrapped model's parameter nodes and trains like any other model.

    Args:
        model: The MLP to evaluate node by node.

    """

    __slots__ = ("_model",)

    _model: MLP

    def __init__(self, model: MLP) -> None:
        if not isinstance(model, MLP):
            raise TypeError(f"Unfused wraps an MLP, got {type(model).__name__}")
        _set(self, "_model", model)

    @property
    def model(self) -> MLP:
        """The wrapped model."""
        return self._model

    def __call__(self, x: Sequence[Value | Number]) -> Value | list[Value]:
        """The wrapped model's output, built from one node per scalar operation."""
        out: list[Value] = list(_input_nodes(x, self._model.nin))
        for layer in self._model.layers:
            acts = []
            for neuron in layer.neurons:
                act = neuron.bias
                for w, xi in zip(neuron.weights, out, strict=True):
                    act = act + w * xi
                acts.append(act.relu() if neuron.nonlin else act)
            out = acts
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        """The wrapped model's parameters (the same nodes)."""
        return self._model.parameters()

    def _rebuild(self, values: Iterator[float]) -> Unfused:
        return Unfused(self._model._rebuild(values))

    def __repr__(self) -> str:
        return f"Unfused({self._model!r})"
