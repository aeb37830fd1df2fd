"""The book's PyTorch numbers, recomputed with PyTorch, and the library checked against it.

The chapter "Build the network" shows two small PyTorch programs (the warm-up and the
tanh neuron) and the numbers they print, recorded in ``book/data/torch_reference.json``
so that the book builds without PyTorch. These tests run the same programs (the
chapter's code blocks are these functions' bodies, which a book test checks) and
compare with the recorded file, and hold micrograd's gradients to PyTorch's on the
warm-up, the tanh neuron, micrograd's README expression and the demo's loss.

``nox -s torch`` installs PyTorch 2.13.0 (CPU build) and runs them, and there a missing
PyTorch is a failure; in other sessions PyTorch is not installed and they are skipped.
``python tests/test_torch_parity.py`` rewrites the recorded file.
"""

from __future__ import annotations

import json
import math
import os
import sys
from typing import Any

import pytest

from micrograd import Value
from micrograd.datasets import moons
from micrograd.losses import max_margin
from micrograd.nn import MLP
from tests.helpers import BOOK, warmup_expression

try:
    import torch
except ImportError:
    if os.environ.get("MICROGRAD_REQUIRE_TORCH"):  # set by nox -s torch
        raise
    pytest.skip("PyTorch is not installed (nox -s torch runs these)", allow_module_level=True)

RECORDED = BOOK / "data" / "torch_reference.json"


def warm_up_in_torch() -> dict[str, float]:
    """micrograd's ``test_sanity_check`` expression at x = -4: y and dy/dx."""
    x = torch.tensor(-4.0, dtype=torch.float64, requires_grad=True)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    return {"y": y.item(), "dy/dx": x.grad.item()}


def tanh_neuron_in_torch() -> dict[str, float]:
    """The tanh neuron of the lecture: its output and the gradient of every leaf."""
    x1 = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    x2 = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    w1 = torch.tensor(-3.0, dtype=torch.float64, requires_grad=True)
    w2 = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(6.8813735870195432, dtype=torch.float64, requires_grad=True)
    o = torch.tanh(x1 * w1 + x2 * w2 + b)
    o.backward()
    leaves = {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b}
    return {"o": o.item()} | {f"do/d{k}": v.grad.item() for k, v in leaves.items()}


def torch_numbers() -> dict[str, Any]:
    """What the chapter records: the PyTorch version and both programs' numbers."""
    return {
        "torch_version": torch.__version__,
        "warm_up": warm_up_in_torch(),
        "tanh_neuron": tanh_neuron_in_torch(),
    }


def test_recorded_numbers_are_what_pytorch_prints() -> None:
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    fresh = torch_numbers()
    assert recorded["torch_version"] == fresh["torch_version"]
    for program in ("warm_up", "tanh_neuron"):
        assert recorded[program] == fresh[program], program  # float64, bit for bit


def test_warm_up_gradient_matches_pytorch() -> None:
    x, y = warmup_expression()
    expected = warm_up_in_torch()
    assert (y.data, y.backward()[x]) == (expected["y"], expected["dy/dx"])


@pytest.mark.parametrize("rebuilt", [False, True], ids=["tanh", "exp-and-division"])
def test_tanh_neuron_gradients_match_pytorch(rebuilt: bool) -> None:
    leaves = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}
    v = {name: Value(number) for name, number in leaves.items()}
    n = v["x1"] * v["w1"] + v["x2"] * v["w2"] + v["b"]
    if rebuilt:
        e = (2 * n).exp()
        o = (e - 1) / (e + 1)
    else:
        o = n.tanh()
    grads = o.backward()
    expected = tanh_neuron_in_torch()
    assert math.isclose(o.data, expected["o"], rel_tol=1e-12)
    for name, node in v.items():
        assert math.isclose(grads[node], expected[f"do/d{name}"], rel_tol=1e-12, abs_tol=1e-15)


def test_readme_expression_matches_pytorch() -> None:
    """micrograd's ``test_more_ops``, as its own test suite compares it with PyTorch."""

    def expression(a: Any, b: Any) -> Any:
        c = a + b
        d = a * b + b**3
        c = c + c + 1
        c = c + 1 + c + (-a)
        d = d + d * 2 + (b + a).relu()
        d = d + 3 * d + (b - a).relu()
        e = c - d
        f = e**2
        g = f / 2.0
        return g + 10.0 / f

    a, b = Value(-4.0), Value(2.0)
    g = expression(a, b)
    grads = g.backward()
    at, bt = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (-4.0, 2.0))
    gt = expression(at, bt)
    gt.backward()
    assert math.isclose(g.data, gt.item(), rel_tol=1e-12)
    assert math.isclose(grads[a], at.grad.item(), rel_tol=1e-12)
    assert math.isclose(grads[b], bt.grad.item(), rel_tol=1e-12)


def test_demo_loss_gradients_match_pytorch() -> None:
    """The demo's max-margin loss with L2 on MLP(2, [16, 16, 1]): all 337 gradients."""
    dataset = moons(20, noise=0.1, seed=1337)
    model = MLP(2, [16, 16, 1], seed=1337)
    result = max_margin(model, dataset.xs, dataset.ys, alpha=1e-4)
    grads = result.total_loss.backward()

    params = [
        torch.tensor(p.data, dtype=torch.float64, requires_grad=True) for p in model.parameters()
    ]
    flat = iter(params)
    layers = []
    for layer in model.layers:
        neurons = [([next(flat) for _ in range(layer.nin)], next(flat)) for _ in range(layer.nout)]
        layers.append((neurons, layer.nonlin))
    hinges = []
    for x, y in zip(dataset.xs, dataset.ys, strict=True):
        activations = [torch.tensor(xi, dtype=torch.float64) for xi in x]
        for neurons, nonlin in layers:
            sums = [
                sum((w * a for w, a in zip(ws, activations, strict=True)), b) for ws, b in neurons
            ]
            activations = [s.relu() for s in sums] if nonlin else sums
        hinges.append((1 - y * activations[0]).relu())
    loss = sum(hinges) / len(hinges) + 1e-4 * sum(p * p for p in params)
    loss.backward()

    assert math.isclose(result.total_loss.data, loss.item(), rel_tol=1e-12)
    for i, (ours, theirs) in enumerate(zip(model.parameters(), params, strict=True)):
        assert theirs.grad is not None, i
        assert math.isclose(grads[ours], theirs.grad.item(), rel_tol=1e-12, abs_tol=1e-15), i


if __name__ == "__main__":
    RECORDED.parent.mkdir(exist_ok=True)
    RECORDED.write_text(json.dumps(torch_numbers(), indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {RECORDED}\n")
