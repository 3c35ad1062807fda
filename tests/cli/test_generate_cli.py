"""`draft-studio generate` as a user runs it: a subprocess, its exit code, stdout and stderr."""

from __future__ import annotations

import json
import re
import signal
from collections import Counter
from pathlib import Path

import pytest

from studio.sandbox import SandboxServer
from tests.cli.helpers import (
    ARRIVED,
    Result,
    cli_env,
    db_rows,
    decodes,
    library_dir,
    list_drafts,
    run_cli,
    run_many,
    signal_after_arrivals,
    stored_drafts,
)


def test_json_summary_of_a_sandbox_batch() -> None:
    result = run_cli("generate", "a lighthouse at dawn", "--sandbox", "--json", "-n", "5")

    assert result.code == 0, str(result)
    summary = result.json()
    assert isinstance(summary, dict)
    assert summary["requested"] == 5
    assert summary["succeeded"] == 5
    assert summary["blocked"] == 0
    assert summary["failed"] == {}
    assert summary["spend_usd"] > 0
    assert 0 <= summary["wall_s"] < 60
    images = summary["images"]
    assert len(images) == 5
    assert len({image["id"] for image in images}) == 5
    root = library_dir()
    for image in images:
        path = Path(image["path"])
        assert path.is_file(), image
        assert path.is_relative_to(root), image
        assert decodes(path), image
    # The spend is what the library recorded for these drafts.
    drafts = {d["id"]: d for d in stored_drafts()}
    recorded = sum(drafts[image["id"]]["cost_usd"] for image in images)
    assert summary["spend_usd"] == pytest.approx(recorded, abs=1e-3)
    # Progress is on stderr, one line per arrival; stdout holds nothing but the JSON.
    arrived = {int(m.group(1)) for line in result.stderr_lines if (m := ARRIVED.match(line))}
    assert arrived == {image["id"] for image in images}
    assert "arrived" not in result.stdout
    # db_rows sees drafts where there are some, so "records nothing" checks can fail.
    assert len(db_rows(library_dir(), "SELECT id FROM drafts")) == 5


def test_plain_summary_goes_to_stderr_and_stdout_stays_empty() -> None:
    result = run_cli("generate", "a lighthouse at dawn", "--sandbox", "-n", "2")

    assert result.code == 0, str(result)
    assert result.stdout == ""
    assert "2 of 2 images arrived" in result.stderr


def test_out_copies_byte_identical_files(tmp_path: Path) -> None:
    out = tmp_path / "exports" / "nested"

    result = run_cli("generate", "a red fox", "--sandbox", "--json", "-n", "3", "--out", str(out))

    assert result.code == 0, str(result)
    images = result.json()["images"]
    assert len(images) == 3
    for image in images:
        copy = Path(image["copy"])
        assert copy.parent == out
        assert copy.read_bytes() == Path(image["path"]).read_bytes()
    assert sorted(p.name for p in out.iterdir()) == sorted(Path(i["path"]).name for i in images)


def test_fixed_seed_gives_consecutive_seeds() -> None:
    result = run_cli("generate", "a red fox", "--sandbox", "--json", "--seed", "7", "-n", "3")

    assert result.code == 0, str(result)
    batch_id = result.json()["batch_id"]
    drafts = [d for d in list_drafts() if d["batch_id"] == batch_id]
    assert sorted((d["slot"], d["seed"]) for d in drafts) == [(0, 7), (1, 8), (2, 9)]
    assert sorted(image["seed"] for image in result.json()["images"]) == [7, 8, 9]


def test_blocked_prompt_is_counted_and_exits_1() -> None:
    result = run_cli("generate", "a fox [sandbox:block]", "--sandbox", "--json", "-n", "2")

    assert result.code == 1, str(result)
    summary = result.json()
    assert summary["succeeded"] == 0
    assert summary["blocked"] == 2
    assert sum(summary["blocked_reasons"].values()) == 2
    assert summary["images"] == []
    statuses = [d["status"] for d in stored_drafts(summary["batch_id"])]
    assert statuses == ["blocked", "blocked"]
    assert sum("blocked" in line for line in result.stderr_lines) == 2


def test_ctrl_c_cancels_the_rest_and_exits_130() -> None:
    env = cli_env(DRAFT_STUDIO_SANDBOX_LATENCY="0.3")
    args = ["generate", "a red fox", "--sandbox", "--json", "-n", "60"]

    run = signal_after_arrivals(args, env, arrivals=3, signum=signal.SIGINT)

    assert run.code == 130, run
    assert "Traceback" not in "\n".join(run.stderr_lines)
    lines = run.stdout.strip().splitlines()
    assert len(lines) == 1, run  # the summary still comes out
    summary = json.loads(lines[0])
    statuses = Counter(d["status"] for d in stored_drafts(summary["batch_id"]))
    assert statuses["succeeded"] == summary["succeeded"] >= len(run.arrived) >= 3
    assert statuses["cancelled"] == summary["failed"].get("cancelled", 0) > 0
    assert sum(statuses.values()) == 60
    assert set(statuses) <= {"succeeded", "cancelled"}, statuses


def _check_server_error_failure(result: Result) -> dict:
    assert result.code == 1, str(result)
    summary = result.json()
    stderr_lines = result.stderr_lines
    assert summary["succeeded"] == 0
    assert summary["failed"] == {"server_error": 1}
    (draft,) = stored_drafts(summary["batch_id"])
    assert draft["status"] == "failed"
    assert draft["error_kind"] == "server_error"
    # Retried before giving up: every attempt but the last announced a retry on stderr.
    assert draft["attempts"] >= 2
    assert sum("Retrying in" in line for line in stderr_lines) == draft["attempts"] - 1
    assert any("failed" in line for line in stderr_lines)
    return dict(summary)


def test_server_error_is_retried_then_fails() -> None:
    # Same CLI main(), with a fast back-off so the five attempts take well under a second.
    result = run_cli(
        "generate", "a fox [sandbox:500]", "--sandbox", "--json", fast_retry=True, timeout=30
    )

    _check_server_error_failure(result)


@pytest.mark.slow
def test_server_error_with_the_real_back_off_ends_in_bounded_time() -> None:
    # The shipped back-off: 1, 2, 4, 8 s ceilings with jitter, i.e. 7.5 to 15 s in all.
    result = run_cli("generate", "a fox [sandbox:500]", "--sandbox", "--json", timeout=40)

    summary = _check_server_error_failure(result)
    assert summary["wall_s"] < 20


USAGE_ERRORS = {
    "unknown model": (["a fox", "--model", "no-such-model"], "no-such-model"),
    "unsupported aspect": (["a fox", "--aspect", "7:3"], "7:3"),
    "unsupported size": (["a fox", "--size", "4K"], "4K"),
    "text file as --ref": (["a fox", "--ref", "{text}"], "notes.txt"),
    "missing --ref": (["a fox", "--ref", "{missing}"], "missing.png"),
    "empty prompt": ([""], "prompt"),
    "whitespace prompt": ([" \t  "], "prompt"),
    "-n 0": (["a fox", "-n", "0"], "count"),
    "-n -3": (["a fox", "-n", "-3"], "count"),
    "-n two": (["a fox", "-n", "two"], "invalid int"),
}


def test_usage_errors_exit_2_with_one_line(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not an image\n", encoding="utf-8")
    fill = {"text": str(text), "missing": str(tmp_path / "missing.png")}
    commands = [
        ("generate", *(a.format(**fill) for a in args), "--sandbox")
        for args, _ in USAGE_ERRORS.values()
    ]

    # All at once, to spare nine interpreter start-ups; every case is still checked.
    results = run_many(*commands)

    problems = []
    for (case, (_, mentions)), result in zip(USAGE_ERRORS.items(), results, strict=True):
        if not (
            result.code == 2
            and len(result.stderr_lines) == 1
            and result.stderr.startswith("draft-studio: ")
            and mentions in result.stderr
            and "Traceback" not in result.stderr
            and result.stdout == ""
        ):
            problems.append(f"{case}: {result}")
    assert problems == [], "\n\n".join(problems)
    # A refused command records nothing.
    db = library_dir() / "library.sqlite3"
    if db.exists():
        assert db_rows(library_dir(), "SELECT id FROM drafts") == []


def test_missing_key_exits_3_with_a_hint() -> None:
    # cli_env points the service at a closed local port, so nothing can reach the network.
    result = run_cli("generate", "a fox")

    assert result.code == 3, str(result)
    assert len(result.stderr_lines) == 1, str(result)
    assert "key set" in result.stderr
    assert "--sandbox" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert not (library_dir() / "library.sqlite3").exists()


def _key_sentences(stderr_lines: list[str]) -> set[str]:
    """The explanations on stderr about the API key, without the per-draft prefixes."""
    prefix = re.compile(r"^(paused: |draft \d+: failed: |draft-studio: )")
    return {prefix.sub("", line) for line in stderr_lines if "API key" in line}


def test_invalid_key_exits_3_with_one_clear_message(sandbox: SandboxServer) -> None:
    env = cli_env(GEMINI_API_KEY="invalid-xyz", GOOGLE_GEMINI_BASE_URL=sandbox.base_url)

    result = run_cli("generate", "a fox", "-n", "3", "--json", env=env)

    assert result.code == 3, str(result)
    summary = result.json()
    assert summary["succeeded"] == 0
    assert summary["failed"] == {"invalid_key": 3}
    (message,) = summary["messages"]
    assert "key" in message.lower()
    assert "Traceback" not in result.stderr
    assert _key_sentences(result.stderr_lines) == {message}
    # The service really was asked, with the key the environment gave.
    assert any(r.path.endswith(":generateContent") for r in sandbox.requests)


def test_invalid_key_without_json_explains_on_stderr(sandbox: SandboxServer) -> None:
    env = cli_env(GEMINI_API_KEY="invalid-xyz", GOOGLE_GEMINI_BASE_URL=sandbox.base_url)

    result = run_cli("generate", "a fox", env=env)

    assert result.code == 3, str(result)
    assert result.stdout == ""
    sentences = _key_sentences(result.stderr_lines)
    assert len(sentences) == 1, str(result)
    assert "rejected" in next(iter(sentences))
