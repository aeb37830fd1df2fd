from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from micrograd import cli

COMMAND = [sys.executable, "-m", "micrograd"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_help_lists_every_option() -> None:
    done = run("--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: micrograd")
    for option in (
        "--steps", "--seed", "--dataset", "--samples", "--noise", "--layers",
        "--learning-rate", "--alpha", "--batch-size", "--plot",
    ):  # fmt: skip
        assert option in done.stdout


def test_a_short_run_prints_progress_and_a_summary(tmp_path: Path) -> None:
    picture = tmp_path / "boundary.png"
    done = run("--steps", "4", "--samples", "20", "--layers", "4", "1", "--plot", str(picture))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert (
        lines[0]
        == "training MLP(2, [4, 1]) (17 parameters) on make_moons(20, noise=0.1, random_state=1337) for 4 steps"
    )
    assert [line.split(":")[0] for line in lines[1:5]] == [f"step {k}/4" for k in range(4)]
    assert lines[5].startswith("final loss ")
    assert "(4 steps in" in lines[5]
    assert lines[6] == f"decision boundary saved to {picture}"
    assert picture.read_bytes().startswith(b"\x89PNG")


def test_the_default_run_is_the_walkthroughs() -> None:
    out = io.StringIO()
    assert cli.main(["--steps", "2", "--quiet"], out=out) == 0
    assert (
        "MLP(2, [16, 16, 1]) (337 parameters) on make_moons(100, noise=0.1, random_state=1337)"
        in out.getvalue()
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--steps", "many"], "argument --steps: invalid int value: 'many'"),
        (["--dataset", "circles"], "argument --dataset: invalid choice: 'circles'"),
        (["--samples", "0"], "n_samples must be an int from 1"),
        (["--steps", "-1"], "steps must be an int"),
        (["--steps", "-1", "--quiet"], "steps must be an int"),
        (["--layers", "4", "2"], "the last of --layers must be 1"),
        (["--learning-rate", "-1"], "learning_rate must be"),
        (["--plot", "boundary.nope"], "--plot FILE must end in one of"),
        (["--colour", "red"], "unrecognized arguments: --colour red"),
        (["--plot", "no-such-folder/boundary.png"], "--plot FILE must be in an existing folder"),
    ],
)
def test_bad_options_get_argparse_errors(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # In this process: test_a_plot_that_cannot_be_written... runs the real command's exit path
    with pytest.raises(SystemExit) as stopped:
        cli.main([*args, "--steps", "1"] if args[0] != "--steps" else args, out=io.StringIO())
    assert stopped.value.code == 2
    stderr = capsys.readouterr().err
    assert stderr.startswith("usage: micrograd")
    assert f"micrograd: error: {message}" in stderr


def test_plot_without_matplotlib_says_how_to_install_it(tmp_path: Path) -> None:
    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "matplotlib.py").write_text("raise ImportError('no matplotlib here')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hide), str(Path.cwd())])}
    done = subprocess.run(
        [*COMMAND, "--plot", "x.png"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert 'install it with: python -m pip install "micrograd-book[plot] @ git+' in done.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT is a POSIX signal")
def test_ctrl_c_prints_the_partial_result() -> None:
    with subprocess.Popen(
        [*COMMAND, "--steps", "100000", "--samples", "20", "--layers", "4", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A shell starts background jobs with SIGINT ignored, and Python keeps it
        # ignored: give the command the default that a terminal's Ctrl-C meets.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
    ) as process:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("training MLP")
        assert process.stdout.readline().startswith("step 0/100000: loss ")
        time.sleep(0.3)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Traceback" not in err
    assert out.splitlines()[-1].startswith("stopped after ")
    assert "the loss was" in out


def test_a_plot_that_cannot_be_written_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    taken = tmp_path / "boundary.png"
    taken.mkdir()  # a folder where the file should go: saving fails even for root
    done = run("--steps", "1", "--samples", "10", "--layers", "2", "1", "--plot", str(taken))
    assert done.returncode == 1
    assert "micrograd: could not save --plot" in done.stderr
    assert "Traceback" not in done.stderr
