"""Prompt matrices and Batch API jobs from the command line, as a user runs them."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from tests.cli.helpers import CLI, cli_env, db_rows, library_dir, run_cli

JOB_SANDBOX = {"DRAFT_STUDIO_SANDBOX_BATCH_PENDING": "0", "DRAFT_STUDIO_SANDBOX_BATCH_RUNNING": "0"}


def _env(**extra: str) -> dict[str, str]:
    return cli_env(**{**JOB_SANDBOX, **extra})


def test_a_dry_run_prints_every_expanded_prompt_and_the_cost_and_sends_nothing() -> None:
    result = run_cli(
        "generate",
        "{red|teal|black} sneaker on {marble|sand|concrete}",
        "-n",
        "4",
        "--dry-run",
        "--sandbox",
    )
    assert result.code == 0, str(result)
    lines = result.stdout.splitlines()
    assert len(lines) == 36
    assert lines[0].split(maxsplit=1) == ["1", "red sneaker on marble"]
    assert lines[4].split(maxsplit=1) == ["5", "red sneaker on sand"]
    assert lines[-1].split(maxsplit=1) == ["36", "black sneaker on concrete"]
    assert "3 × 3 combinations × 4 = 36 drafts" in result.stderr
    assert "36 × $0.0336 would cost $1.21" in result.stderr
    assert "Nothing was sent" in result.stderr
    assert not (library_dir() / "library.sqlite3").exists()


def test_a_dry_run_in_json_names_the_values_of_every_slot(tmp_path: Path) -> None:
    wildcards = Path(os.environ["DRAFT_STUDIO_CONFIG"]) / "wildcards"
    wildcards.mkdir(parents=True)
    (wildcards / "mood.txt").write_text("calm\n# not an entry\nstormy\n", encoding="utf-8")
    result = run_cli(
        "generate",
        "a {kite|boat} on a __mood:all__ sea",
        "--dry-run",
        "--json",
        "--batch",
        "--sandbox",
    )
    assert result.code == 0, str(result)
    data = result.json()
    assert data["estimate"]["count"] == 4
    assert data["estimate"]["batch_job"] is True
    assert data["estimate"]["unit_usd"] == 0.0168
    assert data["estimate"]["expansion"] == "2 × 2 combinations = 4 drafts"
    assert [s["prompt"] for s in data["slots"]] == [
        "a kite on a calm sea",
        "a kite on a stormy sea",
        "a boat on a calm sea",
        "a boat on a stormy sea",
    ]
    assert data["slots"][1]["values"] == [["1", "kite"], ["mood", "stormy"]]


def test_bad_matrices_are_one_sentence_each() -> None:
    cases = {
        "a {cat|dog": "The prompt has a '{' at position 3 that is never closed",
        "a __nothing__ here": "Unknown wildcard __nothing__ at position 3",
        "{a|b|c} {d|e|f} {1|2|3|4|5|6|7|8|9|10} x": "3 × 3 × 10 combinations × 40 = 3,600",
    }
    for prompt, words in cases.items():
        result = run_cli("generate", prompt, "-n", "40", "--sandbox")
        assert result.code == 2, str(result)
        assert words in result.stderr, str(result)
        assert "Traceback" not in result.stderr
        assert len(result.stderr_lines) == 1


def test_a_batch_job_returns_at_once_and_jobs_wait_imports_it() -> None:
    env = _env()
    sent = run_cli(
        "generate", "a {red|teal} kite", "-n", "3", "--batch", "--sandbox", "--json", env=env
    )
    assert sent.code == 0, str(sent)
    job = sent.json()["job"]
    assert (job["state"], job["requests"], job["arrived"]) == ("pending", 6, 0)
    assert sent.json()["estimate"]["total_usd"] == round(6 * 0.0168, 4)
    statuses = db_rows(library_dir(), "SELECT status FROM drafts")
    assert [row[0] for row in statuses] == ["submitted"] * 6

    listed = run_cli("jobs", "list", "--json", env=env)
    assert [j["id"] for j in listed.json()] == [job["id"]]

    waited = run_cli("jobs", "wait", "--json", "--poll", "0.1", env=env)
    assert waited.code == 0, str(waited)
    (summary,) = waited.json()
    assert (summary["requested"], summary["succeeded"]) == (6, 6)
    assert summary["job"]["state"] == "succeeded"
    assert 6 * 0.0168 <= summary["spend_usd"] < 6 * 0.0169
    assert all(Path(image["path"]).is_file() for image in summary["images"])
    assert "job 1" in waited.stderr.lower()

    again = run_cli("jobs", "wait", env=env)
    assert again.code == 0
    assert "No batch job is waiting" in again.stderr


def test_a_second_process_resumes_a_job_after_the_first_was_killed() -> None:
    env = _env(DRAFT_STUDIO_SANDBOX_BATCH_PENDING="2")
    sent = run_cli(
        "generate", "a {red|teal|black} kite", "-n", "2", "--batch", "--sandbox", "--json", env=env
    )
    assert sent.code == 0, str(sent)
    first = subprocess.Popen(
        (*CLI, "jobs", "wait", "--poll", "0.1"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.0)
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=10)
    assert [row[0] for row in db_rows(library_dir(), "SELECT DISTINCT status FROM drafts")] == [
        "submitted"
    ]

    second = run_cli("jobs", "wait", "--json", "--poll", "0.1", env=env)
    assert second.code == 0, str(second)
    assert second.json()[0]["succeeded"] == 6
    rows = db_rows(library_dir(), "SELECT status, COUNT(*) FROM drafts GROUP BY status")
    assert [tuple(row) for row in rows] == [("succeeded", 6)]


def test_cancelling_a_job_and_waiting_for_it() -> None:
    env = _env()
    sent = run_cli(
        "generate",
        "a kite [sandbox:job-pending]",
        "-n",
        "2",
        "--batch",
        "--sandbox",
        "--json",
        env=env,
    )
    job_id = str(sent.json()["job"]["id"])
    cancelled = run_cli("jobs", "cancel", job_id, env=env)
    assert cancelled.code == 0, str(cancelled)
    assert "cancelled" in cancelled.stderr
    again = run_cli("jobs", "cancel", job_id, env=env)
    assert again.code == 2
    assert "has already ended (cancelled)" in again.stderr
    waited = run_cli("jobs", "wait", job_id, "--json", env=env)
    assert waited.code == 1  # nothing arrived
    assert waited.json()[0]["failed"] == {"interrupted": 2}


def test_jobs_wait_gives_up_at_its_timeout_and_keeps_the_job() -> None:
    env = _env()
    sent = run_cli(
        "generate", "a kite [sandbox:job-pending]", "--batch", "--sandbox", "--json", env=env
    )
    assert sent.code == 0, str(sent)
    started = time.monotonic()
    waited = run_cli("jobs", "wait", "--timeout", "1", "--poll", "0.2", "--json", env=env)
    assert time.monotonic() - started < 30
    assert waited.code == 1
    (summary,) = waited.json()
    assert summary["job"]["state"] == "pending"
    assert summary["job"]["waiting"] == 1


def test_unknown_jobs_and_bad_options() -> None:
    assert "There is no batch job with id 9" in run_cli("jobs", "wait", "9").stderr
    bad = run_cli("jobs", "wait", "--timeout", "0")
    assert bad.code == 2
    assert "--timeout must be more than 0" in bad.stderr
    out = run_cli("generate", "a kite", "--batch", "--out", "/tmp/x", "--sandbox")
    assert out.code == 2
    assert "--out" in out.stderr
