"""`draft-studio library list|flag|rate` on a library filled by a sandbox batch."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tests.cli.helpers import (
    cli_env,
    library_dir,
    list_drafts,
    run_cli,
    run_many,
    stored_drafts,
)

FIELDS = {
    "id",
    "status",
    "prompt",
    "model",
    "seed",
    "aspect",
    "path",
    "flag",
    "rating",
    "cost_usd",
    "created_at",
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int]]:
    """A library made once per module: three drafts and one blocked draft (no image)."""
    home = tmp_path_factory.mktemp("template")
    env = {
        name: value
        for name, value in cli_env().items()
        if not name.startswith(("GEMINI_", "GOOGLE_API_KEY", "DRAFT_STUDIO_LIBRARY"))
    }
    env["DRAFT_STUDIO_CONFIG"] = str(home / "config")
    env["DRAFT_STUDIO_LOGS"] = str(home / "logs")
    root = home / "library"
    made = run_cli(
        "--library", str(root), "generate", "a paper boat", "--sandbox", "--json", "-n", "3",
        "--seed", "40", env=env,
    )  # fmt: skip
    assert made.code == 0, str(made)
    blocked = run_cli(
        "--library", str(root), "generate", "a boat [sandbox:block]", "--sandbox", env=env
    )
    assert blocked.code == 1, str(blocked)
    ids = sorted(image["id"] for image in made.json()["images"])
    assert len(ids) == 3
    return root, ids


@pytest.fixture
def draft_ids(template: tuple[Path, list[int]]) -> list[int]:
    """A fresh copy of the template library where the CLI looks for it; the drafts' ids."""
    root, ids = template
    shutil.copytree(root, library_dir())
    return ids


def _ids(*flags: str) -> set[int]:
    return {d["id"] for d in list_drafts(None, *flags)}


def test_list_json_has_the_documented_fields(draft_ids: list[int]) -> None:
    drafts = list_drafts()

    assert len(drafts) == 4
    for draft in drafts:
        assert draft.keys() >= FIELDS, sorted(FIELDS - draft.keys())
        dt.datetime.strptime(draft["created_at"], "%Y-%m-%dT%H:%M:%S%z")
    by_id = {d["id"]: d for d in drafts}
    for draft_id in draft_ids:
        draft = by_id[draft_id]
        assert draft["status"] == "succeeded"
        assert draft["prompt"] == "a paper boat"
        assert draft["model"] == "gemini-3.1-flash-lite-image"
        assert draft["aspect"] == "1:1"
        assert draft["flag"] == "none"
        assert draft["rating"] == 0
        assert draft["cost_usd"] > 0
        assert Path(draft["path"]).is_file()
    assert sorted(by_id[i]["seed"] for i in draft_ids) == [40, 41, 42]
    (blocked,) = [d for d in drafts if d["id"] not in draft_ids]
    assert blocked["status"] == "blocked"
    assert blocked["path"] is None


def test_flag_and_rate_filter_the_list(draft_ids: list[int]) -> None:
    first, second, third = draft_ids

    mutations = run_many(
        ("library", "flag", str(first), "pick"),
        ("library", "flag", str(second), "reject"),
        ("library", "rate", str(first), "4"),
        ("library", "rate", str(second), "5"),
        ("library", "rate", str(third), "3"),
    )
    for result in mutations:
        assert result.code == 0, str(result)
        assert result.stdout == ""

    picks, four, three, none, everything = (
        result.json()
        for result in run_many(
            ("library", "list", "--json", "--picks"),
            ("library", "list", "--json", "--min-rating", "4"),
            ("library", "list", "--json", "--min-rating", "3"),
            ("library", "list", "--json", "--picks", "--min-rating", "5"),
            ("library", "list", "--json"),
        )
    )
    assert {d["id"] for d in picks} == {first}
    assert {d["id"] for d in four} == {first, second}
    assert {d["id"] for d in three} == set(draft_ids)
    assert none == []
    by_id = {d["id"]: d for d in everything}
    assert (by_id[first]["flag"], by_id[first]["rating"]) == ("pick", 4)
    assert (by_id[second]["flag"], by_id[second]["rating"]) == ("reject", 5)
    assert (by_id[third]["flag"], by_id[third]["rating"]) == ("none", 3)

    # Flags can be taken back.
    assert run_cli("library", "flag", str(first), "none").code == 0
    assert _ids("--picks") == set()


def test_plain_list_shows_one_line_per_draft(draft_ids: list[int]) -> None:
    result = run_cli("library", "list")

    assert result.code == 0, str(result)
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert all(line.split()[0].isdigit() for line in lines)


def test_flag_of_unknown_id_or_imageless_draft_exits_1(draft_ids: list[int]) -> None:
    (blocked,) = {d["id"] for d in stored_drafts()} - set(draft_ids)

    unknown, imageless = run_many(
        ("library", "flag", "999999", "pick"), ("library", "flag", str(blocked), "pick")
    )

    for result in (unknown, imageless):
        assert result.code == 1, str(result)
        assert len(result.stderr_lines) == 1, str(result)
        assert "Traceback" not in result.stderr
    assert "999999" in unknown.stderr
    assert "no image" in imageless.stderr
    assert all(d["flag"] == "none" for d in stored_drafts())


def test_rating_out_of_range_exits_2(draft_ids: list[int]) -> None:
    results = run_many(*(("library", "rate", str(draft_ids[0]), r) for r in ("9", "-1", "four")))

    for result in results:
        assert result.code == 2, str(result)
        assert len(result.stderr_lines) == 1, str(result)
        assert "rating" in result.stderr
        assert "Traceback" not in result.stderr
    assert all(d["rating"] == 0 for d in stored_drafts())


def test_min_rating_out_of_range_exits_2() -> None:
    result = run_cli("library", "list", "--min-rating", "6")

    assert result.code == 2, str(result)
    assert len(result.stderr_lines) == 1, str(result)
