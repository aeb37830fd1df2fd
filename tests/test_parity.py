"""Our demo loop against Karpathy's micrograd, step by step."""

from __future__ import annotations

import pytest

from micrograd.datasets import moons
from micrograd.nn import MLP
from micrograd.trainer import official_micrograd_learning_rate, train
from tests.helpers import skip_unless_available
from tools.reference import demo_job, reference_path, run_reference_demo


@pytest.fixture(scope="module")
def parity() -> dict[str, object]:
    skip_unless_available(
        reference_path() is not None,
        "the original micrograd is not installed; run `nox -s tests`",
    )
    dataset = moons(30, noise=0.1, seed=1337)
    steps = 6  # the schedule's first six rates; every step is compared
    reference = run_reference_demo(demo_job(dataset, [16, 16, 1], 1337, steps))
    ours = train(
        MLP(2, [16, 16, 1], seed=1337),
        dataset,
        steps=steps,
        learning_rate=official_micrograd_learning_rate,  # micrograd: 1 - 0.9 * k / 100
    )
    return {"reference": reference, "ours": ours}


def test_same_seed_gives_micrograds_weights(parity: dict[str, object]) -> None:
    reference = parity["reference"]
    ours = parity["ours"]
    assert [p.data for p in ours.initial_model.parameters()] == reference["seeded_parameters"]  # type: ignore[attr-defined, index]


def test_loss_and_accuracy_match_micrograd_at_every_step(parity: dict[str, object]) -> None:
    reference = parity["reference"]["history"]  # type: ignore[index]
    ours = parity["ours"].history  # type: ignore[attr-defined]
    assert len(ours) == len(reference)
    for mine, theirs in zip(ours, reference, strict=True):
        assert mine.loss == pytest.approx(theirs["loss"], rel=1e-12, abs=1e-15)
        assert mine.accuracy == theirs["accuracy"]


def test_final_parameters_match_micrograd(parity: dict[str, object]) -> None:
    theirs = parity["reference"]["final_parameters"]  # type: ignore[index]
    mine = [p.data for p in parity["ours"].final_model.parameters()]  # type: ignore[attr-defined]
    assert mine == pytest.approx(theirs, rel=1e-9, abs=1e-12)
