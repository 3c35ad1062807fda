"""`draft-studio library list` as a terminal shows it: every column starts at the same cell
on every line, whatever the widths of ids, models, ratios, seeds, prompts (long, multi-line,
CJK) and flags; and a reader that stops early (`| head -1`) ends any command quietly."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from studio.cli.columns import cells
from studio.core.domain import Derivation, Flag, SlotStatus, TextPart
from studio.core.library import BatchRecord, DraftRecord, Library
from studio.core.library.records import SlotOrigin
from studio.core.library.turns import TurnRef
from tests.cli.helpers import CLI, cli_env, library_dir, run_cli
from tests.library_data import save

LONG_PROMPT = (
    "  夜の東京、ネオンの雨 — a rain-soaked street at night,\n\tcinematic, 35 mm, with a very "
    "long tail that goes on well past forty cells"
)


def _finished(library: Library, drafts: list[DraftRecord]) -> None:
    for draft in drafts:
        save(library, draft.id)
        library.mark_finished(draft.id, SlotStatus.SUCCEEDED)


def _fill(library: Library) -> None:
    lite = library.create_batch(
        BatchRecord("a paper boat", "gemini-3.1-flash-lite-image", "1:1", "1K", tuple(range(9)))
    )
    _finished(library, lite)
    pro = library.create_batch(
        BatchRecord(LONG_PROMPT, "gemini-3-pro-image-preview", "16:9", "2K", (123456,))
    )
    _finished(library, pro)
    blocked = library.create_batch(
        BatchRecord("a boat", "gemini-3.1-flash-image", "21:9", "1K", (4,))
    )[0]
    library.mark_finished(blocked.id, SlotStatus.BLOCKED, message="Blocked:\nsafety.")
    parent = lite[0]
    turns = (TurnRef("user", (TextPart(parent.prompt),)),)
    origin = SlotOrigin(parent.id, parent.prompt, parent.aspect, turns)
    refined = library.create_batch(
        BatchRecord(
            parent.prompt,
            "gemini-3-pro-image-preview",
            "1:1",
            "2K",
            (99,),
            derivation=Derivation.REFINE,
            origins=(origin,),
        )
    )
    _finished(library, refined)
    library.set_flag(lite[0].id, Flag.PICK)
    library.set_rating(lite[0].id, 5)
    library.set_flag(lite[1].id, Flag.REJECT)
    library.set_rating(pro[0].id, 2)


def _offset(line: str, text: str) -> int:
    """The terminal cell at which `text` starts in `line`."""
    return cells(line[: line.index(text)])


def test_every_column_starts_at_the_same_cell_on_every_line() -> None:
    with Library.open(library_dir()) as library:
        _fill(library)
        drafts = library.list_drafts()

    result = run_cli("library", "list")

    assert result.code == 0, str(result)
    lines = result.stdout.splitlines()
    assert len(lines) == len(drafts) == 12
    ends_of_ids = {re.match(r" *\d+", line).end() for line in lines}  # type: ignore[union-attr]
    assert len(ends_of_ids) == 1, result.stdout
    columns: dict[str, set[int]] = {"model": set(), "aspect": set(), "seed": set()}
    prompts, wheres = set(), set()
    for draft, line in zip(drafts, lines, strict=True):
        assert line.lstrip().startswith(f"{draft.id} "), line
        columns["model"].add(_offset(line, draft.model))
        columns["aspect"].add(_offset(line, f"  {draft.aspect}  ") + 2)
        columns["seed"].add(_offset(line, "seed"))
        prompts.add(_offset(line, " ".join(draft.prompt.split())[:8]))
        wheres.add(_offset(line, str(draft.path) if draft.path else "Blocked: safety."))
    for name, offsets in columns.items():
        assert len(offsets) == 1, f"{name} starts at cells {offsets}:\n{result.stdout}"
    assert len(prompts) == 1, result.stdout
    assert len(wheres) == 1, result.stdout
    long_line = next(line for line in lines if "夜の東京" in line)
    prompt = long_line[long_line.index("夜の東京") :].split("  ")[0]
    assert prompt.endswith("…"), long_line
    assert cells(prompt) <= 40, long_line


def _big_library() -> None:
    """Far more than a pipe holds, so the reader's end closes while the command writes."""
    with Library.open(library_dir()) as library:
        seeds = tuple(range(1500))
        library.create_batch(
            BatchRecord("a paper boat " * 4, "gemini-3.1-flash-lite-image", "1:1", "1K", seeds)
        )


def test_piping_into_head_ends_quietly() -> None:
    _big_library()

    shown = subprocess.run(
        ["bash", "-c", '"$@" | head -1', "bash", *CLI, "library", "list"],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=60,
        check=False,
    )

    assert shown.stderr == ""
    assert len(shown.stdout.splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("library", "list"), id="library-list"),
        pytest.param(("library", "list", "--json"), id="library-list-json"),
        pytest.param(("presets", "list"), id="presets-list"),
        pytest.param(("--help",), id="help"),
        pytest.param(("library", "list", "--help"), id="command-help"),
    ],
)
def test_a_reader_that_is_gone_ends_any_command_quietly(args: tuple[str, ...]) -> None:
    _big_library()
    # The read end is closed before the command starts: its first write fails, every time.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        finished = subprocess.run(
            [*CLI, *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(),
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)

    assert finished.stderr == ""
    assert finished.returncode in (0, 141)
