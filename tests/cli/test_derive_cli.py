"""`draft-studio refine|edit|vary` and `library family` as a user runs them: subprocesses
against the sandbox, their summaries, the lineage they leave, and one sentence for bad input."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import Result, db_rows, decodes, library_dir, list_drafts, run_cli

SUMMARY = {"requested", "succeeded", "blocked", "failed", "spend_usd", "wall_s", "images"}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two 16:9 drafts and a blocked one, made once per module by the real CLI."""
    root = tmp_path_factory.mktemp("derive") / "library"
    made = run_cli("--library", str(root), "generate", "a paper boat", "-n", "2", "--sandbox",
                   "--aspect", "16:9", "--seed", "5")  # fmt: skip
    assert made.code == 0, str(made)
    blocked = run_cli("--library", str(root), "generate", "x [sandbox:block]", "--sandbox")
    assert blocked.code == 1, str(blocked)
    return root


@pytest.fixture(autouse=True)
def library(template: Path) -> Path:
    shutil.copytree(template, library_dir())
    return library_dir()


def ok(*args: str) -> dict[str, Any]:
    result = run_cli(*args, "--sandbox", "--json")
    assert result.code == 0, str(result)
    summary = result.json()
    assert summary.keys() >= SUMMARY
    for image in summary["images"]:
        assert decodes(Path(image["path"]))
    return dict(summary)


def refused(*args: str) -> Result:
    batches = len(db_rows(library_dir(), "SELECT id FROM batches"))
    result = run_cli(*args, "--sandbox")
    assert result.code == 2, str(result)
    assert len(result.stderr_lines) == 1, str(result)
    assert "Traceback" not in result.stderr
    # Nothing was recorded, so nothing was sent.
    assert len(db_rows(library_dir(), "SELECT id FROM batches")) == batches
    return result


def by_id() -> dict[int, dict[str, Any]]:
    return {d["id"]: d for d in list_drafts()}


def test_refine_two_drafts_with_the_generate_summary_and_a_cost_preview() -> None:
    summary = ok("refine", "1", "2")
    assert (summary["requested"], summary["succeeded"]) == (2, 2)
    assert summary["failed"] == {}
    assert summary["estimate"] == {
        "count": 2,
        "model": "gemini-3.1-flash-image",
        "model_label": "Nano Banana 2",
        "size": "2K",
        "unit_usd": 0.101,
        "total_usd": 0.202,
        "billed": False,  # on the sandbox: what it would cost
        "batch_job": False,
        "expansion": None,
    }
    assert summary["spend_usd"] == pytest.approx(0.202, abs=0.01)
    drafts = by_id()
    children = [drafts[image["id"]] for image in summary["images"]]
    assert sorted(c["parent_id"] for c in children) == [1, 2]
    assert {c["derivation"] for c in children} == {"refine"}
    assert all(c["instruction"] and c["aspect"] == "16:9" for c in children)
    assert drafts[1]["parent_id"] is None
    assert drafts[1]["derivation"] is None
    assert drafts[1]["instruction"] is None


def test_the_cost_line_comes_before_any_image() -> None:
    result = run_cli("vary", "1", "-n", "3", "--sandbox")
    assert result.code == 0, str(result)
    assert result.stderr_lines[0] == (
        "3 images on Nano Banana 2 Lite · 1K: 3 × $0.0336 would cost $0.10 · "
        "sandbox: nothing billed"
    )


def test_edit_chain_and_vary_with_the_family_tree() -> None:
    edited = ok("edit", "1", "--instruction", "make the sail red")
    (first,) = edited["images"]
    again = ok("edit", str(first["id"]), "--instruction", "add a moon", "-n", "2")
    varied = ok("vary", str(first["id"]), "-n", "2", "--strength", "strong")
    assert (again["succeeded"], varied["succeeded"]) == (2, 2)
    drafts = by_id()
    assert drafts[first["id"]]["instruction"] == "make the sail red"
    assert drafts[first["id"]]["model"] == "gemini-3.1-flash-lite-image"  # its own model

    family = run_cli("library", "family", str(first["id"]), "--json")
    assert family.code == 0, str(family)
    tree = family.json()
    assert tree["draft_id"] == first["id"]
    assert tree["ancestors"] == [1]
    root = tree["tree"]
    assert root["id"] == 1
    (node,) = root["children"]  # the line down to the draft, not its cousins
    assert node["id"] == first["id"]
    kinds = sorted(child["derivation"] for child in node["children"])
    assert kinds == ["edit", "edit", "vary", "vary"]

    text = run_cli("library", "family", str(first["id"]))
    assert text.code == 0, str(text)
    lines = text.stdout.splitlines()
    assert lines[0].startswith("1  draft")
    assert lines[1].startswith("└─ ")
    assert lines[1].endswith("← this draft")
    assert 'edit "make the sail red"' in lines[1]
    assert len(lines) == 6


def test_refine_rerender_and_options() -> None:
    summary = ok("refine", "2", "--rerender", "--model", "gemini-3-pro-image-preview",
                 "--size", "4K")  # fmt: skip
    (image,) = summary["images"]
    child = by_id()[image["id"]]
    assert (child["model"], child["size"], child["seed"]) == (
        "gemini-3-pro-image-preview",
        "4K",
        by_id()[2]["seed"],
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("refine", "99"), "There is no draft with id 99."),
        (("refine", "3"), "Draft 3 has no image (blocked); only a finished image can be refined."),
        (("edit", "1", "--instruction", " "), "the edit instruction is empty"),
        (("vary", "1", "-n", "0"), "The count must be between 1 and 50 per draft."),
        (
            ("refine", "1", "--model", "gemini-3.1-flash-lite-image", "--size", "2K"),
            "Nano Banana 2 Lite does not make 2K images; choose 1K.",
        ),
        (("edit", "1", "--instruction", "x", "--model", "nope"), "Unknown model 'nope'"),
    ],
)
def test_bad_input_is_one_sentence_and_nothing_is_sent(args: tuple[str, ...], words: str) -> None:
    result = refused(*args)
    assert words in result.stderr


def test_a_model_that_cannot_take_images_is_refused() -> None:
    config = Path(os.environ["DRAFT_STUDIO_CONFIG"])
    config.mkdir(parents=True, exist_ok=True)
    overrides = [{"id": "gemini-3.1-flash-image", "max_reference_images": 0}]
    (config / "settings.json").write_text(json.dumps({"model_overrides": overrides}))
    result = refused("refine", "1")
    assert "Nano Banana 2 cannot take input images, so it cannot refine drafts." in result.stderr
