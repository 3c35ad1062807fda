"""`draft-studio presets` and `export --preset` with a saved preset, as a user runs them."""

from __future__ import annotations

from pathlib import Path

from studio.core.domain import Flag
from tests.cli.helpers import run_cli, run_many
from tests.cli.test_export_cli import seed_library


def test_a_saved_preset_exports_with_its_own_names_and_settings(tmp_path: Path):
    ids = seed_library([Flag.PICK, Flag.PICK])
    saved = run_cli(
        "presets", "save", "Blog thumbs", "--preset", "web", "--quality", "70",
        "--resize", "48", "--name", "{prompt:10}/{id}", "--sidecar",
    )  # fmt: skip
    assert saved.code == 0, str(saved)
    assert saved.stderr.strip() == (
        "Saved preset 'Blog thumbs': WEBP · long edge 48 px · quality 70. "
        "Use it with --preset blog-thumbs."
    )

    listed, exported, overridden = run_many(
        ("presets", "list", "--json"),
        ("export", "--picks", "--to", str(tmp_path / "a"), "--preset", "blog-thumbs", "--json"),
        (
            "export", "--picks", "--to", str(tmp_path / "b"), "--preset", "blog-thumbs",
            "--quality", "40", "--name", "{id}", "--json",
        ),
    )  # fmt: skip
    assert listed.code == 0, str(listed)
    mine = [p for p in listed.json() if not p["builtin"]]
    assert [p["id"] for p in mine] == ["blog-thumbs"]
    assert mine[0]["settings"]["resize"] == "48"

    assert exported.code == 0, str(exported)
    results = exported.json()["results"]
    assert [r["quality"] for r in results] == [70, 70]
    assert [r["width"] for r in results] == [48, 48]
    # The preset's own name template and sidecar choice, not the defaults.
    folder = tmp_path / "a" / "a-lighthou"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{i}{ext}" for i in ids for ext in (".webp", ".json")
    )

    assert overridden.code == 0, str(overridden)
    assert [r["quality"] for r in overridden.json()["results"]] == [40, 40]
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == sorted(
        f"{i}{ext}" for i in ids for ext in (".webp", ".json")
    )


def test_saving_again_replaces_and_delete_removes(tmp_path: Path):
    seed_library([Flag.PICK])
    first = run_cli("presets", "save", "Square JPEG", "--preset", "square")
    assert first.code == 0, str(first)
    again = run_cli("presets", "save", "square jpeg", "--preset", "square", "--quality", "75")
    assert again.code == 0, str(again)
    assert again.stderr.startswith("Replaced preset 'square jpeg'")
    deleted = run_cli("presets", "delete", "square-jpeg")
    assert deleted.code == 0, str(deleted)
    assert deleted.stderr.strip() == "Deleted preset 'square jpeg'."

    gone, listed = run_many(
        ("export", "--picks", "--to", str(tmp_path / "o"), "--preset", "square-jpeg"),
        ("presets", "list"),
    )
    assert gone.code == 2
    assert "There is no preset 'square-jpeg'" in gone.stderr
    assert listed.code == 0
    assert "square-jpeg" not in listed.stdout
    assert listed.stdout.splitlines()[1].split()[:2] == ["youtube", "YouTube"]


def test_mistakes_are_one_sentence_and_exit_2():
    cases = run_many(
        ("presets", "save", "YouTube", "--format", "png"),
        ("presets", "save", "!!!"),
        ("presets", "save", "Bad", "--name", "{nope}"),
        ("presets", "save", "Bad", "--preset", "nope"),
        ("presets", "delete", "youtube"),
        ("presets", "delete", "never-saved"),
    )
    expected = [
        "'YouTube' is the name of a built-in preset; choose another name.",
        "A preset name needs at least one letter or digit.",
        "'{nope}' is not a name token",
        "There is no preset 'nope'",
        "'youtube' is a built-in preset and cannot be deleted.",
        "There is no saved preset 'never-saved'.",
    ]
    for result, sentence in zip(cases, expected, strict=True):
        assert result.code == 2, str(result)
        assert len(result.stderr_lines) == 1, str(result)
        assert sentence in result.stderr
