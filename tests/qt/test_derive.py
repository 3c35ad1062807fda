"""R, E and V in the real app against the sandbox, keys first: the panel, the new batch and
its header, the lineage badge, the inspector's family, and a child compared with its parent."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication

from studio.core.domain import Derivation, SlotStatus
from studio.models.draft_list import Role
from studio.ui.compare.view import Side
from studio.ui.grid.lineage_badge import paint_lineage
from studio.ui.main_window import MainWindow
from tests.qt.conftest import until
from tests.qt.test_app import generate_all

CTRL = Qt.KeyboardModifier.ControlModifier


def tiles(window: MainWindow) -> list[int]:
    drafts = window.services.drafts
    return [d for d in map(drafts.draft_id_at, range(drafts.rowCount())) if d is not None]


def select(window: MainWindow, draft_ids: list[int]) -> None:
    window.grid.select_drafts(draft_ids)
    window.grid.setFocus()


async def arrived(window: MainWindow, total: int) -> None:
    studio = window.services.studio
    await until(lambda: studio.stats.succeeded == total, studio.stats_changed, 15)


async def test_refine_a_selection_makes_a_batch_with_badges(window: MainWindow, qtbot):
    await generate_all(window, "a paper boat", 2)
    parents = tiles(window)
    select(window, parents)
    qtbot.keyClick(window.grid, Qt.Key.Key_P)  # both picks: the header will say so

    qtbot.keyClick(window.grid, Qt.Key.Key_R)
    panel = window.derive_panel
    assert panel.isVisible()
    assert panel.title.text() == "Refine 2 drafts"
    assert panel.cost.text() == (
        "2 × $0.1010 would cost $0.20 · Nano Banana 2 · 2K · sandbox: nothing billed"
    )
    assert QApplication.focusWidget() is panel.instruction
    assert panel.send_button.text() == "Refine"
    qtbot.keyClick(panel.instruction, Qt.Key.Key_Return, CTRL)
    assert not panel.isVisible()
    await arrived(window, 4)

    drafts = window.services.drafts
    header = drafts.index(0)
    assert drafts.data(header, Role.HeaderTitleRole) == "Refined 2 picks"
    assert drafts.data(header, Role.HeaderDetailRole).startswith("Nano Banana 2 · 2K · ")
    children = [drafts.index(1), drafts.index(2)]
    assert {drafts.data(i, Role.DerivationRole) for i in children} == {Derivation.REFINE}
    assert sorted(drafts.data(i, Role.ParentRole) for i in children) == sorted(parents)
    for draft_id in tiles(window)[:2]:
        child = window.services.library.get(draft_id)
        assert (child.status, child.model, child.size) == (
            SlotStatus.SUCCEEDED,
            "gemini-3.1-flash-image",
            "2K",
        )


def test_the_badge_names_the_kind_in_its_colour(qtbot):
    image = QImage(120, 120, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    paint_lineage(painter, QRectF(0, 0, 120, 120), Derivation.VARY, QApplication.font())
    painter.end()
    corner = [image.pixelColor(x, y) for x in range(80, 120) for y in range(90, 120)]
    assert any(c.red() < 120 and c.green() < 120 and c.blue() < 120 for c in corner)  # the pill
    assert any(abs(c.red() - 0xC9) < 30 and c.blue() > 200 and c.green() < 190 for c in corner)
    assert image.pixelColor(10, 10) == QColor("white")  # the rest of the tile is untouched


async def test_edit_by_instruction_continues_the_conversation(window: MainWindow, qtbot):
    await generate_all(window, "a lighthouse", 1)
    (parent,) = tiles(window)
    select(window, [parent])
    qtbot.keyClick(window.grid, Qt.Key.Key_E)
    panel = window.derive_panel
    assert QApplication.focusWidget() is panel.instruction
    assert not panel.send_button.isEnabled()  # nothing to say yet
    qtbot.keyClicks(panel.instruction, "make the light red")
    qtbot.keyClick(panel.instruction, Qt.Key.Key_Return)
    await arrived(window, 2)

    drafts = window.services.drafts
    assert drafts.data(drafts.index(0), Role.HeaderTitleRole) == (
        f"Edited draft {parent}: “make the light red”"
    )
    sandbox = window.services.backends.sandbox_server
    assert sandbox is not None
    sent = [r.body for r in sandbox.requests if r.body and "contents" in r.body][-1]
    assert [c["role"] for c in sent["contents"]] == ["user", "model", "user"]


async def test_more_like_this_with_count_and_strength(window: MainWindow, qtbot):
    await generate_all(window, "a teapot", 2)
    parents = tiles(window)
    select(window, parents)
    qtbot.keyClick(window.grid, Qt.Key.Key_V)
    panel = window.derive_panel
    assert panel.title.text() == "More like 2 drafts"
    assert panel.count.value() == 4
    panel.count.setValue(2)
    strong = next(b for b in panel._strengths.buttons() if b.text() == "Strong")
    qtbot.mouseClick(strong, Qt.MouseButton.LeftButton)
    assert panel.cost.text().startswith("4 × $0.0336 would cost $0.13")
    qtbot.keyClick(panel.send_button, Qt.Key.Key_Return, CTRL)
    await arrived(window, 6)
    for parent in parents:
        children = window.services.library.family.children(parent)
        assert [c.derivation for c in children] == [Derivation.VARY, Derivation.VARY]
        assert all("bold variation" in (c.instruction or "") for c in children)
    parent = parents[0]

    # The panel remembers the last choice for next time, also in window.ini.
    select(window, [parent])
    qtbot.keyClick(window.grid, Qt.Key.Key_V)
    assert panel.count.value() == 2
    assert strong.isChecked()
    qtbot.keyClick(panel.send_button, Qt.Key.Key_Escape)
    assert not panel.isVisible()
    assert window.dialogs.state().value("derive")["vary"]["count"] == 2


async def test_family_in_the_inspector_and_compare_with_parent(window: MainWindow, qtbot):
    await generate_all(window, "a red kite", 1)
    (parent,) = tiles(window)
    select(window, [parent])
    qtbot.keyClick(window.grid, Qt.Key.Key_R)
    qtbot.keyClick(window.derive_panel.instruction, Qt.Key.Key_Return, CTRL)
    await arrived(window, 2)
    child = tiles(window)[0]

    select(window, [child])
    family = window.inspector.family
    assert family.isVisible()
    assert family.parent_button.accessibleName() == f"Parent draft {parent}"
    assert family.origin.text() == f"Refined from draft {parent} · Nano Banana 2 · 2K"

    # C on one derived draft: the parent on the left, the child on the right.
    qtbot.keyClick(window.grid, Qt.Key.Key_C)
    assert window.pages.currentWidget() is window.compare
    left, right = window.compare.draft(Side.LEFT), window.compare.draft(Side.RIGHT)
    assert (left and left.id, right and right.id) == (parent, child)
    qtbot.keyClick(window.compare, Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is not window.compare

    # The parent's thumbnail takes you to it; there the child is listed.
    qtbot.mouseClick(family.parent_button, Qt.MouseButton.LeftButton)
    assert window.services.drafts.draft_id_at(window.grid.currentIndex().row()) == parent
    assert family.children_label.text() == "Made from this: 1"
    assert family.children_grid.count() == 1


async def test_r_without_an_image_says_so(window: MainWindow, qtbot):
    window.back_to_grid()  # past the first-run page of an empty library
    qtbot.keyClick(window.grid, Qt.Key.Key_R)
    assert not window.derive_panel.isVisible()
    assert window.banner.isVisible()
    assert "Select a finished image to refine it." in window.banner.text
