from __future__ import annotations

import copy
import json
import math
import random
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from micrograd import Value
from micrograd.engine import topological_order
from micrograd.nn import MAX_PARAMETERS, MLP, Layer, Module, Neuron, Unfused, dead_relus
from tests.helpers import CLONERS, Tagged, pickled


def test_official_model_has_337_parameters() -> None:
    model = MLP(2, [16, 16, 1], seed=1337)
    assert model.parameter_count() == 337
    assert [layer.parameter_count() for layer in model.layers] == [48, 272, 17]
    assert repr(model) == "MLP(2 → 16 ReLU → 16 ReLU → 1 linear, 337 parameters)"


def test_weights_match_micrograds_draw_order_and_biases_are_zero() -> None:
    model = MLP(2, [3, 1], seed=7)
    rng = random.Random(7)
    expected = []
    for nin, nout in ((2, 3), (3, 1)):
        for _ in range(nout):
            expected += [rng.uniform(-1, 1) for _ in range(nin)] + [0.0]
    assert [p.data for p in model.parameters()] == expected
    assert all(-1 <= p.data < 1 for p in model.parameters())


def test_same_seed_same_model_and_stable_order() -> None:
    a, b = MLP(2, [4, 1], seed=3), MLP(2, [4, 1], seed=3)
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    assert a.parameters() == a.parameters()  # same nodes, same order
    c = MLP(2, [4, 1], seed=4)
    assert [p.data for p in a.parameters()] != [p.data for p in c.parameters()]


def test_hidden_layers_relu_last_linear() -> None:
    model = MLP(2, [4, 4, 1], seed=0)
    assert [layer.nonlin for layer in model.layers] == [True, True, False]
    out = model([0.5, -0.5])
    assert isinstance(out, Value)
    assert out.op == "linear"
    multi = MLP(2, [3], seed=0)([1.0, 2.0])
    assert isinstance(multi, list)
    assert len(multi) == 3


def test_neuron_and_layer_forward() -> None:
    n = Neuron(2, seed=1)
    w0, w1 = (w.data for w in n.weights)
    out = n([2.0, Value(3.0)])
    assert out.data == pytest.approx(max(0.0, 2 * w0 + 3 * w1))
    linear = Neuron(2, nonlin=False, seed=1)
    assert linear([2.0, 3.0]).data == pytest.approx(2 * w0 + 3 * w1)
    layer = Layer(2, 3, seed=1)
    assert len(layer([1.0, 1.0])) == 3  # type: ignore[arg-type]
    assert Layer(2, 1, seed=1)([1.0, 1.0]).op == "relu"  # type: ignore[union-attr]
    assert repr(layer) == "Layer(2 → 3 ReLU)"
    assert repr(n) == "Neuron(2 inputs, ReLU)"


def test_wrong_input_length_names_both_lengths() -> None:
    with pytest.raises(ValueError, match="expected an input of length 2, got length 3"):
        MLP(2, [1], seed=0)([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="length 2, got length 1"):
        Neuron(2)([1.0])
    with pytest.raises(TypeError, match="sequence of numbers"):
        MLP(2, [1])("ab")
    with pytest.raises(
        TypeError, match=r"data must be a real number \(int or float\), got str 'a'"
    ):
        MLP(2, [1])(["a", 1.0])


@pytest.mark.parametrize(
    ("factory", "error", "message"),
    [
        (lambda: MLP(0, [1]), ValueError, "nin must be an int at least 1, got 0"),
        (lambda: MLP(2, []), ValueError, "at least one layer width"),
        (lambda: MLP(2, [16, 0, 1]), ValueError, r"nouts\[1\].*at least 1"),
        (lambda: MLP(2, 16), TypeError, "sequence of layer widths"),
        (lambda: MLP(2, [1.5]), TypeError, "must be an int"),
        (lambda: Layer(2, 0), ValueError, "nout must be an int at least 1, got 0"),
        (lambda: Neuron(0), ValueError, "nin must be an int at least 1, got 0"),
        (lambda: Neuron(True), TypeError, "nin must be an int"),
        (lambda: MLP(2, [1], seed="x"), TypeError, "seed must be an int"),
    ],
)
def test_invalid_sizes(factory: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        factory()  # type: ignore[operator]


def test_apply_gradients_returns_a_new_model() -> None:
    model = MLP(2, [3, 1], seed=5)
    before = [p.data for p in model.parameters()]
    out = model([1.0, -1.0])
    assert isinstance(out, Value)
    grads = (out * out).backward()
    new = model.apply_gradients(grads, 0.1)
    assert [p.data for p in model.parameters()] == before
    expected = [p.data - 0.1 * grads.get(p, 0.0) for p in model.parameters()]
    assert [p.data for p in new.parameters()] == expected
    assert new is not model
    assert type(new) is MLP
    with pytest.raises(TypeError, match="Gradients from backward"):
        model.apply_gradients({}, 0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="learning_rate"):
        model.apply_gradients(grads, "fast")  # type: ignore[arg-type]


def test_with_parameters() -> None:
    model = MLP(2, [2, 1], seed=0)
    values = [float(i) for i in range(model.parameter_count())]
    new = model.with_parameters(values)
    assert [p.data for p in new.parameters()] == values
    assert new.nouts == model.nouts
    with pytest.raises(ValueError, match="needs exactly 9 parameter values, got 2"):
        model.with_parameters([1.0, 2.0])
    with pytest.raises(TypeError):
        model.with_parameters(["a"] * 9)  # type: ignore[list-item]
    n = Neuron(3, nonlin=False, seed=0).with_parameters([1.0, 2.0, 3.0, 4.0])
    assert n([1.0, 1.0, 1.0]).data == 10.0


def test_models_are_immutable() -> None:
    model = MLP(2, [2, 1], seed=0)
    with pytest.raises(AttributeError, match="immutable"):
        model.layers = ()  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        model.extra = 1  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        model.layers[0].neurons[0].bias.data = 5.0  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        del model.layers[0]._neurons


def test_dict_round_trip_is_exact_and_json_safe() -> None:
    model = MLP(2, [16, 16, 1], seed=1337)
    data = json.loads(json.dumps(model.to_dict()))
    again = MLP.from_dict(data)
    assert [p.data for p in again.parameters()] == [p.data for p in model.parameters()]
    assert repr(again) == repr(model)
    assert again([0.3, -0.2]).data == model([0.3, -0.2]).data  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"format": "other"}, "made by MLP.to_dict"),
        ({"format": "micrograd.MLP", "version": 2}, "unsupported MLP format version 2"),
        ({"format": "micrograd.MLP", "version": 1, "nin": 2}, "missing"),
        (
            {"format": "micrograd.MLP", "version": 1, "nin": 2, "nouts": [1], "parameters": [1.0]},
            "needs exactly 3",
        ),
    ],
)
def test_from_dict_rejects_bad_data(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MLP.from_dict(data)


def test_unfused_computes_the_same_numbers_with_more_nodes() -> None:
    model = MLP(2, [4, 4, 1], seed=9)
    unfused = Unfused(model)
    fused_out, unfused_out = model([0.3, -0.7]), unfused([0.3, -0.7])
    assert isinstance(fused_out, Value)
    assert isinstance(unfused_out, Value)
    assert unfused_out.data == pytest.approx(fused_out.data, rel=1e-12)
    fused_grads, unfused_grads = fused_out.backward(), unfused_out.backward()
    for p in model.parameters():
        assert unfused_grads.get(p, 0.0) == pytest.approx(fused_grads.get(p, 0.0), rel=1e-12)
    assert len(topological_order(unfused_out)) > len(topological_order(fused_out))
    assert unfused.parameters() == model.parameters()
    stepped = unfused.apply_gradients(unfused_grads, 0.1)
    assert isinstance(stepped, Unfused)
    assert [p.data for p in stepped.model.parameters()] == [
        p.data for p in model.apply_gradients(fused_grads, 0.1).parameters()
    ]
    assert repr(unfused).startswith("Unfused(MLP(2 → 4 ReLU")
    assert len(Unfused(MLP(2, [3], seed=0))([1.0, 2.0])) == 3  # type: ignore[arg-type]
    with pytest.raises(
        TypeError,
        match="the model Unfused wraps must be a Neuron, a Layer or an MLP, got str 'model'",
    ):
        Unfused("model")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "model",
    [Neuron(3, seed=1), Neuron(3, nonlin=False, seed=2), Layer(3, 4, seed=3), Layer(3, 1, seed=4)],
    ids=repr,
)
def test_unfused_wraps_neurons_and_layers(model: Neuron | Layer) -> None:
    x = [0.5, -1.5, 2.0]
    fused, unfused = model(x), Unfused(model)(x)
    fused_list = fused if isinstance(fused, list) else [fused]
    unfused_list = unfused if isinstance(unfused, list) else [unfused]
    assert type(fused) is type(unfused)
    assert [v.data for v in unfused_list] == pytest.approx([v.data for v in fused_list])
    fused_grads = Value.sum(fused_list).backward()
    unfused_grads = Value.sum(unfused_list).backward()
    for p in model.parameters():
        assert unfused_grads.get(p, 0.0) == pytest.approx(fused_grads.get(p, 0.0))
    assert isinstance(Unfused(model).apply_gradients(unfused_grads, 0.1).model, type(model))


def test_dead_relus_counts_units_silent_on_every_point() -> None:
    model = MLP(2, [3, 2, 1], seed=0)
    values = [p.data for p in model.parameters()]
    # first layer: unit 0 always off (weights 0, bias -1), units 1 and 2 pass x + 1
    values[0:9] = [0.0, 0.0, -1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0]
    model = model.with_parameters(values)
    xs = [(0.0, 0.0), (1.0, 2.0)]
    dead = dead_relus(model, xs)
    by_hand = [
        sum(all(layer_out[j] == 0.0 for layer_out in outs) for j in range(width))
        for width, outs in zip(
            [3, 2], zip(*[_hidden_outputs(model, x) for x in xs], strict=True), strict=True
        )
    ]
    assert dead == by_hand
    assert dead[0] == 1
    assert dead_relus(MLP(2, [1], seed=0), xs) == []
    with pytest.raises(ValueError, match="at least one input point"):
        dead_relus(model, [])
    with pytest.raises(
        TypeError, match=r"model must be an MLP, got Neuron Neuron\(2 inputs, ReLU\)"
    ):
        dead_relus(Neuron(2), xs)  # type: ignore[arg-type]


def _hidden_outputs(model: MLP, x: tuple[float, float]) -> list[list[float]]:
    outs: list[list[float]] = []
    current: list[float] = list(x)
    for layer in model.layers[:-1]:
        current = [n(current).data for n in layer.neurons]
        outs.append(current)
    return outs


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, 10**400])
def test_with_parameters_and_apply_gradients_reject_non_finite_numbers(bad: float) -> None:
    model = MLP(2, [1], seed=0)
    with pytest.raises(ValueError, match="parameter 1 must be a finite number"):
        model.with_parameters([0.5, bad, 0.0])
    grads = model([1.0, 1.0]).backward()  # type: ignore[union-attr]
    if isinstance(bad, float):
        with pytest.raises(ValueError, match="learning_rate must be a finite number, got"):
            model.apply_gradients(grads, bad)


def test_apply_gradients_refuses_to_make_a_parameter_infinite() -> None:
    model = MLP(1, [1], seed=0).with_parameters([1e308, 0.0])
    grads = model([-1.0]).backward()  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="this step makes parameter 0 inf"):
        model.apply_gradients(grads, 1e308)
    with pytest.raises(TypeError, match="values must be a sequence"):
        model.with_parameters(3.0)  # type: ignore[arg-type]


MODELS: dict[str, Callable[[], Module]] = {
    "relu neuron": lambda: Neuron(3, seed=1),
    "linear neuron": lambda: Neuron(2, nonlin=False, seed=2),
    "layer": lambda: Layer(2, 3, seed=3),
    "mlp": lambda: MLP(2, [4, 4, 1], seed=4),
    "unfused mlp": lambda: Unfused(MLP(2, [3, 1], seed=5)),
    "unfused layer": lambda: Unfused(Layer(2, 2, seed=6)),
}


@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
@pytest.mark.parametrize(
    "clone",
    CLONERS.values(),
    ids=CLONERS.keys(),
)
def test_models_pickle_and_copy(
    make: Callable[[], Module], clone: Callable[[Module], Module]
) -> None:
    model = make()
    again = clone(model)
    assert type(again) is type(model)
    assert repr(again) == repr(model)
    assert [p.data for p in again.parameters()] == [p.data for p in model.parameters()]
    x = [0.25] * _nin(model)
    out, out_again = model(x), again(x)
    assert [v.data for v in _as_list(out)] == [v.data for v in _as_list(out_again)]


@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
@pytest.mark.parametrize(
    "clone",
    [pickled, copy.deepcopy],
    ids=["pickle", "deepcopy"],
)
def test_model_copied_with_its_gradients_still_finds_them(
    make: Callable[[], Module], clone: Callable[[object], object]
) -> None:
    # a checkpoint of (model, grads): the copied model's parameters must be the
    # copied gradients' keys, or apply_gradients silently takes a zero step
    model = make()
    outputs = _as_list(model([0.5] * _nin(model)))
    grads = sum([*outputs, *(p * p for p in model.parameters())], Value(0.0)).backward()
    model_again, grads_again = clone((model, grads))  # type: ignore[misc]
    stepped = model.apply_gradients(grads, 0.1)
    stepped_again = model_again.apply_gradients(grads_again, 0.1)
    assert [p.data for p in stepped_again.parameters()] == [p.data for p in stepped.parameters()]
    assert [p.data for p in stepped.parameters()] != [p.data for p in model.parameters()]


def _nin(model: Module) -> int:
    inner = model.model if isinstance(model, Unfused) else model
    return inner.nin  # type: ignore[union-attr]


def _as_list(out: Value | list[Value]) -> list[Value]:
    return out if isinstance(out, list) else [out]


@given(st.integers(0, 2**64))
def test_non_negative_seeds_still_draw_random_random_weights(seed: int) -> None:
    rng = random.Random(seed)
    expected = [rng.uniform(-1, 1) for _ in range(2)] + [0.0]
    assert [p.data for p in Neuron(2, seed=seed).parameters()] == expected


@given(st.integers(1, 2**64))
def test_negative_seeds_differ_from_positive_ones(seed: int) -> None:
    positive = [p.data for p in MLP(2, [2, 1], seed=seed).parameters()]
    negative = [p.data for p in MLP(2, [2, 1], seed=-seed).parameters()]
    assert positive != negative
    assert negative == [p.data for p in MLP(2, [2, 1], seed=-seed).parameters()]


@pytest.mark.parametrize(
    ("factory", "error", "message"),
    [
        (lambda: Neuron(2, nonlin="no"), TypeError, "nonlin must be True or False, got str"),
        (lambda: Layer(2, 2, nonlin=1), TypeError, "nonlin must be True or False, got 1"),
        (lambda: Neuron(10**400), ValueError, "MAX_PARAMETERS=1,000,000"),
        (lambda: Layer(10**6, 10**6), ValueError, "MAX_PARAMETERS=1,000,000"),
        (lambda: MLP(2, [10**12, 1]), ValueError, "MAX_PARAMETERS=1,000,000"),
        (lambda: MLP(10**12, [1]), ValueError, "MAX_PARAMETERS=1,000,000"),
    ],
)
def test_bad_flags_and_huge_sizes_are_refused_up_front(
    factory: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        factory()
    assert MAX_PARAMETERS == 1_000_000


GOOD = {"format": "micrograd.MLP", "version": 1, "nin": 1, "nouts": [1], "parameters": [0.5, 0.0]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"nin": 10**12, "nouts": [1], "parameters": []}, "MAX_PARAMETERS=1,000,000"),
        ({"nouts": [10**12]}, "MAX_PARAMETERS=1,000,000"),
        ({"nin": "2"}, "nin must be an int, got str"),
        (
            {"nouts": None},
            r"not a valid MLP\.to_dict\(\) payload: nouts must be a sequence of layer widths, got None",
        ),
        ({"nouts": ["1"]}, r"nouts\[0\] .* must be an int"),
        (
            {"parameters": None},
            r"not a valid MLP\.to_dict\(\) payload: parameters must be a list of numbers, got None",
        ),
        ({"parameters": "ab"}, "parameters must be a list of numbers, got str"),
        (
            {"parameters": ["0.5", "0"]},
            r"not a valid MLP\.to_dict\(\) payload: parameter 0 must be a real number \(int or float\), got str '0\.5'",
        ),
        (
            {"parameters": [math.nan, 0.0]},
            r"not a valid MLP\.to_dict\(\) payload: parameter 0 must be a finite number, got nan",
        ),
        ({"parameters": [0.5, 10**400]}, "parameter 1 must be a finite number"),
        ({"version": True}, "unsupported MLP format version True"),
        ({"nin": 0}, "nin must be an int at least 1, got 0"),
    ],
)
def test_from_dict_validates_the_whole_payload_first(
    change: dict[str, object], message: str
) -> None:
    assert MLP.from_dict(GOOD).to_dict() == GOOD
    with pytest.raises(ValueError, match=message):
        MLP.from_dict({**GOOD, **change})


def test_zero_grad_says_it_is_not_needed() -> None:
    model = MLP(2, [2, 1], seed=0)
    with pytest.raises(AttributeError, match="needs none: gradients are returned fresh") as caught:
        model.zero_grad()  # type: ignore[attr-defined]
    assert caught.value.name == "zero_grad"
    with pytest.raises(AttributeError, match="'Neuron' object has no attribute 'zero_grads'"):
        Neuron(2).zero_grads  # type: ignore[attr-defined]  # noqa: B018


class TaggedNeuron(Neuron):
    __slots__ = ()


def test_subclasses_keep_their_class_through_every_new_model() -> None:
    model = Tagged(2, [3, 1], seed=0)
    values = [p.data for p in model.parameters()]
    grads = model([1.0, 2.0]).backward()  # type: ignore[union-attr]
    assert type(model.with_parameters(values)) is Tagged
    assert type(model.apply_gradients(grads, 0.1)) is Tagged
    assert type(Tagged.from_dict(model.to_dict())) is Tagged
    assert type(MLP.from_dict(model.to_dict())) is MLP
    assert type(pickled(model)) is Tagged
    neuron = TaggedNeuron(2, seed=0)
    assert type(neuron.with_parameters([1.0, 2.0, 3.0])) is TaggedNeuron
    assert type(Unfused(model).with_parameters(values).model) is Tagged


def test_a_layer_count_too_large_to_measure_is_a_value_error() -> None:
    payload = {**GOOD, "nouts": range(10**19)}
    with pytest.raises(ValueError, match="nouts must be at most MAX_PARAMETERS=1,000,000 layer"):
        MLP.from_dict(payload)
    with pytest.raises(ValueError, match="nouts must be at most MAX_PARAMETERS"):
        MLP(2, range(10**19))


@pytest.mark.parametrize("x", [2.0, 0.0, -0.0, -3.0, math.inf, -math.inf, math.nan])
def test_a_neurons_relu_node_is_value_relu(x: float) -> None:
    """The forward pass builds its ReLU nodes inline; they must be Value.relu's."""
    neuron = Neuron(1, seed=0).with_parameters([1.0, 0.0])
    expected = Value.linear(neuron.weights, [x], neuron.bias).relu()
    for out in (neuron([x]), Layer._make([neuron])([x])):
        assert isinstance(out, Value)
        assert (out.op, out.children[0].op) == ("relu", "linear")
        assert repr((out.data, out.local_grads)) == repr((expected.data, expected.local_grads))
