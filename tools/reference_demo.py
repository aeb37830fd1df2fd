"""Run micrograd's official demo loop with Karpathy's original micrograd.

Used by the parity tests and the benchmark, in a separate process whose
PYTHONPATH holds the original package (it shares our import name). Reads a JSON
job on stdin, writes JSON results on stdout.

The loop is the one in micrograd's ``demo.ipynb``: full batch, max-margin loss,
``alpha = 1e-4``, ``learning_rate = 1.0 - 0.9 * k / 100``, ``zero_grad`` then
``backward`` then ``p.data -= learning_rate * p.grad``.
"""

import json
import random
import sys
import time

from micrograd.engine import Value
from micrograd.nn import MLP


def main() -> None:
    """Read the job on stdin, train, write the results on stdout."""
    job = json.load(sys.stdin)
    xs, ys = job["xs"], job["ys"]
    random.seed(job["seed"])
    model = MLP(job["nin"], job["nouts"])
    seeded_parameters = [p.data for p in model.parameters()]
    for p, value in zip(
        model.parameters(), job.get("parameters") or seeded_parameters, strict=False
    ):
        p.data = value

    def loss():
        inputs = [list(map(Value, xrow)) for xrow in xs]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(ys, scores, strict=False)]
        data_loss = sum(losses) * (1.0 / len(losses))
        alpha = 1e-4
        reg_loss = alpha * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(ys, scores, strict=False)]
        return total_loss, sum(accuracy) / len(accuracy)

    history = []
    seconds = []
    cpu_seconds = []
    for k in range(job["steps"]):
        start = time.perf_counter()
        cpu_start = time.process_time()
        total_loss, acc = loss()
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        seconds.append(time.perf_counter() - start)
        cpu_seconds.append(time.process_time() - cpu_start)
        history.append({"step": k, "loss": total_loss.data, "accuracy": acc})
    json.dump(
        {
            "seeded_parameters": seeded_parameters,
            "history": history,
            "final_parameters": [p.data for p in model.parameters()],
            "seconds_per_step": seconds,
            "cpu_seconds_per_step": cpu_seconds,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
