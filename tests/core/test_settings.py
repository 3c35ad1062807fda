from __future__ import annotations

import json
import logging
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from studio.core import settings as settings_module
from studio.core.catalog import DRAFT_MODEL
from studio.core.paths import AppPaths
from studio.core.settings import MAX_RECENT_PROMPTS, Settings

KEY = "AIzaSyD3m0-k3y_f0r-T3sts-0nly-aBcDeFgHi"


@pytest.fixture
def path(isolated_env: Path) -> Path:
    return AppPaths.resolve().settings_file


def write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_paths_come_from_the_environment_and_the_command_line(
    isolated_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = AppPaths.resolve()
    assert paths.library == isolated_env / "library"
    assert paths.config == isolated_env / "config"
    assert paths.logs == isolated_env / "logs"
    assert not paths.config.exists()

    assert AppPaths.resolve(tmp_path / "cli").library == tmp_path / "cli"
    monkeypatch.setenv("HOME", str(tmp_path))
    assert AppPaths.resolve("~/drafts").library == tmp_path / "drafts"


def test_paths_default_to_the_platform_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DRAFT_STUDIO_LIBRARY", "DRAFT_STUDIO_CONFIG", "DRAFT_STUDIO_LOGS"):
        monkeypatch.delenv(name)

    paths = AppPaths.resolve()

    assert paths.library.parts[-2:] == ("draft-studio", "library")
    assert "draft-studio" in paths.config.parts
    assert "draft-studio" in paths.logs.parts


def test_missing_file_gives_defaults_without_warnings(path: Path) -> None:
    loaded = Settings.load(path)

    assert loaded == Settings()
    assert loaded.warnings == ()


def test_round_trip(path: Path) -> None:
    original = Settings(
        default_model="gemini-3.1-flash-image",
        default_aspect="16:9",
        default_size="2K",
        max_concurrency=16,
        session_budget_usd=2.5,
        daily_budget_usd=10,
        request_timeout_s=120,
        api_version="v1beta",
        model_overrides=({"id": DRAFT_MODEL, "price_per_image": {"1K": 0.04}},),
        recent_prompts=("a red fox", "a blue whale"),
        keep_focus_in_prompt=True,
    )

    original.save(path)
    loaded = Settings.load(path)

    assert loaded == original
    assert loaded.warnings == ()


def test_bad_values_fall_back_to_defaults_with_warnings(path: Path) -> None:
    write(
        path,
        {
            "schema_version": 1,
            "default_model": "gemini-9-imaginary",
            "default_aspect": 7,
            "max_concurrency": 0,
            "session_budget_usd": -1,
            "daily_budget_usd": "lots",
            "request_timeout_s": True,
            "api_version": "v2",
            "model_overrides": {"id": "x"},
            "recent_prompts": ["ok", 3],
            "keep_focus_in_prompt": "yes",
            "colour": "blue",
        },
    )

    loaded = Settings.load(path)

    assert replace(loaded, recent_prompts=()) == Settings()
    assert loaded.recent_prompts == ("ok",)
    assert "max_concurrency 0 in settings.json is out of range 1-64; using 64." in loaded.warnings
    assert (
        'default_model "gemini-9-imaginary" in settings.json is not a known model; '
        f'using "{DRAFT_MODEL}".'
    ) in loaded.warnings
    assert (
        'keep_focus_in_prompt "yes" in settings.json is not true or false; using false.'
    ) in loaded.warnings
    assert len(loaded.warnings) == 11, loaded.warnings


def test_default_size_must_suit_the_default_model(path: Path) -> None:
    write(path, {"default_model": DRAFT_MODEL, "default_size": "4K"})

    loaded = Settings.load(path)

    assert loaded.default_size == "1K"
    assert loaded.warnings == (
        'default_size "4K" in settings.json is not offered by Nano Banana 2 Lite; using "1K".',
    )


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b"\xff\xfe\x00garbage"])
def test_corrupt_file_gives_defaults_and_keeps_a_backup(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(content)

    loaded = Settings.load(path)

    assert loaded == Settings()
    assert loaded.warnings == (
        "settings.json is damaged; using defaults. The damaged file is kept as settings.json.bak.",
    )
    assert path.with_name("settings.json.bak").read_bytes() == content


def test_recent_prompts_are_capped_and_newest_first(path: Path) -> None:
    write(path, {"recent_prompts": [f"prompt {n}" for n in range(250)]})
    loaded = Settings.load(path)
    assert len(loaded.recent_prompts) == MAX_RECENT_PROMPTS

    updated = loaded.remember_prompt("prompt 5").remember_prompt("   ")

    assert updated.recent_prompts[:2] == ("prompt 5", "prompt 0")
    assert len(updated.recent_prompts) == MAX_RECENT_PROMPTS


def test_save_is_atomic_and_leaves_no_temp_files(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Settings(max_concurrency=4).save(path)
    Settings(max_concurrency=5).save(path)
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]

    def crash(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        Settings(max_concurrency=6).save(path)

    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]
    assert Settings.load(path).max_concurrency == 5


def test_a_key_pasted_as_a_prompt_is_never_saved(path: Path) -> None:
    settings = Settings().remember_prompt("a cat").remember_prompt(f"oops {KEY}")

    settings.save(path)
    text = path.read_text(encoding="utf-8")

    assert KEY not in text
    assert json.loads(text)["recent_prompts"] == ["a cat"]


def test_warnings_never_echo_an_api_key(path: Path) -> None:
    write(path, {"default_model": KEY, KEY: 1})

    warnings = " ".join(Settings.load(path).warnings)

    assert KEY not in warnings
    assert "[redacted]" in warnings


def test_catalog_applies_overrides_and_skips_invalid_ones(
    path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    custom = {
        "id": "my-tuned-model",
        "sizes": ["1K"],
        "ratios": ["1:1"],
        "price_per_image": {"1K": 0.01},
    }
    write(
        path,
        {
            "default_model": "my-tuned-model",
            "model_overrides": [
                {"id": DRAFT_MODEL, "price_per_image": {"1K": 0.05}},
                custom,
                {"id": "half-done", "sizes": ["1K"]},
                {"id": "weird", "sizes": ["3K"], "ratios": ["1:1"], "price_per_image": {}},
                "not a model",
            ],
        },
    )

    loaded = Settings.load(path)
    with caplog.at_level(logging.WARNING):
        catalog = loaded.catalog()

    assert catalog.get(DRAFT_MODEL).price("1K") == 0.05
    assert catalog.get("my-tuned-model").price("1K") == 0.01
    assert "half-done" not in catalog.ids()
    assert "weird" not in catalog.ids()
    assert loaded.default_model == "my-tuned-model"
    assert len(loaded.model_overrides) == 4  # kept so a later fix in the file is not lost
    assert [w for w in loaded.warnings if "model edit" in w] == [
        "The model edit \"half-done\" is ignored: it has no 'ratios'.",
        'The model edit "weird" is ignored: Model weird lists sizes or ratios Draft Studio '
        "cannot draw.",
    ]
    assert len(caplog.records) == 2


def test_older_schema_versions_are_migrated(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def rename_workers(data: dict[str, Any]) -> dict[str, Any]:
        data = dict(data)
        data["max_concurrency"] = data.pop("workers")
        return data

    monkeypatch.setattr(settings_module, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(settings_module._MIGRATIONS, 1, rename_workers)
    write(path, {"schema_version": 1, "workers": 3})

    loaded = Settings.load(path)

    assert loaded.max_concurrency == 3
    assert loaded.warnings == ()


def test_newer_schema_is_read_with_a_warning(path: Path) -> None:
    write(path, {"schema_version": 99, "max_concurrency": 3})

    loaded = Settings.load(path)

    assert loaded.max_concurrency == 3
    assert "newer Draft Studio (schema 99)" in loaded.warnings[0]


def test_the_grid_view_round_trips_and_bad_values_fall_back(path: Path) -> None:
    chosen = Settings(
        grid_filter="picks",
        grid_min_rating=4,
        grid_model="gemini-3-pro-image-preview",
        grid_made="refine",
        grid_order="rank",
    )
    chosen.save(path)
    assert Settings.load(path) == chosen

    write(path, {"grid_filter": "best", "grid_min_rating": 9, "grid_model": 3, "grid_order": 1})
    loaded = Settings.load(path)
    assert (loaded.grid_filter, loaded.grid_min_rating, loaded.grid_model) == ("all", 3, None)
    assert loaded.grid_order == "newest"
    assert len(loaded.warnings) == 4
    assert any('grid_filter "best"' in warning for warning in loaded.warnings)


def test_a_settings_file_from_before_the_grid_view_still_loads(path: Path) -> None:
    write(path, {"schema_version": 1, "default_model": DRAFT_MODEL, "recent_prompts": ["a fox"]})
    loaded = Settings.load(path)
    assert loaded.warnings == ()
    assert loaded.recent_prompts == ("a fox",)
    assert (loaded.grid_filter, loaded.grid_made, loaded.grid_order) == ("all", "any", "newest")
    assert loaded.grid_model is None
