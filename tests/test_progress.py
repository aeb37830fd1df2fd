from __future__ import annotations

import io
from typing import Any

import pytest

from micrograd import progress
from micrograd.datasets import moons
from micrograd.nn import MLP
from micrograd.progress import TrainingProgress
from micrograd.trainer import TrainingRecord, train


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def record(step: int) -> TrainingRecord:
    return TrainingRecord(step, 0.5, 0.4, 0.1, 0.75, 1.0)


def test_a_terminal_gets_one_refreshed_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "_load_tqdm", lambda: None)
    terminal = Terminal()
    shown = TrainingProgress(4, stream=terminal)
    for step in range(4):
        shown.update(record(step))
    shown.close()
    text = terminal.getvalue()
    assert text.count("\r") == 4
    assert text.endswith("\n")
    assert text.count("\n") == 1
    assert "step 3/4 [####################] loss 0.5, accuracy 75%" in text


def test_tqdm_is_used_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, Any]] = []

    class FakeBar:
        def __init__(self, **kwargs: Any) -> None:
            calls.append(("new", kwargs["total"]))

        def update(self, n: int) -> None:
            calls.append(("update", n))

        def set_postfix_str(self, text: str, refresh: bool) -> None:
            calls.append(("postfix", text))

        def close(self) -> None:
            calls.append(("close", None))

    monkeypatch.setattr(progress, "_load_tqdm", lambda: FakeBar)
    train(MLP(2, [2, 1], seed=0), moons(10, seed=0), steps=4, log_every=2, progress=True)
    assert calls[0] == ("new", 4)
    assert [n for kind, n in calls if kind == "update"] == [1, 2]
    assert calls[-1] == ("close", None)
    assert sum(kind == "postfix" for kind, _ in calls) == 2


def test_the_bar_is_closed_when_training_stops_early(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "_load_tqdm", lambda: None)
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)

    def stop(record: TrainingRecord) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train(MLP(2, [2, 1], seed=0), moons(10, seed=0), steps=4, progress=True, callback=stop)
    assert terminal.getvalue().endswith("\n")


def test_steps_is_checked() -> None:
    with pytest.raises(ValueError, match="steps must be an int at least 0"):
        TrainingProgress(-1)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"use_tqdm": 0}, "use_tqdm must be True, False or None, got 0"),
        ({"stream": 3}, "stream must be a text stream"),
    ],
)
def test_use_tqdm_and_stream_are_checked(options: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        TrainingProgress(5, **options)
