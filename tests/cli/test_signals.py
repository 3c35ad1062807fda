"""SIGTERM, SIGINT and SIGHUP in the middle of a batch, sent to the real command: it stops
sending, cancels what is in flight, prints its summary and exits 128 + the signal's number.
The library is then read straight from its file: opening it as a Library would start a new
session, which repairs whatever an earlier one left unfinished and so would hide it."""

from __future__ import annotations

import json
import signal
from collections import Counter
from typing import Any

import pytest

from tests.cli.helpers import (
    Interrupted,
    cli_env,
    db_rows,
    library_dir,
    run_cli,
    signal_after_arrivals,
)

COUNT = 60
# Bounds the whole run, a hang included; how fast it exits is the bench's business.
TIMEOUT_S = 20
SIGNALS = [
    pytest.param(signal.SIGTERM, 143, id="SIGTERM"),
    pytest.param(signal.SIGINT, 130, id="SIGINT"),
    pytest.param(signal.SIGHUP, 129, id="SIGHUP"),
]


def _env() -> dict[str, str]:
    # Answers spread over three seconds: when the signal comes after the first few, most
    # slots are still on the wire, however many the engine lets fly at once.
    return cli_env(DRAFT_STUDIO_SANDBOX_LATENCY="0.3", DRAFT_STUDIO_SANDBOX_JITTER="3")


def _summary_of(run: Interrupted) -> dict[str, Any]:
    assert "Traceback" not in "\n".join(run.stderr_lines), run
    lines = run.stdout.strip().splitlines()
    assert len(lines) == 1, run  # the summary still comes out
    summary: dict[str, Any] = json.loads(lines[0])
    return summary


def _assert_nothing_left_running(batch_id: int, count: int) -> Counter[str]:
    root = library_dir()
    statuses = Counter(
        row["status"]
        for row in db_rows(root, "SELECT status FROM drafts WHERE batch_id = ?", (batch_id,))
    )
    assert sum(statuses.values()) == count
    assert not {"queued", "running", "retrying"} & statuses.keys(), statuses
    # The command's session ended the way Library.close() ends one.
    assert db_rows(root, "SELECT id FROM sessions") == []
    return statuses


@pytest.mark.parametrize(("signum", "code"), SIGNALS)
def test_a_signal_mid_batch_cancels_the_rest_and_exits_with_its_code(
    signum: signal.Signals, code: int
) -> None:
    args = ["generate", "a lighthouse at dusk", "--sandbox", "--json", "-n", str(COUNT)]
    args += ["--max-concurrency", "8"]

    run = signal_after_arrivals(args, _env(), arrivals=3, signum=signum, timeout=TIMEOUT_S)

    assert run.code == code, run
    summary = _summary_of(run)
    assert summary["signal"] == signum.name
    statuses = _assert_nothing_left_running(summary["batch_id"], COUNT)
    assert statuses["succeeded"] == summary["succeeded"] >= len(run.arrived) >= 3
    # Stopped early: what was queued or on the wire was cancelled, and counted as such.
    assert statuses["cancelled"] == summary["failed"].get("cancelled", 0) > 0


def test_sigterm_during_a_derivation_ends_it_the_same_way_and_says_so() -> None:
    made = run_cli("generate", "a paper boat", "--sandbox", "--json", env=cli_env())
    assert made.code == 0, str(made)
    (parent,) = made.json()["images"]
    args = ["vary", str(parent["id"]), "-n", "30", "--sandbox"]

    run = signal_after_arrivals(args, _env(), arrivals=2, signum=signal.SIGTERM, timeout=TIMEOUT_S)

    assert run.code == 143, run
    assert "Traceback" not in "\n".join(run.stderr_lines), run
    assert "Stopped by SIGTERM: nothing more was sent." in run.stderr_lines, run
    ((batch_id,),) = db_rows(library_dir(), "SELECT MAX(id) FROM batches")
    statuses = _assert_nothing_left_running(batch_id, 30)
    assert statuses["cancelled"] > 0, statuses


def test_without_a_signal_the_summary_says_none() -> None:
    result = run_cli("generate", "a kite", "--sandbox", "--json", "-n", "2")

    assert result.code == 0, str(result)
    assert result.json()["signal"] is None
    assert not any(line.startswith("Stopped by") for line in result.stderr_lines)
