"""A tiny multi-layer perceptron built from :class:`~micrograd.engine.Value` nodes.

Models are immutable. Training never edits a parameter in place:
:meth:`Module.apply_gradients` and :meth:`Module.with_parameters` return a new
model and leave the old one as it was.

Parameters are drawn the way micrograd draws them: every weight from
``uniform(-1, 1)`` (layer by layer, neuron by neuron), every bias ``0``; but from
a private generator (:func:`micrograd.seeding.make_rng`: ``random.Random(seed)``
for seeds >= 0), never the global one.

A model holds at most :data:`MAX_PARAMETERS` parameters; larger sizes are
refused before anything is allocated. Models pickle and copy from their
parameter floats (never from a graph of ``Value`` nodes).

A subclass keeps its class through :meth:`Module.with_parameters`,
:meth:`Module.apply_gradients`, training and :meth:`MLP.from_dict`: the new
model is built like an unpickled one, from the parameters, without calling the
subclass's ``__init__`` (state a subclass adds beyond the parameters is not
carried over).
"""

from __future__ import annotations

import math
import random
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NoReturn, Self

from micrograd._checks import check_instance, check_int, check_real, check_sequence, fail
from micrograd.engine import Gradients, NeuronSpec, Number, Value, _neuron_outputs, lift
from micrograd.seeding import make_rng

__all__ = ["MAX_PARAMETERS", "MLP", "Layer", "Module", "Neuron", "Unfused", "dead_relus"]

MAX_PARAMETERS = 1_000_000
"""The most parameters a model may have; a pure-Python model this size already
takes seconds per forward pass, and a larger request is almost always a typo."""


def _check_size(name: str, value: object) -> int:
    return check_int(name, value, minimum=1)


def _check_nonlin(nonlin: object) -> bool:
    return check_instance("nonlin", nonlin, bool, "True or False")


def _check_parameter_count(nin: int, nouts: Sequence[int]) -> int:
    """The parameter count of layers ``nouts`` on ``nin`` inputs, if within the ceiling.

    Computed from the sizes alone, before anything is allocated.

    Raises:
        ValueError: If the count exceeds :data:`MAX_PARAMETERS`.

    """
    count = 0
    for width in nouts:
        count += width * (nin + 1)
        nin = width
        if count > MAX_PARAMETERS:
            break
    if count > MAX_PARAMETERS:
        raise ValueError(
            f"this model would have more than MAX_PARAMETERS={MAX_PARAMETERS:,} parameters; "
            "micrograd.nn refuses models that large"
        )
    return count


def _finite_floats(values: Sequence[object]) -> list[float]:
    """``values`` as floats, or a ``TypeError``/``ValueError`` naming the first bad entry."""
    return [check_real(f"parameter {i}", value) for i, value in enumerate(values)]


def _input_nodes(x: Sequence[Value | Number], expected: int) -> tuple[Value, ...]:
    if len(check_sequence("the input", x, "a sequence of numbers")) != expected:
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
            ValueError: If ``values`` does not hold exactly :meth:`parameter_count`
                numbers, or one is NaN or infinite.
            TypeError: If ``values`` is not a sequence or an entry is not an int or a float.

        """
        check_sequence("values", values, "a sequence of numbers")
        needed = self.parameter_count()
        if len(values) != needed:
            raise ValueError(
                f"this model needs exactly {needed} parameter values, got {len(values)}"
            )
        return self._rebuild(iter(_finite_floats(values)))

    def apply_gradients(self, grads: Gradients, learning_rate: Number) -> Self:
        """One step of gradient descent, returned as a new model.

        Each parameter ``p`` becomes ``p - learning_rate * grads.get(p, 0.0)``; a
        parameter the loss does not depend on keeps its value. ``self`` is unchanged.

        Raises:
            TypeError: If ``grads`` is not a :class:`~micrograd.engine.Gradients`
                or ``learning_rate`` is not a number.
            ValueError: If ``learning_rate`` is NaN or infinite, or the step would
                make a parameter NaN or infinite (the gradient is not finite or too
                large); :func:`~micrograd.trainer.train` reports that as divergence.

        """
        check_instance("grads", grads, Gradients, "the Gradients from backward()")
        lr = check_real("learning_rate", learning_rate)
        values = self._descended(grads, lr)
        for i, value in enumerate(values):
            if not math.isfinite(value):
                raise ValueError(
                    f"this step makes parameter {i} {value!r} (its gradient is "
                    f"{grads.get(self.parameters()[i], 0.0)!r}); use a smaller learning rate"
                )
        return self._rebuild(iter(values))

    def _descended(self, grads: Gradients, learning_rate: float) -> list[float]:
        """The parameter values after one unchecked gradient-descent step."""
        get = grads.get
        return [p.data - learning_rate * get(p, 0.0) for p in self.parameters()]

    def _descend(self, grads: Gradients, learning_rate: float) -> Self:
        """:meth:`apply_gradients` without checks, for the training loop.

        Non-finite parameters are let through: the loop's next step reports them
        as divergence, with the run attached.
        """
        return self._rebuild(iter(self._descended(grads, learning_rate)))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(
            f"{type(self).__name__} is immutable: cannot set {name!r}; "
            "use with_parameters() or apply_gradients() to get a new model"
        )

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot delete {name!r}")

    @property
    def zero_grad(self) -> NoReturn:
        """Not needed, since each ``backward()`` returns fresh gradients; reading it raises.

        micrograd's habit gets a pointer instead of a bare ``AttributeError``. A
        property, not a ``__getattr__`` fallback, which would slow every
        attribute read of every model.
        """
        raise AttributeError(
            f"{type(self).__name__} has no zero_grad(), and needs none: gradients are returned "
            "fresh by each backward() (grads = loss.backward()), nothing accumulates on the "
            "model; step with model.apply_gradients(grads, learning_rate)",
            name="zero_grad",
            obj=self,
        )


_set = object.__setattr__


def _leaves(nin: int, values: Iterator[float]) -> tuple[tuple[Value, ...], Value]:
    """A neuron's ``nin`` weights and its bias as new leaves, taken in order from ``values``."""
    weights = tuple([Value(next(values)) for _ in range(nin)])
    return weights, Value(next(values))


def _random_neuron(
    nin: int, nonlin: bool, rng: random.Random
) -> tuple[tuple[Value, ...], Value, bool]:
    """Weights from ``uniform(-1, 1)`` (in micrograd's order) and a zero bias."""
    return (tuple([Value(rng.uniform(-1.0, 1.0)) for _ in range(nin)]), Value(0.0), nonlin)


class Neuron(Module):
    """One unit: ``relu(w · x + b)``, or ``w · x + b`` when ``nonlin`` is false.

    Args:
        nin: Number of inputs (at least 1).
        nonlin: Apply ReLU to the weighted sum (``True`` or ``False``).
        seed: Seed for the weights; the same seed gives the same neuron.

    The weighted sum is one fused ``"linear"`` node with an edge per weight, per
    input and for the bias.

    Raises:
        TypeError: If ``nin`` or ``seed`` is not an int or ``nonlin`` not a bool.
        ValueError: If ``nin < 1`` or the neuron would exceed :data:`MAX_PARAMETERS`.

    """

    __slots__ = ("_b", "_nonlin", "_spec", "_w")

    _w: tuple[Value, ...]
    _b: Value
    _spec: NeuronSpec  # the weights then the bias, their floats, ReLU: what the forward pass takes
    _nonlin: bool

    def __init__(self, nin: int, nonlin: bool = True, seed: int | None = None) -> None:
        _check_parameter_count(_check_size("nin", nin), [1])
        self._fill(_random_neuron(nin, _check_nonlin(nonlin), make_rng(seed)))

    @classmethod
    def _from_nodes(cls, weights: tuple[Value, ...], bias: Value, nonlin: bool) -> Self:
        """The one private constructor: a neuron around these parameter nodes, unchecked."""
        neuron = object.__new__(cls)
        neuron._fill((weights, bias, nonlin))
        return neuron

    def _fill(self, parts: tuple[tuple[Value, ...], Value, bool]) -> None:
        weights, bias, nonlin = parts
        _set(self, "_w", weights)
        _set(self, "_b", bias)
        _set(self, "_nonlin", nonlin)
        _set(self, "_spec", ((*weights, bias), tuple([w._data for w in weights]), nonlin))

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

    def __call__(self, x: Sequence[Value | Number]) -> Value:
        r"""The neuron's output for one input vector ``x`` (numbers or ``Value``\\ s).

        Raises:
            ValueError: If ``len(x)`` is not :attr:`nin`.

        """
        nodes = _input_nodes(x, self.nin)
        return _neuron_outputs((self._spec,), nodes, (*[v.data for v in nodes], 1.0))[0]

    def parameters(self) -> list[Value]:
        """The weights, then the bias."""
        return [*self._w, self._b]

    def _rebuild(self, values: Iterator[float]) -> Self:
        return type(self)._from_nodes(*_leaves(len(self._w), values), self._nonlin)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle and copy support: rebuilt around the parameter nodes themselves.

        Pickled (or deep-copied) together with a loss graph or its ``Gradients``,
        the copy's parameters are the copied graph's nodes, so
        ``apply_gradients`` still finds their gradients.
        """
        return (type(self)._from_nodes, (self._w, self._b, self._nonlin))

    def __repr__(self) -> str:
        kind = "ReLU" if self._nonlin else "linear"
        return f"Neuron({self.nin} inputs, {kind})"


class _Stack(Module):
    """What :class:`Layer` and :class:`MLP` share: an immutable tuple of parts.

    A layer's parts are its neurons, an MLP's its layers; the parameters are
    the parts' parameters in order, and a rebuilt or unpickled stack is made
    from rebuilt parts (that is, from floats).
    """

    __slots__ = ("_parts",)

    _parts: tuple[Any, ...]

    @classmethod
    def _make(cls, parts: Sequence[Any]) -> Self:
        """A stack of ``parts``, unchecked (rebuilding, unpickling and copying)."""
        stack = object.__new__(cls)
        _set(stack, "_parts", tuple(parts))
        return stack

    @property
    def nin(self) -> int:
        """Number of inputs."""
        nin: int = self._parts[0].nin
        return nin

    def parameters(self) -> list[Value]:
        """Every parameter: part by part (layer by layer, neuron by neuron), weights then bias."""
        return [p for part in self._parts for p in part.parameters()]

    def _rebuild(self, values: Iterator[float]) -> Self:
        return type(self)._make([part._rebuild(values) for part in self._parts])

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle and copy support: rebuilt from the parts (that is, from floats)."""
        return (type(self)._make, (self._parts,))


class Layer(_Stack):
    """``nout`` neurons that all read the same ``nin`` inputs.

    Args:
        nin: Inputs per neuron (at least 1).
        nout: Number of neurons (at least 1).
        nonlin: Apply ReLU in every neuron (``True`` or ``False``).
        seed: Seed for the weights.

    Raises:
        TypeError: If a size or ``seed`` is not an int or ``nonlin`` not a bool.
        ValueError: If a size is below 1 or the layer would exceed :data:`MAX_PARAMETERS`.

    """

    __slots__ = ()

    _parts: tuple[Neuron, ...]

    def __init__(self, nin: int, nout: int, nonlin: bool = True, seed: int | None = None) -> None:
        _check_parameter_count(_check_size("nin", nin), [_check_size("nout", nout)])
        _set(self, "_parts", _random_layer(nin, nout, _check_nonlin(nonlin), make_rng(seed)))

    @property
    def neurons(self) -> tuple[Neuron, ...]:
        """The layer's neurons."""
        return self._parts

    @property
    def nout(self) -> int:
        """Number of neurons, i.e. outputs."""
        return len(self._parts)

    @property
    def nonlin(self) -> bool:
        """Whether the neurons apply ReLU."""
        return self._parts[0].nonlin

    def _forward(self, x: tuple[Value, ...]) -> tuple[Value, ...]:
        x_data_and_one = (*[v._data for v in x], 1.0)
        return _neuron_outputs([n._spec for n in self._parts], x, x_data_and_one)

    def __call__(self, x: Sequence[Value | Number]) -> Value | list[Value]:
        """The layer's outputs: a single ``Value`` if ``nout == 1``, else a list.

        Raises:
            ValueError: If ``len(x)`` is not :attr:`nin`.

        """
        out = self._forward(_input_nodes(x, self.nin))
        return out[0] if len(out) == 1 else list(out)

    def __repr__(self) -> str:
        kind = "ReLU" if self.nonlin else "linear"
        return f"Layer({self.nin} → {self.nout} {kind})"


def _random_layer(nin: int, nout: int, nonlin: bool, rng: random.Random) -> tuple[Neuron, ...]:
    return tuple([Neuron._from_nodes(*_random_neuron(nin, nonlin, rng)) for _ in range(nout)])


def _check_architecture(nin: object, nouts: object) -> tuple[list[int], int]:
    """The layer widths and parameter count of an ``MLP(nin, nouts)``, from the sizes alone."""
    _check_size("nin", nin)
    nouts = check_sequence("nouts", nouts, "a sequence of layer widths")
    try:
        len(nouts)
    except OverflowError:  # range(10**19): more layers than an index can count
        fail("nouts", f"at most MAX_PARAMETERS={MAX_PARAMETERS:,} layer widths", nouts)
    if len(nouts) == 0:
        raise ValueError("nouts must name at least one layer width, e.g. [16, 16, 1]")
    if len(nouts) > MAX_PARAMETERS:
        raise ValueError(f"nouts has {len(nouts):,} layers; MAX_PARAMETERS={MAX_PARAMETERS:,}")
    widths = [_check_size(f"nouts[{i}] (the width of layer {i})", w) for i, w in enumerate(nouts)]
    return widths, _check_parameter_count(nin, widths)  # type: ignore[arg-type]


def _layers_from(nin: int, widths: Sequence[int], values: Iterator[float]) -> list[Layer]:
    """The layers of an MLP, taking every parameter, in order, from ``values``."""
    layers = []
    for i, width in enumerate(widths):
        nonlin = i != len(widths) - 1
        layers.append(
            Layer._make([Neuron._from_nodes(*_leaves(nin, values), nonlin) for _ in range(width)])
        )
        nin = width
    return layers


def _check_payload(data: object) -> tuple[int, list[int], list[float]]:
    """``nin``, the widths and the parameter floats of a :meth:`MLP.to_dict` payload."""
    if not isinstance(data, Mapping) or data.get("format") != "micrograd.MLP":
        raise ValueError("expected a mapping made by MLP.to_dict() (format 'micrograd.MLP')")
    version = data.get("version")
    if type(version) is not int or version != 1:
        raise ValueError(f"unsupported MLP format version {version!r}; expected 1")
    missing = {"nin", "nouts", "parameters"} - set(data)
    if missing:
        raise ValueError(f"MLP data is missing {sorted(missing)}")
    nin, parameters = data["nin"], data["parameters"]
    widths, needed = _check_architecture(nin, data["nouts"])
    check_sequence("parameters", parameters, "a list of numbers")
    if len(parameters) != needed:
        raise ValueError(
            f"this architecture needs exactly {needed} parameter values, got {len(parameters)}"
        )
    return nin, widths, _finite_floats(parameters)


class MLP(_Stack):
    """A multi-layer perceptron: ReLU hidden layers and a linear output layer.

    Args:
        nin: Number of inputs (at least 1).
        nouts: Width of each layer, the last one being the output layer; e.g.
            ``[16, 16, 1]`` is two hidden layers of 16 and one output.
        seed: Seed for the weights; the same seed gives the same model. With
            ``random.seed(seed)``, micrograd's ``MLP`` draws the same weights.

    Raises:
        TypeError: If ``nin``, a width or ``seed`` is not an int.
        ValueError: If ``nin < 1``, ``nouts`` is empty, a width is below 1 or
            the model would exceed :data:`MAX_PARAMETERS` (checked from the sizes,
            before anything is allocated).

    Examples:
        >>> from micrograd.nn import MLP
        >>> model = MLP(2, [16, 16, 1], seed=1337)
        >>> model
        MLP(2 → 16 ReLU → 16 ReLU → 1 linear, 337 parameters)
        >>> score = model([0.5, -1.0])  # one output: a Value
        >>> score.data == MLP(2, [16, 16, 1], seed=1337)([0.5, -1.0]).data  # seeded
        True

    """

    __slots__ = ()

    _parts: tuple[Layer, ...]

    def __init__(self, nin: int, nouts: Sequence[int], seed: int | None = None) -> None:
        widths, _ = _check_architecture(nin, nouts)
        rng = make_rng(seed)
        sizes = [nin, *widths]
        last = len(widths) - 1
        layers = [
            Layer._make(_random_layer(sizes[i], sizes[i + 1], i != last, rng))
            for i in range(len(widths))
        ]
        _set(self, "_parts", tuple(layers))

    @property
    def layers(self) -> tuple[Layer, ...]:
        """The layers, input side first."""
        return self._parts

    @property
    def nouts(self) -> list[int]:
        """The width of each layer."""
        return [layer.nout for layer in self._parts]

    def __call__(self, x: Sequence[Value | Number]) -> Value | list[Value]:
        """The model's output for one input: a ``Value`` if the last layer has one neuron.

        Raises:
            ValueError: If ``len(x)`` is not :attr:`nin`.

        """
        out = _input_nodes(x, self.nin)
        for layer in self._parts:
            out = layer._forward(out)
        return out[0] if len(out) == 1 else list(out)

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
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Rebuild a model from :meth:`to_dict` output (for example, read from JSON).

        The whole payload is checked before anything is allocated: the format
        and version, the sizes (within :data:`MAX_PARAMETERS`), and one finite
        number per parameter.

        Raises:
            ValueError: If ``data`` is malformed in any way: not in the
                :meth:`to_dict` format, a size of the wrong type or out of range,
                or a parameter list that is not a list of finite numbers
                fitting the architecture.

        """
        try:
            nin, widths, floats = _check_payload(data)
        except (TypeError, ValueError) as error:
            raise ValueError(f"not a valid MLP.to_dict() payload: {error}") from None
        return cls._make(_layers_from(nin, widths, iter(floats)))

    def __repr__(self) -> str:
        parts = [str(self.nin)]
        for layer in self._parts:
            parts.append(f"{layer.nout} {'ReLU' if layer.nonlin else 'linear'}")
        return f"MLP({' → '.join(parts)}, {self.parameter_count()} parameters)"


def _unfused_neuron(neuron: Neuron, x: Sequence[Value]) -> Value:
    """One neuron the micrograd way: ``bias + w0 * x0 + w1 * x1 + ...``, then ReLU."""
    act = neuron.bias
    for w, xi in zip(neuron.weights, x, strict=True):
        act = act + w * xi
    return act.relu() if neuron.nonlin else act


def _layers_of(model: Neuron | Layer | MLP) -> tuple[Layer, ...]:
    """``model`` seen as a stack of layers (a neuron is a layer of one)."""
    if isinstance(model, MLP):
        return model.layers
    if isinstance(model, Layer):
        return (model,)
    return (Layer._make([model]),)


class Unfused(Module):
    """The same model, evaluated with one graph node per scalar ``*`` and ``+``.

    Python micrograd builds a neuron's ``w · x + b`` from ``nin`` multiplications
    and ``nin`` additions; this library normally builds one fused node instead.
    ``Unfused(model)`` computes the same numbers the micrograd way, so the two
    graphs can be compared (the book's design notes measure both). It shares the
    wrapped model's parameter nodes, gives the same values and gradients, and
    trains like any other model.

    Args:
        model: The :class:`Neuron`, :class:`Layer` or :class:`MLP` to evaluate
            node by node. The output has the wrapped model's shape: a ``Value``
            for a neuron or a one-unit last layer, else a list.

    Raises:
        TypeError: If ``model`` is not a ``Neuron``, ``Layer`` or ``MLP``.

    """

    __slots__ = ("_model",)

    _model: Neuron | Layer | MLP

    def __init__(self, model: Neuron | Layer | MLP) -> None:
        if not isinstance(model, Neuron | Layer | MLP):
            fail("the model Unfused wraps", "a Neuron, a Layer or an MLP", model, TypeError)
        _set(self, "_model", model)

    @property
    def model(self) -> Neuron | Layer | MLP:
        """The wrapped model."""
        return self._model

    def __call__(self, x: Sequence[Value | Number]) -> Value | list[Value]:
        """The wrapped model's output, built from one node per scalar operation."""
        out: list[Value] = list(_input_nodes(x, self._model.nin))
        for layer in _layers_of(self._model):
            out = [_unfused_neuron(neuron, out) for neuron in layer.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        """The wrapped model's parameters (the same nodes)."""
        return self._model.parameters()

    def _rebuild(self, values: Iterator[float]) -> Self:
        return type(self)(self._model._rebuild(values))

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle and copy support: rebuilt around a copy of the wrapped model."""
        return (type(self), (self._model,))

    def __repr__(self) -> str:
        return f"Unfused({self._model!r})"


def dead_relus(model: MLP, xs: Iterable[Sequence[Number]]) -> list[int]:
    """How many ReLU units of each hidden layer output 0 for every point in ``xs``.

    A "dead" unit passes no gradient back for any of these points, so the data
    give its weights and bias no gradient (only L2 regularization moves them,
    towards zero). In the first hidden layer that lasts: its inputs are the
    points themselves, so while training on them it stays dead. A unit of a
    later layer can come back to life, because its inputs are the outputs of
    the layers below, which keep training. The output layer is linear and is
    not counted.

    Args:
        model: The model to inspect.
        xs: The input points, e.g. ``dataset.xs``.

    Returns:
        One count per hidden layer, input side first (empty for a one-layer MLP).

    Raises:
        TypeError: If ``model`` is not an :class:`MLP`.
        ValueError: If ``xs`` is empty or a point has the wrong length.

    """
    check_instance("model", model, MLP, "an MLP")
    hidden = model.layers[:-1]
    alive = [[False] * layer.nout for layer in hidden]
    seen = 0
    for x in xs:
        seen += 1
        out = _input_nodes(x, model.nin)
        for layer, flags in zip(hidden, alive, strict=False):
            out = layer._forward(out)
            for j, unit in enumerate(out):
                flags[j] = flags[j] or unit.data != 0.0
    if seen == 0:
        raise ValueError("dead_relus needs at least one input point")
    return [flags.count(False) for flags in alive]
