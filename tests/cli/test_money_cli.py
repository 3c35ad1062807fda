"""Money on the command line: the sandbox says what work would cost and that nothing is
billed, in every place a sum appears; a budget stop says what was spent and leaves the slots
it never sent as one line, not as hundreds of failed drafts."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess

from studio.sandbox import SandboxServer
from tests.cli.helpers import CLI, cli_env, db_rows, library_dir, run_cli, stored_drafts

NOTHING_BILLED = "sandbox: nothing billed"


def test_sandbox_estimate_and_summary_say_nothing_is_billed() -> None:
    result = run_cli("generate", "a paper boat", "--sandbox", "-n", "2")

    assert result.code == 0, str(result)
    lines = result.stderr_lines
    assert lines[0] == (
        "2 images on Nano Banana 2 Lite · 1K: 2 × $0.0336 would cost $0.07 · "
        "sandbox: nothing billed"
    )
    assert re.fullmatch(
        r"2 of 2 images arrived in [\d.]+ s \(\d+ per minute\), "
        r"would cost \$0\.07 · sandbox: nothing billed\.",
        lines[-1],
    ), str(result)
    assert "spent" not in result.stderr


def test_sandbox_json_says_billed_false_and_keeps_the_numbers() -> None:
    result = run_cli("generate", "a paper boat", "--sandbox", "-n", "2", "--json")

    assert result.code == 0, str(result)
    summary = result.json()
    assert summary["billed"] is False
    assert summary["estimate"]["billed"] is False
    assert summary["estimate"]["total_usd"] == 0.0672
    assert summary["spend_usd"] > 0.06
    assert NOTHING_BILLED in result.stderr_lines[0]


def test_a_billed_run_says_spent(sandbox: SandboxServer) -> None:
    env = cli_env(GEMINI_API_KEY="test-key", GOOGLE_GEMINI_BASE_URL=sandbox.base_url)

    result = run_cli("generate", "a paper boat", "-n", "2", "--json", env=env)

    assert result.code == 0, str(result)
    assert result.json()["billed"] is True
    assert result.json()["estimate"]["billed"] is True
    assert result.stderr_lines[0].endswith("2 × $0.0336 = $0.07")
    assert NOTHING_BILLED not in result.stderr
    assert all(d["billed"] for d in stored_drafts())


def test_sandbox_progress_line_on_a_terminal_says_would_cost() -> None:
    """The rewritten status line is only drawn on a terminal: stderr is a pseudo-terminal."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [*CLI, "generate", "a paper boat", "--sandbox", "-n", "3"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=follower,
        env=cli_env(),
    )
    os.close(follower)
    output = b""
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closes with the process
                break
            if not chunk:
                break
            output += chunk
    finally:
        process.wait(timeout=60)
        os.close(leader)
    assert process.returncode == 0, output
    statuses = [line for line in output.decode().split("\r") if line.startswith("\x1b[2K[")]
    assert statuses, output
    last = statuses[-1].splitlines()[0]
    assert re.search(r"· would cost \$0\.10 · \d+ img/min · sandbox: nothing billed$", last), last


def test_a_budget_stop_says_what_was_spent_and_sends_nothing_more() -> None:
    result = run_cli("generate", "a paper boat", "--sandbox", "-n", "1000", "--budget", "0.10")

    assert result.code == 1, str(result)
    lines = result.stderr_lines
    # Two images fit in $0.10 (three would cost $0.1008). When the third is refused both are
    # still on the way or just arrived; the pause says so instead of "$0.00 spent".
    (paused,) = [line for line in lines if line.startswith("paused: ")]
    assert paused.startswith("paused: The session budget of $0.10 is reached: would cost $0.07"), (
        paused
    )
    assert paused.endswith("· sandbox: nothing billed; raise it to continue.")
    assert lines[-2].startswith("2 of 1000 images arrived")
    assert lines[-2].endswith("would cost $0.07 · sandbox: nothing billed.")
    assert lines[-1] == "998 not sent: budget reached."
    assert not any(line.startswith("Failed") for line in lines), str(result)
    # No draft stands for the slots never sent; their batch counts them.
    drafts = stored_drafts()
    assert [d["status"] for d in drafts] == ["succeeded"] * 2
    assert {d["batch_not_sent"] for d in drafts} == {998}
    rows = db_rows(library_dir(), "SELECT count, not_sent FROM batches")
    assert [tuple(r) for r in rows] == [(1000, 998)]


def test_a_budget_stop_in_json_counts_what_was_not_sent() -> None:
    result = run_cli(
        "generate", "a paper boat", "--sandbox", "-n", "40", "--budget", "0.05", "--json"
    )

    assert result.code == 1, str(result)
    summary = result.json()
    assert (summary["succeeded"], summary["not_sent"], summary["failed"]) == (1, 39, {})
    assert summary["spend_usd"] < 0.05
