"""User export presets: saved to a real JSON file, read back, validated, shared with the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.core.export import PRESETS, ExportFormat, ExportSettings, Resize, ResizeMode
from studio.core.export.presets import parse_resize
from studio.core.export.user_presets import (
    PresetBook,
    PresetError,
    format_resize,
    preset_id_for,
    settings_from_json,
    settings_to_json,
)

BLOG = ExportSettings(
    ExportFormat.WEBP,
    quality=80,
    resize=Resize(ResizeMode.FIT, 1600, 900, (10, 20, 30)),
    background=(0, 0, 0),
    keep_icc=False,
    max_bytes=500_000,
    name_template="{batch}/{prompt:30}-{index}",
    embed_metadata=False,
    sidecar=True,
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "export-presets.json"


def test_a_saved_preset_survives_a_restart_with_every_setting(path: Path) -> None:
    saved, replaced = PresetBook(path).save("My blog — 1600", BLOG)

    assert (saved.id, saved.label, replaced) == ("my-blog-1600", "My blog — 1600", False)
    reopened = PresetBook(path)
    assert reopened.get("my-blog-1600").settings == BLOG
    assert reopened.problems == []
    # Built-in presets come first, in their own order, then the user's.
    assert [p.id for p in reopened.all()] == [*PRESETS, "my-blog-1600"]


def test_the_file_is_plain_and_editable_by_hand(path: Path) -> None:
    PresetBook(path).save("Blog", BLOG)
    data = json.loads(path.read_text(encoding="utf-8"))
    entry = data["presets"][0]
    assert data["version"] == 1
    assert entry["settings"]["resize"] == "1600x900-fit-#0a141e"
    entry["settings"]["quality"] = 70  # a hand edit
    path.write_text(json.dumps(data), encoding="utf-8")
    assert PresetBook(path).get("blog").settings.quality == 70


def test_saving_the_same_name_replaces_and_delete_removes(path: Path) -> None:
    book = PresetBook(path)
    book.save("Blog", BLOG)
    _, replaced = book.save("blog", ExportSettings(ExportFormat.PNG))
    assert replaced
    assert PresetBook(path).get("blog").settings.format == ExportFormat.PNG
    book.delete("blog")
    with pytest.raises(PresetError, match="no preset 'blog'"):
        PresetBook(path).get("blog")


def test_a_save_elsewhere_is_not_lost(path: Path) -> None:
    """The app and the CLI each hold a book; each save re-reads the file first."""
    app, cli = PresetBook(path), PresetBook(path)
    cli.save("From the CLI", BLOG)
    app.save("From the app", ExportSettings(ExportFormat.PNG))
    assert {p.id for p in PresetBook(path).user.values()} == {"from-the-cli", "from-the-app"}


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("  ", "at least one letter or digit"),
        ("YouTube", "built-in preset"),
        ("x" * 61, "at most 60 characters"),
    ],
)
def test_names_that_cannot_be_saved(path: Path, label: str, message: str) -> None:
    with pytest.raises(PresetError, match=message):
        PresetBook(path).save(label, BLOG)
    assert not path.exists()


def test_built_in_presets_cannot_be_deleted(path: Path) -> None:
    with pytest.raises(PresetError, match="built-in"):
        PresetBook(path).delete("youtube")


def test_invalid_settings_are_refused_with_a_sentence(path: Path) -> None:
    with pytest.raises(PresetError, match="cannot be resized"):
        PresetBook(path).save("Bad", ExportSettings(resize=Resize(ResizeMode.LONG_EDGE, 800)))
    with pytest.raises(PresetError, match="not a name token"):
        PresetBook(path).save("Bad", ExportSettings(name_template="{nope}"))


def test_a_bad_entry_is_skipped_and_the_rest_still_load(path: Path) -> None:
    PresetBook(path).save("Good", BLOG)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["presets"] += [
        {"label": "Loud", "settings": {"quality": True}},
        {"label": "Huge", "settings": {"format": "png", "resize": "99999"}},
        {"label": "Odd", "settings": {"format": "gif"}},
        "not even an object",
    ]
    path.write_text(json.dumps(data), encoding="utf-8")

    book = PresetBook(path)
    assert list(book.user) == ["good"]
    assert book.problems == [
        "The saved preset 'Loud' is skipped: 'quality' cannot be true.",
        "The saved preset 'Huge' is skipped: exports are limited to 16384 pixels on a side.",
        "The saved preset 'Odd' is skipped: "
        "'format' cannot be \"gif\"; use original, png, jpeg, webp.",
        "The saved preset number 5 is skipped: it is not a preset.",
    ]


def test_a_damaged_file_is_kept_aside_and_built_ins_still_work(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"{ not json")
    book = PresetBook(path)
    assert book.user == {}
    assert book.problems == [
        "export-presets.json is damaged, so only built-in presets are offered. "
        "The damaged file is kept as export-presets.json.bak."
    ]
    assert book.get("youtube") is PRESETS["youtube"]
    book.save("Fresh", BLOG)  # the damaged file is safe in .bak, so it may be replaced
    assert path.with_name("export-presets.json.bak").read_bytes() == b"{ not json"
    assert list(PresetBook(path).user) == ["fresh"]


def test_a_folder_that_cannot_be_written_gives_a_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "config"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(PresetError, match="could not be saved"):
        PresetBook(blocker / "export-presets.json").save("Blog", BLOG)


@pytest.mark.parametrize(
    "spec", ["none", "2048", "1280x720-fill", "1080x1350-fit-#ffffff", "10x20-fit-#000000"]
)
def test_resize_specs_round_trip(spec: str) -> None:
    assert format_resize(parse_resize(spec)) == spec


def test_every_built_in_preset_round_trips_through_json() -> None:
    for preset in PRESETS.values():
        assert settings_from_json(settings_to_json(preset.settings)) == preset.settings


def test_missing_keys_take_defaults_and_unknown_keys_are_named() -> None:
    assert settings_from_json({}) == ExportSettings()
    with pytest.raises(PresetError, match="does not know: sharpen"):
        settings_from_json({"sharpen": 1})


def test_ids_are_what_the_command_line_takes() -> None:
    assert preset_id_for("Ünïcode Thumbs 2") == "unicode-thumbs-2"
    assert preset_id_for("../../etc") == "etc"
