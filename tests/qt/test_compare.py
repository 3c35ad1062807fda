from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QCursor, QImage, QMouseEvent, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from studio.core.domain import Flag, SlotStatus
from studio.core.library.records import DraftRecord
from studio.models.image_loader import ImageLoader
from studio.ui.compare import HINTS, CompareView, Side
from studio.ui.loupe import Loupe

# Where the white square sits in every test image, in 0–1 image coordinates.
SQUARE = (0.55, 0.30, 0.70, 0.50)


def make_png(path: Path, size: tuple[int, int], background: tuple[int, int, int]) -> Path:
    image = Image.new("RGB", size, background)
    w, h = size
    x0, y0, x1, y1 = SQUARE
    ImageDraw.Draw(image).rectangle(
        [round(x0 * w), round(y0 * h), round(x1 * w) - 1, round(y1 * h) - 1], fill=(255, 255, 255)
    )
    image.save(path)
    return path


def record(draft_id: int, path: Path | None, **changes: Any) -> DraftRecord:
    fields: dict[str, Any] = {
        "id": draft_id,
        "batch_id": 1,
        "slot": draft_id,
        "status": SlotStatus.SUCCEEDED,
        "prompt": "a lighthouse at dawn, risograph",
        "model": "gemini-3.1-flash-lite-image",
        "aspect": "16:10",
        "size": "1K",
        "seed": 1000 + draft_id,
        "attempts": 1,
        "error_kind": None,
        "error_message": None,
        "block_reason": None,
        "text_note": None,
        "path": path,
        "thumb_path": None,
        "width": None,
        "height": None,
        "response_id": None,
        "model_version": None,
        "latency_ms": 2400,
        "cost_usd": 0.0336,
        "flag": Flag.NONE,
        "rating": 0,
        "deleted": False,
        "parent_id": None,
        "sibling_of": None,
        "created_at": time.time(),
        "finished_at": None,
    }
    fields.update(changes)
    return DraftRecord(**fields)


@pytest.fixture(autouse=True)
def mouse_elsewhere() -> None:
    # The offscreen cursor starts over new windows, and Z zooms at the cursor when it is there.
    QCursor.setPos(QPoint(5000, 5000))


@pytest.fixture
def drafts(tmp_path: Path) -> list[DraftRecord]:
    colours = [(200, 30, 30), (30, 60, 200), (30, 160, 60), (120, 40, 160)]
    sizes = [(800, 500), (800, 500), (640, 400), (1000, 625)]
    return [
        record(i + 1, make_png(tmp_path / f"draft{i + 1}.png", size, colour))
        for i, (size, colour) in enumerate(zip(sizes, colours, strict=True))
    ]


@pytest.fixture
def view(qtbot, drafts: list[DraftRecord]) -> CompareView:
    view = CompareView()
    qtbot.addWidget(view)
    view.resize(1101, 750)  # two 550 px panes either side of the 1 px divider
    view.show()
    view.set_candidates(drafts)
    wait_loaded(qtbot, view)
    return view


def wait_loaded(qtbot, view: CompareView) -> None:
    qtbot.waitUntil(lambda: all(view.pane(side).has_image for side in Side), timeout=5000)


def white_box(image: QImage) -> tuple[int, int, int, int] | None:
    """Bounding box of the white square as painted, in widget pixels."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    size = (rgb.width(), rgb.height())
    pixels = bytes(rgb.constBits())
    painted = Image.frombytes("RGB", size, pixels, "raw", "RGB", rgb.bytesPerLine()).convert("L")
    # Blank the two-pixel focus frame the active pane draws over its edges.
    inner = Image.new("L", painted.size, 0)
    inner.paste(painted.crop((2, 2, painted.width - 2, painted.height - 2)), (2, 2))
    return inner.point(lambda v: 255 if v > 245 else 0).getbbox()


def wheel(widget, pos: QPointF, notches: int) -> None:
    event = QWheelEvent(
        pos,
        widget.mapToGlobal(pos),
        QPoint(),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def mouse(widget, kind: QMouseEvent.Type, pos: QPointF, buttons: Qt.MouseButton) -> None:
    button = Qt.MouseButton.NoButton if kind == QMouseEvent.Type.MouseMove else buttons
    event = QMouseEvent(
        kind, pos, widget.mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, event)


def press(widget, key: Qt.Key) -> None:
    QTest.keyClick(widget, key)


def assert_same_place(left: QImage, right: QImage) -> tuple[int, int, int, int]:
    a, b = white_box(left), white_box(right)
    assert a is not None
    assert b is not None
    assert a == b
    return a


def test_both_panes_load_and_captions_describe_the_drafts(view, drafts):
    assert view.accessibleName() == "Compare"
    assert view.pane(Side.LEFT).path == drafts[0].path
    assert view.pane(Side.RIGHT).path == drafts[1].path
    assert view.pane(Side.LEFT).image_size.width() == 800
    left, right = view.caption(Side.LEFT), view.caption(Side.RIGHT)
    assert right.details.text() == f"Nano Banana 2 Lite · seed {drafts[1].seed}"
    assert right.flag.accessibleName() == "Unflagged"
    assert right.position.text() == "2 / 4"
    assert left.badge.accessibleName() == "Side A"
    assert view.hints.text() == HINTS
    assert view.zoom_label.text() == "Fit"
    assert view.active_side is Side.RIGHT


async def test_loads_on_the_qasync_loop(qtbot, drafts):
    view = CompareView()
    qtbot.addWidget(view)
    view.resize(1100, 750)
    arrived: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    seen: set[Path] = set()

    def loaded(path: Path, image: QImage) -> None:
        seen.add(path)
        if len(seen) == 2 and not arrived.done():
            arrived.set_result(None)

    view.loader.loaded.connect(loaded)
    view.set_candidates(drafts, left=2, right=3)
    assert view.pane(Side.LEFT).message == "Loading…"
    await asyncio.wait_for(arrived, timeout=5)
    assert view.pane(Side.LEFT).image_size.width() == 640
    assert view.pane(Side.RIGHT).image_size.width() == 1000


def test_wheel_on_one_pane_zooms_both(view):
    left, right = view.pane(Side.LEFT), view.pane(Side.RIGHT)
    at_fit = assert_same_place(left.grab().toImage(), right.grab().toImage())

    wheel(left, QPointF(300, 250), 3)

    state = view.view_state
    assert state.zoom is not None
    assert state.zoom > left.fit_zoom()
    assert left.state is right.state is state
    zoomed = assert_same_place(left.grab().toImage(), right.grab().toImage())
    assert zoomed[2] - zoomed[0] > at_fit[2] - at_fit[0]
    assert view.zoom_label.text() == f"{round(state.zoom * 100)} %"


def test_wheel_keeps_the_point_under_the_cursor(view):
    left = view.pane(Side.LEFT)
    # Large enough to overflow the pane both ways, so nothing re-centres the image.
    view.view_state.set_zoom(1.5)
    before = white_box(left.grab().toImage())
    assert before is not None

    wheel(left, QPointF(before[0], before[1]), 1)

    assert view.view_state.zoom == pytest.approx(1.5 * 1.25)
    after = white_box(left.grab().toImage())
    assert after is not None
    assert abs(after[0] - before[0]) <= 1
    assert abs(after[1] - before[1]) <= 1


def test_drag_pans_both_panes(view):
    left, right = view.pane(Side.LEFT), view.pane(Side.RIGHT)
    view.view_state.set_zoom(2.0)
    start = assert_same_place(left.grab().toImage(), right.grab().toImage())
    centre = view.view_state.centre

    mouse(left, QMouseEvent.Type.MouseButtonPress, QPointF(200, 200), Qt.MouseButton.LeftButton)
    mouse(left, QMouseEvent.Type.MouseMove, QPointF(160, 230), Qt.MouseButton.LeftButton)
    mouse(left, QMouseEvent.Type.MouseButtonRelease, QPointF(160, 230), Qt.MouseButton.LeftButton)

    moved = view.view_state.centre
    assert moved.x() == pytest.approx(centre.x() + 40 / (800 * 2))
    assert moved.y() == pytest.approx(centre.y() - 30 / (500 * 2))
    panned = assert_same_place(left.grab().toImage(), right.grab().toImage())
    assert (panned[0] - start[0], panned[1] - start[1]) == (-40, 30)


def test_z_toggles_fit_and_one_to_one(view):
    right = view.pane(Side.RIGHT)

    press(view, Qt.Key.Key_Z)

    assert view.view_state.zoom == 1.0
    assert view.zoom_label.text() == "100 %"
    box = white_box(right.grab().toImage())
    assert box is not None
    # 100 %: the 120 × 100 px square covers exactly 120 × 100 device pixels.
    assert (box[2] - box[0], box[3] - box[1]) == (120, 100)

    press(view, Qt.Key.Key_Z)
    assert view.view_state.fit
    assert view.zoom_label.text() == "Fit"

    press(view, Qt.Key.Key_Z)
    press(view, Qt.Key.Key_F)
    assert view.view_state.fit


def test_right_arrow_brings_the_next_candidate_in_on_the_right(qtbot, view, drafts):
    seen = []
    view.pair_changed.connect(lambda a, b: seen.append((a, b)))

    for _ in range(3):
        press(view, Qt.Key.Key_Right)
        seen_right = view.draft(Side.RIGHT)
        assert seen_right is not None
        assert view.pane(Side.RIGHT).path == seen_right.path
    press(view, Qt.Key.Key_Left)

    # 2 → 3 → 4 → (skips A, draft 1) → 2, then back to 4.
    assert seen == [(1, 3), (1, 4), (1, 2), (1, 4)]
    assert view.draft(Side.LEFT) == drafts[0]
    qtbot.waitUntil(lambda: view.pane(Side.RIGHT).has_image, timeout=5000)
    assert view.pane(Side.RIGHT).image_size.width() == 1000


def test_s_swaps_sides_without_reloading(view, drafts):
    press(view, Qt.Key.Key_S)

    assert view.draft(Side.LEFT) == drafts[1]
    assert view.draft(Side.RIGHT) == drafts[0]
    assert view.pane(Side.LEFT).path == drafts[1].path
    assert view.pane(Side.LEFT).has_image
    assert view.pane(Side.RIGHT).has_image
    assert view.caption(Side.LEFT).position.text() == "2 / 4"
    assert view.active_side is Side.RIGHT


def test_flag_and_rating_keys_act_on_the_focused_pane(qtbot, view, drafts):
    flags: list[tuple[int, Flag]] = []
    ratings: list[tuple[int, int]] = []
    view.flag_requested.connect(lambda i, f: flags.append((i, f)))
    view.rating_requested.connect(lambda i, r: ratings.append((i, r)))

    for key in (Qt.Key.Key_P, Qt.Key.Key_X, Qt.Key.Key_U, Qt.Key.Key_5, Qt.Key.Key_0):
        press(view, key)
    qtbot.mouseClick(view.pane(Side.LEFT), Qt.MouseButton.LeftButton)
    press(view.pane(Side.LEFT), Qt.Key.Key_P)
    press(view, Qt.Key.Key_3)

    right, left = drafts[1].id, drafts[0].id
    assert flags == [
        (right, Flag.PICK),
        (right, Flag.REJECT),
        (right, Flag.NONE),
        (left, Flag.PICK),
    ]
    assert ratings == [(right, 5), (right, 0), (left, 3)]
    assert view.active_side is Side.LEFT
    assert view.pane(Side.LEFT).active
    assert not view.pane(Side.RIGHT).active


def test_keys_with_modifiers_are_left_to_the_window(qtbot, view):
    flags = []
    view.flag_requested.connect(lambda *args: flags.append(args))

    qtbot.keyClick(view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)

    assert flags == []


def test_update_draft_refreshes_the_caption(view, drafts):
    view.update_draft(record(drafts[1].id, drafts[1].path, flag=Flag.PICK, rating=4))

    caption = view.caption(Side.RIGHT)
    assert caption.flag.accessibleName() == "✓ Pick"
    assert caption.stars.accessibleName() == "4 of 5 stars"
    assert view.pane(Side.RIGHT).has_image  # same file: nothing reloaded


def test_escape_closes(qtbot, view):
    with qtbot.waitSignal(view.closed, timeout=1000):
        press(view, Qt.Key.Key_Escape)


def test_an_unreadable_file_says_so(qtbot, tmp_path, drafts):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a png")
    view = CompareView()
    qtbot.addWidget(view)
    view.set_candidates([drafts[0], record(9, broken)])

    qtbot.waitUntil(lambda: view.pane(Side.RIGHT).message != "Loading…", timeout=5000)
    assert view.pane(Side.RIGHT).message == "Couldn't open this image"
    assert not view.pane(Side.RIGHT).has_image


def test_a_single_candidate_leaves_the_right_side_empty(qtbot, drafts):
    view = CompareView()
    qtbot.addWidget(view)
    view.set_candidates(drafts[:1])

    assert view.draft(Side.RIGHT) is None
    assert view.pane(Side.RIGHT).message == "Nothing else to compare"
    press(view, Qt.Key.Key_Right)
    press(view, Qt.Key.Key_P)  # nothing to flag, nothing raised


def test_loader_announces_only_the_newest_request_of_a_channel(qtbot, drafts):
    loader = ImageLoader()
    announced: list[Path] = []
    loader.loaded.connect(lambda path, image: announced.append(path))
    first, second = drafts[0].path, drafts[1].path
    assert first is not None
    assert second is not None

    loader.request(first, "pane")
    loader.request(second, "pane")
    qtbot.waitUntil(lambda: loader.pending == 0, timeout=5000)

    assert announced == [second]
    loader.wait_for_idle()


def test_loader_keeps_a_small_lru_and_answers_from_it_at_once(qtbot, drafts):
    loader = ImageLoader(max_images=2)
    paths = [d.path for d in drafts[:3] if d.path is not None]
    for path in paths:
        with qtbot.waitSignal(loader.loaded, timeout=5000):
            loader.request(path, "pane")

    assert loader.cached(paths[0]) is None
    assert loader.cached(paths[2]) is not None
    with qtbot.waitSignal(loader.loaded, timeout=0) as hit:
        loader.request(paths[1], "pane")  # announced before request returns
    assert hit.args is not None
    assert hit.args[0] == paths[1]
    assert [level.width() for level in loader.levels(paths[1])] == [800, 400]


def test_loupe_steps_closes_and_zooms(qtbot, drafts):
    loupe = Loupe()
    qtbot.addWidget(loupe)
    loupe.resize(900, 700)
    steps: list[int] = []
    loupe.step.connect(steps.append)
    loupe.show_draft(drafts[2])
    qtbot.waitUntil(lambda: loupe.pane.has_image, timeout=5000)

    press(loupe, Qt.Key.Key_Right)
    press(loupe, Qt.Key.Key_Left)
    press(loupe, Qt.Key.Key_Z)
    assert steps == [1, -1]
    assert loupe.view_state.zoom == 1.0
    with qtbot.waitSignal(loupe.closed, timeout=1000):
        press(loupe, Qt.Key.Key_Space)
    with qtbot.waitSignal(loupe.closed, timeout=1000):
        press(loupe, Qt.Key.Key_Escape)
    assert loupe.accessibleName() == "Loupe"
