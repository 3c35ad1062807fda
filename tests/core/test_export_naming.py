"""Naming templates, sanitising and the parsing of presets and resize specs."""

from __future__ import annotations

import time
from pathlib import Path, PurePosixPath

import pytest

from studio.core.domain import Flag, SlotStatus
from studio.core.export import (
    PRESETS,
    ExportFormat,
    ExportSettings,
    Resize,
    ResizeMode,
    TemplateError,
    parse_colour,
    parse_resize,
    preset,
    render_name,
    sanitise_component,
)
from studio.core.export.naming import MAX_COMPONENT_BYTES, validate_template
from studio.core.library import DraftRecord


def draft(prompt: str = "A red kite, over the sea!", **fields: object) -> DraftRecord:
    values: dict[str, object] = {
        "id": 42,
        "batch_id": 7,
        "slot": 0,
        "status": SlotStatus.SUCCEEDED,
        "prompt": prompt,
        "model": "gemini-3.1-flash-lite-image",
        "aspect": "16:9",
        "size": "1K",
        "seed": 1234,
        "attempts": 1,
        "error_kind": None,
        "error_message": None,
        "block_reason": None,
        "text_note": None,
        "path": Path("/lib/images/x.png"),
        "thumb_path": None,
        "width": 10,
        "height": 10,
        "response_id": None,
        "model_version": None,
        "latency_ms": None,
        "cost_usd": 0.0,
        "flag": Flag.PICK,
        "rating": 5,
        "deleted": False,
        "parent_id": None,
        "sibling_of": None,
        "created_at": time.mktime((2026, 3, 4, 5, 6, 7, 0, 0, -1)),
        "finished_at": None,
    }
    values.update(fields)
    return DraftRecord(**values)  # type: ignore[arg-type]


def test_every_token_renders():
    name = render_name(
        "{date}_{time}_{batch}_{index}_{seed}_{model}_{rating}_{flag}_{id}_{prompt:12}",
        draft(),
        3,
    )
    assert name == PurePosixPath(
        "2026-03-04_050607_7_003_1234_gemini-3.1-flash-lite-image_5_pick_42_a-red-kite-o"
    )


def test_subfolders_come_only_from_the_template():
    assert render_name("{batch}/{flag}/{id}", draft(), 1) == PurePosixPath("7/pick/42")
    assert render_name("{prompt:40}", draft("a/b\\c"), 1) == PurePosixPath("a-b-c")
    assert render_name("{model}", draft(model="evil/../../x"), 1) == PurePosixPath("evil_.._.._x")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CON", "_CON"),
        ("con.txt", "_con.txt"),
        ("LPT1", "_LPT1"),
        ("..", "untitled"),
        ("../..", "_"),
        ("name. ", "name"),
        ('a<b>c:d"e|f?g*h', "a_b_c_d_e_f_g_h"),
        ("tab\there", "tab_here"),
        (".hidden", "hidden"),
        ("", "untitled"),
    ],
)
def test_sanitise(text: str, expected: str):
    assert sanitise_component(text) == expected


def test_long_names_are_cut_on_a_character_boundary():
    cut = sanitise_component("é" * 300)
    assert len(cut.encode("utf-8")) <= MAX_COMPONENT_BYTES
    assert set(cut) == {"é"}


def test_an_empty_render_falls_back_to_the_id():
    assert render_name("{prompt:10}", draft("!!!"), 1) == PurePosixPath("draft-42")
    assert render_name("/{prompt:10}/", draft("!!!"), 1) == PurePosixPath("draft-42")


@pytest.mark.parametrize("template", ["{nope}", "{seed:3}", "{prompt:x}", "{id!r}", "{", ""])
def test_bad_templates_are_refused(template: str):
    with pytest.raises(TemplateError):
        validate_template(template)


def test_presets_match_the_issue():
    assert list(PRESETS) == [
        "original",
        "youtube",
        "instagram-portrait",
        "square",
        "web",
        "print",
    ]
    youtube = preset("youtube")
    assert youtube.format == ExportFormat.JPEG
    assert youtube.resize == Resize(ResizeMode.FILL, 1280, 720)
    assert youtube.max_bytes == 2_000_000
    assert preset("instagram-portrait").resize == Resize(ResizeMode.FILL, 1080, 1350)
    assert preset("square").resize == Resize(ResizeMode.FILL, 1080, 1080)
    assert preset("web").format == ExportFormat.WEBP
    assert preset("web").resize == Resize(ResizeMode.LONG_EDGE, 2048)
    assert preset("print").format == ExportFormat.PNG
    assert preset("original") == ExportSettings()
    for settings in (p.settings for p in PRESETS.values()):
        settings.validate()
    with pytest.raises(ValueError, match="no preset"):
        preset("tiktok")


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("none", Resize()),
        ("2048", Resize(ResizeMode.LONG_EDGE, 2048)),
        ("1280x720", Resize(ResizeMode.FILL, 1280, 720)),
        ("1280x720-fill", Resize(ResizeMode.FILL, 1280, 720)),
        ("1080x1350-fit", Resize(ResizeMode.FIT, 1080, 1350)),
        ("1080x1350-pad-#000000", Resize(ResizeMode.FIT, 1080, 1350, (0, 0, 0))),
        ("10×20-fit-black", Resize(ResizeMode.FIT, 10, 20, (0, 0, 0))),
    ],
)
def test_parse_resize(spec: str, expected: Resize):
    assert parse_resize(spec) == expected


@pytest.mark.parametrize("spec", ["big", "10x", "10x10-stretch", "10x10-fill-#fff000"])
def test_parse_resize_refuses(spec: str):
    with pytest.raises(ValueError, match=r"resize|colour"):
        parse_resize(spec)


def test_parse_colour():
    assert parse_colour("#FF8000") == (255, 128, 0)
    assert parse_colour("white") == (255, 255, 255)
    with pytest.raises(ValueError, match="not a colour"):
        parse_colour("mauve")


def test_settings_validation():
    with pytest.raises(ValueError, match="cannot be resized"):
        ExportSettings(resize=Resize(ResizeMode.LONG_EDGE, 10)).validate()
    with pytest.raises(ValueError, match="Quality"):
        ExportSettings(ExportFormat.JPEG, quality=0).validate()
