"""W lays A and B over each other with a divider; holding B blinks each side to the other
draft. Driven by keys and the mouse on the real widgets, checked on the painted pixels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from studio.core.domain import Flag
from studio.core.library.records import DraftRecord
from studio.ui.compare import HINTS, KEYS, CompareView, Mode, Side
from tests.qt.test_compare import make_png, record, wait_loaded

RED = (200, 30, 30)
BLUE = (30, 60, 200)


@pytest.fixture
def drafts(tmp_path: Path) -> list[DraftRecord]:
    return [
        record(1, make_png(tmp_path / "a.png", (800, 500), RED), flag=Flag.PICK, rating=4),
        record(2, make_png(tmp_path / "b.png", (800, 500), BLUE), rating=2),
        record(3, make_png(tmp_path / "c.png", (800, 500), (30, 160, 60))),
    ]


@pytest.fixture
def view(qtbot, drafts: list[DraftRecord]) -> CompareView:
    view = CompareView()
    qtbot.addWidget(view)
    view.resize(1101, 750)
    view.show()
    view.set_candidates(drafts)
    wait_loaded(qtbot, view)
    return view


def colour_at(widget: QWidget, x: float, y: float) -> str:
    """'red', 'blue' or 'other' for the painted pixel at (x, y) of `widget`."""
    pixel: QColor = widget.grab().toImage().pixelColor(round(x), round(y))
    rgb = (pixel.red(), pixel.green(), pixel.blue())
    for name, wanted in (("red", RED), ("blue", BLUE)):
        if all(abs(a - b) <= 12 for a, b in zip(rgb, wanted, strict=True)):
            return name
    return "other"


def below_square(widget: QWidget) -> int:
    # Images sit centred at fit and the white square ends at half their height.
    return widget.height() // 2 + 40


def sides_of_divider(view: CompareView, offset: float = 40) -> tuple[str, str]:
    pane = view.swipe_pane
    x, y = pane.divider_x(), below_square(pane)
    return colour_at(pane, x - offset, y), colour_at(pane, x + offset, y)


def pane_colours(view: CompareView) -> tuple[str, str]:
    return tuple(  # type: ignore[return-value]
        colour_at(view.pane(side), 60, below_square(view.pane(side))) for side in Side
    )


def mode_of(view: CompareView) -> Mode:
    # A function call, so a type checker does not pin the mode between two key presses.
    return view.mode


def repeat_b(view: CompareView) -> None:
    # What a held key sends while it repeats: a release and a press, both flagged as repeats.
    for kind in (QEvent.Type.KeyRelease, QEvent.Type.KeyPress):
        event = QKeyEvent(kind, Qt.Key.Key_B, Qt.KeyboardModifier.NoModifier, "b", True)
        QApplication.sendEvent(view, event)


def test_w_enters_and_leaves_swipe_keeping_zoom_and_pan(qtbot, view):
    qtbot.keyClick(view, Qt.Key.Key_Z)
    zoom, centre = view.view_state.zoom, view.view_state.centre
    assert mode_of(view) is Mode.SIDE_BY_SIDE
    assert view.mode_label.text() == "Side by side"
    assert view.hints.text() == HINTS
    assert "W swipe" in HINTS

    qtbot.keyClick(view, Qt.Key.Key_W)

    assert mode_of(view) is Mode.SWIPE
    assert view.swipe_pane.swiping
    assert not view.pane(Side.RIGHT).isVisible()
    assert view.swipe_pane.width() == view.width()  # one pane across the whole view
    assert view.mode_label.text() == "Swipe"
    assert "W side by side" in view.hints.text()
    assert "[ ]" in view.hints.text()
    assert (view.view_state.zoom, view.view_state.centre) == (zoom, centre)
    assert view.caption(Side.LEFT).isVisible()
    assert view.caption(Side.RIGHT).isVisible()

    qtbot.keyClick(view, Qt.Key.Key_W)

    assert mode_of(view) is Mode.SIDE_BY_SIDE
    assert not view.swipe_pane.swiping
    assert view.pane(Side.RIGHT).isVisible()
    assert view.pane(Side.LEFT).width() == 550
    assert view.hints.text() == HINTS
    assert (view.view_state.zoom, view.view_state.centre) == (zoom, centre)


def test_the_composite_shows_a_left_and_b_right_of_the_divider(qtbot, view):
    qtbot.keyClick(view, Qt.Key.Key_W)

    assert sides_of_divider(view) == ("red", "blue")
    assert view.swipe_pane.letters == ("A", "B")
    assert view.caption(Side.LEFT).badge.letter == "A"
    assert view.caption(Side.LEFT).flag.accessibleName() == "✓ Pick"
    assert view.caption(Side.RIGHT).stars.accessibleName() == "2 of 5 stars"


def test_brackets_move_the_divider_and_what_shows_either_side(qtbot, view):
    pane = view.swipe_pane
    qtbot.keyClick(view, Qt.Key.Key_BracketRight)  # no divider side by side: not taken
    assert pane.split == 0.5
    qtbot.keyClick(view, Qt.Key.Key_W)
    probe_x, y = pane.width() * 0.6, below_square(pane)
    assert colour_at(pane, probe_x, y) == "blue"

    for _ in range(3):
        # Sent to the focused pane itself: the key reaches the view the way a real one does.
        qtbot.keyClick(pane, Qt.Key.Key_BracketRight)

    assert pane.split == pytest.approx(0.65)
    assert colour_at(pane, probe_x, y) == "red"
    assert sides_of_divider(view, offset=10) == ("red", "blue")

    qtbot.keyClick(view, Qt.Key.Key_BracketLeft)
    assert pane.split == pytest.approx(0.60)
    for _ in range(30):
        qtbot.keyClick(view, Qt.Key.Key_BracketLeft)
    assert pane.split == 0.0
    assert colour_at(pane, pane.width() * 0.1, y) == "blue"


def test_dragging_the_divider_moves_it_and_dragging_elsewhere_pans(qtbot, view):
    pane = view.swipe_pane
    qtbot.keyClick(view, Qt.Key.Key_W)
    y = below_square(pane)
    start = QPoint(round(pane.divider_x()) + 3, y)

    qtbot.mousePress(pane, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(pane, QPoint(330, y))
    qtbot.mouseMove(pane, QPoint(220, y))
    qtbot.mouseRelease(pane, Qt.MouseButton.LeftButton, pos=QPoint(220, y))

    assert pane.divider_x() == pytest.approx(220, abs=1)
    assert colour_at(pane, 200, y) == "red"
    assert colour_at(pane, 240, y) == "blue"
    assert colour_at(pane, 500, y) == "blue"  # was A's side before the drag

    view.view_state.set_zoom(2.0)  # wider than the pane: now a drag away from the divider pans
    centre = view.view_state.centre
    qtbot.mousePress(pane, Qt.MouseButton.LeftButton, pos=QPoint(700, y))
    qtbot.mouseMove(pane, QPoint(650, y))
    qtbot.mouseRelease(pane, Qt.MouseButton.LeftButton, pos=QPoint(650, y))

    assert view.view_state.centre.x() > centre.x()
    assert pane.divider_x() == pytest.approx(220, abs=1)


def test_a_press_on_either_side_of_the_divider_picks_the_draft_keys_act_on(qtbot, view):
    flags: list[tuple[int, Flag]] = []
    view.flag_requested.connect(lambda i, f: flags.append((i, f)))
    pane = view.swipe_pane
    qtbot.keyClick(view, Qt.Key.Key_W)

    qtbot.mouseClick(pane, Qt.MouseButton.LeftButton, pos=QPoint(100, 300))
    qtbot.keyClick(view, Qt.Key.Key_X)
    qtbot.mouseClick(pane, Qt.MouseButton.LeftButton, pos=QPoint(900, 300))
    qtbot.keyClick(view, Qt.Key.Key_P)

    assert flags == [(1, Flag.REJECT), (2, Flag.PICK)]
    assert view.active_side is Side.RIGHT


def test_holding_b_shows_the_other_draft_and_releasing_returns(qtbot, view):
    requests: list[object] = []
    original = view.loader.request

    def counting(*args: Any) -> None:
        requests.append(args)
        original(*args)

    view.loader.request = counting
    assert pane_colours(view) == ("red", "blue")

    qtbot.keyPress(view, Qt.Key.Key_B)

    assert mode_of(view) is Mode.BLINK
    assert pane_colours(view) == ("blue", "red")
    assert view.mode_label.text() == "Blink"
    assert "release B" in view.hints.text()
    # The captions follow the pixels, so the label under each image stays true.
    assert view.caption(Side.LEFT).badge.letter == "B"
    assert view.caption(Side.LEFT).stars.accessibleName() == "2 of 5 stars"

    repeat_b(view)
    repeat_b(view)
    assert pane_colours(view) == ("blue", "red")  # a held, repeating key does not flicker

    qtbot.keyRelease(view, Qt.Key.Key_B)

    assert mode_of(view) is Mode.SIDE_BY_SIDE
    assert pane_colours(view) == ("red", "blue")
    assert view.caption(Side.LEFT).badge.letter == "A"
    assert view.hints.text() == HINTS
    assert requests == []  # nothing asked of the loader: both images were already there


def test_blink_in_swipe_flips_both_sides_of_the_divider(qtbot, view):
    qtbot.keyClick(view, Qt.Key.Key_W)
    zoom = view.view_state.zoom

    qtbot.keyPress(view, Qt.Key.Key_B)
    assert sides_of_divider(view) == ("blue", "red")
    assert view.swipe_pane.letters == ("B", "A")
    assert "return to swipe" in view.hints.text()

    qtbot.keyRelease(view, Qt.Key.Key_B)
    assert sides_of_divider(view) == ("red", "blue")
    assert view.swipe_pane.letters == ("A", "B")
    assert mode_of(view) is Mode.SWIPE
    assert view.view_state.zoom == zoom


def test_other_keys_end_a_blink_before_acting(qtbot, view):
    flags: list[tuple[int, Flag]] = []
    view.flag_requested.connect(lambda i, f: flags.append((i, f)))
    qtbot.keyPress(view, Qt.Key.Key_B)

    qtbot.keyClick(view, Qt.Key.Key_Right)

    assert mode_of(view) is Mode.SIDE_BY_SIDE
    assert view.draft(Side.RIGHT) == view.candidates[2]
    qtbot.waitUntil(lambda: view.pane(Side.RIGHT).has_image, timeout=5000)
    assert pane_colours(view)[0] == "red"
    qtbot.keyRelease(view, Qt.Key.Key_B)  # the late release changes nothing
    assert pane_colours(view)[0] == "red"


def test_blink_needs_two_drafts(qtbot, drafts):
    view = CompareView()
    qtbot.addWidget(view)
    view.set_candidates(drafts[:1])
    qtbot.keyPress(view, Qt.Key.Key_B)
    assert mode_of(view) is Mode.SIDE_BY_SIDE
    assert view.pane(Side.RIGHT).message == "Nothing else to compare"


def test_the_f1_table_lists_the_new_keys():
    keys = dict(KEYS)
    assert keys["W"] == "swipe / side by side"
    assert keys["[ ]"] == "move the swipe divider"
    assert keys["B (hold)"] == "blink to the other draft"
