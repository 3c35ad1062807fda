from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from studio.core.domain import Flag, SlotStatus
from studio.core.library import Library
from studio.core.library.records import DraftRecord
from studio.models.family import FamilyModel
from studio.models.thumbnails import ThumbnailCache
from studio.ui.inspector import EMPTY_TEXT, Inspector, time_text


def record(draft_id: int, path: Path | None, **changes: Any) -> DraftRecord:
    fields: dict[str, Any] = {
        "id": draft_id,
        "batch_id": 1,
        "slot": 0,
        "status": SlotStatus.SUCCEEDED,
        "prompt": "matte ceramic mug on linen, soft window light",
        "model": "gemini-3.1-flash-lite-image",
        "aspect": "16:9",
        "size": "1K",
        "seed": 482913,
        "attempts": 1,
        "error_kind": None,
        "error_message": None,
        "block_reason": None,
        "text_note": None,
        "path": path,
        "thumb_path": None,
        "width": 1344,
        "height": 768,
        "response_id": None,
        "model_version": None,
        "latency_ms": 2412,
        "cost_usd": 0.0336,
        "flag": Flag.PICK,
        "rating": 3,
        "deleted": False,
        "parent_id": None,
        "sibling_of": None,
        "created_at": time.time(),
        "finished_at": None,
    }
    fields.update(changes)
    return DraftRecord(**fields)


@pytest.fixture
def image(tmp_path: Path) -> Path:
    path = tmp_path / "draft.png"
    Image.new("RGB", (1344, 768), (40, 90, 160)).save(path)
    return path


@pytest.fixture
def inspector(qtbot, tmp_path: Path) -> Iterator[Inspector]:
    with Library.open(tmp_path / "library") as library:
        yield _shown(qtbot, Inspector(FamilyModel(library), ThumbnailCache()))


def _shown(qtbot, inspector: Inspector) -> Inspector:
    qtbot.addWidget(inspector)
    inspector.resize(320, 800)
    inspector.show()
    return inspector


def test_starts_empty(inspector):
    assert inspector.accessibleName() == "Inspector"
    assert inspector.showing_empty_state
    assert inspector.empty.text() == EMPTY_TEXT
    assert not inspector.copy_button.isEnabled()


def test_shows_every_field(qtbot, inspector, image):
    draft = record(7, image)

    inspector.show_draft(draft)

    assert not inspector.showing_empty_state
    assert inspector.prompt.text() == draft.prompt
    fields = {name: label.text() for name, label in inspector.fields.items()}
    assert fields["Model"] == "Nano Banana 2 Lite"
    assert fields["Aspect"] == "16:9"
    assert fields["Size"] == "1K · 1344 × 768"
    assert fields["Seed"] == "482913"
    assert fields["Cost"] == "$0.0336"
    assert fields["Latency"] == "2.4 s"
    assert fields["Time"].startswith("Today, ")
    assert inspector.marks.accessibleName() == "✓ Pick, 3 of 5 stars"
    assert inspector.status.isHidden()
    assert inspector.prompt.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    qtbot.waitUntil(lambda: inspector.preview.has_image, timeout=5000)
    preview = inspector.preview
    assert preview.height() == pytest.approx(preview.width() * 768 / 1344, abs=1)


def test_a_failed_slot_explains_itself(inspector):
    inspector.show_draft(
        record(
            8,
            None,
            status=SlotStatus.FAILED,
            error_message="The service timed out.",
            latency_ms=None,
            cost_usd=0.0,
            attempts=3,
        )
    )

    assert not inspector.status.isHidden()
    assert "Failed: The service timed out." in inspector.status.text()
    assert inspector.preview.message == "Failed"
    assert inspector.fields["Latency"].text() == "— · 3 attempts"
    assert inspector.fields["Cost"].text() == "$0.0000"


@pytest.mark.parametrize("status", list(SlotStatus))
def test_retry_only_for_slots_that_did_not_finish_well(inspector, status):
    inspector.show_draft(record(9, None, status=status))

    ended_without_image = {
        SlotStatus.FAILED,
        SlotStatus.BLOCKED,
        SlotStatus.CANCELLED,
        SlotStatus.INTERRUPTED,
    }
    assert inspector.retry_button.isEnabled() == (status in ended_without_image)
    assert inspector.reuse_button.isEnabled()


def test_reveal_only_when_the_file_exists(inspector, image, tmp_path):
    inspector.show_draft(record(1, image))
    assert inspector.reveal_button.isEnabled()

    inspector.show_draft(record(2, tmp_path / "gone.png"))
    assert not inspector.reveal_button.isEnabled()

    inspector.show_draft(record(3, None, status=SlotStatus.BLOCKED))
    assert not inspector.reveal_button.isEnabled()


def test_buttons_emit_their_signals(qtbot, inspector, image):
    inspector.show_draft(record(11, image, status=SlotStatus.INTERRUPTED))

    with qtbot.waitSignal(inspector.reuse_requested, timeout=1000) as reuse:
        qtbot.mouseClick(inspector.reuse_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(inspector.retry_requested, timeout=1000) as retry:
        qtbot.mouseClick(inspector.retry_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(inspector.reveal_requested, timeout=1000) as reveal:
        qtbot.mouseClick(inspector.reveal_button, Qt.MouseButton.LeftButton)

    assert reuse.args == [11]
    assert retry.args == [11]
    assert reveal.args == [image]


def test_copy_prompt_puts_it_on_the_clipboard(qtbot, inspector, image):
    draft = record(12, image)
    inspector.show_draft(draft)
    QGuiApplication.clipboard().clear()

    with qtbot.waitSignal(inspector.copy_prompt_requested, timeout=1000) as copied:
        qtbot.mouseClick(inspector.copy_button, Qt.MouseButton.LeftButton)

    assert QGuiApplication.clipboard().text() == draft.prompt
    assert copied.args == [draft.prompt]
    assert inspector.copy_button.text() == "Copied ✓"


def test_tooltips_name_the_shortcuts(inspector):
    tips = [
        button.toolTip()
        for button in (
            inspector.copy_button,
            inspector.reuse_button,
            inspector.retry_button,
            inspector.reveal_button,
        )
    ]

    assert all(tip.endswith(")") and "Ctrl+Shift+" in tip for tip in tips), tips


def test_a_flag_change_keeps_the_picture(qtbot, inspector, image):
    inspector.show_draft(record(13, image))
    qtbot.waitUntil(lambda: inspector.preview.has_image, timeout=5000)

    inspector.show_draft(record(13, image, flag=Flag.REJECT, rating=0))

    assert inspector.preview.has_image
    assert inspector.marks.accessibleName() == "✕ Reject, Not rated"


def test_time_reads_like_a_person_would_say_it():
    now = datetime(2026, 3, 12, 15, 0)

    assert time_text(datetime(2026, 3, 12, 9, 5).timestamp(), now) == "Today, 09:05"
    assert time_text(datetime(2026, 3, 11, 23, 59).timestamp(), now) == "Yesterday, 23:59"
    assert time_text(datetime(2026, 2, 1, 8, 0).timestamp(), now) == "1 Feb 2026, 08:00"


def test_a_sandbox_draft_says_what_it_would_cost(qtbot, inspector, image):
    inspector.show_draft(record(7, image, billed=False))

    assert inspector.fields["Cost"].text() == "would cost $0.0336 · sandbox: nothing billed"
