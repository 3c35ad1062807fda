"""The filter strip's model, origin and order combos: they change the grid, order by the
latest finished tournament, and are remembered across a restart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from studio.app import build_services
from studio.core.domain import Derivation, GeneratedImage, ResponseMeta
from studio.core.library import BatchRecord, Library
from studio.core.ranking import Choice, Tournament
from studio.models.draft_list import DraftListModel
from studio.models.grid_order import GridOrder
from studio.models.thumbnails import ThumbnailCache
from studio.ui.grid.grid_page import GridPage
from studio.ui.main_window import MainWindow
from tests.library_data import png
from tests.qt.test_app import generate_all

LITE = "gemini-3.1-flash-lite-image"
PRO = "gemini-3-pro-image-preview"


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library") as opened:
        yield opened


def batch(library: Library, prompt: str, model: str, count: int) -> list[int]:
    drafts = library.create_batch(BatchRecord(prompt, model, "1:1", "1K", tuple(range(count))))
    for draft in drafts:
        library.save_images(draft.id, [GeneratedImage(png(), "image/png")], ResponseMeta(), None)
    return [draft.id for draft in drafts]


def combo(page: GridPage, name: str) -> QComboBox:
    found = [c for c in page.filter_bar.findChildren(QComboBox) if c.accessibleName() == name]
    assert len(found) == 1, name
    return found[0]


def shown(drafts: DraftListModel) -> list[int]:
    return [i for row in range(drafts.rowCount()) if (i := drafts.draft_id_at(row)) is not None]


def choose(qtbot, box: QComboBox, text: str) -> None:
    """By keyboard, as a user without a mouse would: focus, then type the item's start."""
    box.setFocus()
    index = box.findText(text)
    assert index >= 0, (text, [box.itemText(i) for i in range(box.count())])
    while box.currentIndex() != index:
        key = Qt.Key.Key_Down if box.currentIndex() < index else Qt.Key.Key_Up
        qtbot.keyClick(box, key)


def test_the_combos_filter_by_model_and_origin_and_order_by_rank(qtbot, library):
    kite = batch(library, "a red kite", LITE, 4)
    koi = batch(library, "neon koi", PRO, 2)
    library.set_rating(kite[1], 4)
    library.set_rating(kite[3], 5)
    # A finished tournament ranking kite 2 best, then kite 3, then koi 1.
    wanted = [kite[2], kite[3], koi[0]]
    tournament = Tournament(wanted)
    while (pair := tournament.question) is not None:
        better = wanted.index(pair.left) < wanted.index(pair.right)
        tournament.answer(Choice.LEFT if better else Choice.RIGHT)
    store = library.tournaments
    store.save(store.create(wanted), tournament.answers, finished=True)
    store.create([kite[0], kite[1], koi[1]])  # a newer one, unfinished: not what ranks

    drafts = DraftListModel(library, ThumbnailCache())
    drafts.reload()
    page = GridPage(drafts)
    qtbot.addWidget(page)
    page.show()
    model_box = combo(page, "Filter by model")
    made_box = combo(page, "Filter by how drafts were made")
    order_box = combo(page, "Order of drafts")
    for box in (model_box, made_box, order_box):
        assert box.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert model_box.itemText(0) == "Any model"
    assert model_box.count() == 3

    choose(qtbot, model_box, model_box.itemText(model_box.findData(LITE)))
    assert shown(drafts) == kite
    choose(qtbot, order_box, "By rating")
    assert shown(drafts) == [kite[3], kite[1], kite[0], kite[2]]
    choose(qtbot, order_box, "By tournament rank")
    assert shown(drafts) == [kite[2], kite[3], kite[0], kite[1]]
    choose(qtbot, made_box, "Refined")
    assert shown(drafts) == []
    choose(qtbot, made_box, "Fresh drafts")
    choose(qtbot, model_box, "Any model")
    assert shown(drafts) == [koi[0], koi[1], kite[2], kite[3], kite[0], kite[1]]


def test_a_batch_of_a_new_model_is_offered_in_the_model_combo(qtbot, library):
    batch(library, "a red kite", LITE, 1)
    drafts = DraftListModel(library, ThumbnailCache())
    drafts.reload()
    page = GridPage(drafts)
    qtbot.addWidget(page)
    assert combo(page, "Filter by model").count() == 2
    batch(library, "neon koi", PRO, 1)
    drafts.reload()
    assert combo(page, "Filter by model").findData(PRO) > 0


async def test_the_window_strip_changes_the_grid(window: MainWindow, qtbot):
    await generate_all(window, "a lighthouse", 2)
    drafts = window.services.drafts
    made = [c for c in window.filter_bar.findChildren(QComboBox) if "made" in c.accessibleName()]
    assert len(made) == 1
    assert len(shown(drafts)) == 2
    made[0].setCurrentIndex(made[0].findData(Derivation.EDIT.value))
    assert shown(drafts) == []
    made[0].setCurrentIndex(made[0].findData("fresh"))
    assert len(shown(drafts)) == 2


async def test_a_restart_keeps_the_grid_choice(qtbot, fast_sandbox):
    services = await build_services(sandbox_in_process=True)
    first = MainWindow(services)
    qtbot.addWidget(first)
    await services.start()
    await generate_all(first, "remember me", 3)
    ids = shown(services.drafts)
    services.culling.set_rating([ids[2]], 5)
    page = first.pages.widget(0)  # the window's own grid page and its strip
    assert isinstance(page, GridPage)
    model_box = combo(page, "Filter by model")
    model_id = services.library.get(ids[0]).model
    model_box.setCurrentIndex(model_box.findData(model_id))
    order_box = combo(page, "Order of drafts")
    order_box.setCurrentIndex(order_box.findData(GridOrder.RATING))
    await services.settings.flush()
    first.close()
    await services.aclose()

    again = await build_services(sandbox_in_process=True)
    try:
        assert again.settings.settings.grid_model == model_id
        assert again.settings.settings.grid_order == "rating"
        window = MainWindow(again)
        qtbot.addWidget(window)
        second = window.pages.widget(0)
        assert isinstance(second, GridPage)
        assert combo(second, "Filter by model").currentData() == model_id
        assert combo(second, "Order of drafts").currentData() == GridOrder.RATING
        assert shown(again.drafts) == [ids[2], ids[0], ids[1]]
        window.close()
    finally:
        await again.aclose()
