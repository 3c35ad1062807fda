"""The aspect picker lists ratios by use, the everyday shapes first, each with what it is for,
under group titles that cannot be chosen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

from studio.core.catalog import DRAFT_MODEL, Catalog, ratio_groups
from studio.models.prompt import PromptModel
from studio.models.tasks import TaskRunner
from studio.ui.aspect_picker import HINT_ROLE, AspectCombo
from studio.ui.prompt_panel import PromptPanel


def _combo(qtbot) -> AspectCombo:
    combo = AspectCombo()
    qtbot.addWidget(combo)
    lite = Catalog().get("gemini-3.1-flash-lite-image")
    combo.set_groups(ratio_groups(lite.ratios))
    return combo


def test_groups_come_in_order_of_use_with_hints(qtbot):
    combo = _combo(qtbot)
    rows = [
        (combo.itemText(i), combo.itemData(i), combo.itemData(i, HINT_ROLE))
        for i in range(combo.count())
    ]
    titles = [text for text, ratio, _ in rows if ratio is None]
    assert titles == ["Square", "Landscape", "Portrait", "Banners"]
    ratios = [ratio for _, ratio, _ in rows if ratio is not None]
    assert ratios[:2] == ["1:1", "16:9"]  # 16:9 is the second choice, not near the bottom
    hints = {ratio: hint for _, ratio, hint in rows if ratio is not None}
    assert hints["16:9"] == "YouTube thumbnail, slide"
    assert hints["9:16"] == "story, short"
    assert hints["4:5"] == "feed post"
    assert all(hints.values())
    assert sorted(ratios) == sorted(combo.ratios())


def test_titles_cannot_be_chosen_and_arrows_pass_over_them(qtbot):
    combo = _combo(qtbot)
    model = combo.model()
    for i in range(combo.count()):
        if combo.itemData(i) is None:
            assert not model.flags(model.index(i, 0)) & Qt.ItemFlag.ItemIsSelectable
    chosen: list[str] = []
    combo.ratio_chosen.connect(chosen.append)
    combo.set_ratio("5:4")  # the last of the landscape group: the next row is a title
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == "9:16"
    assert chosen == ["9:16"]


def test_a_ratio_the_model_lacks_is_not_offered(qtbot):
    groups = ratio_groups(["1:1", "16:9", "9:16"])
    assert [g.title for g in groups] == ["Square", "Landscape", "Portrait"]
    assert [c.ratio for g in groups for c in g.choices] == ["1:1", "16:9", "9:16"]


def test_the_prompt_panel_offers_16_9_second_with_its_hint_in_the_open_list(qtbot):
    model = PromptModel(Catalog(), TaskRunner(), DRAFT_MODEL, "1:1", "1K")
    panel = PromptPanel(model)
    qtbot.addWidget(panel)
    panel.show()
    combo = panel.aspect_combo
    assert [combo.itemText(i) for i in range(4)] == ["Square", "1:1", "Landscape", "16:9"]

    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    row = combo.findData("16:9")
    wanted = QFontMetrics(view.font()).horizontalAdvance("16:9 YouTube thumbnail, slide")
    assert view.visualRect(view.model().index(row, 0)).width() > wanted  # nothing elided
    # A click on a group title chooses nothing; a click on a ratio chooses it.
    title = view.visualRect(view.model().index(combo.findText("Portrait"), 0)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=title)
    assert model.aspect == "1:1"
    combo.hidePopup()  # Qt may close the list on that click, keeping the choice there was
    combo.showPopup()
    qtbot.waitUntil(view.isVisible)
    wide = view.visualRect(view.model().index(row, 0)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=wide)
    assert model.aspect == "16:9"
    assert combo.currentText() == "16:9"

    model.set_model("gemini-3-pro-image-preview")  # no banners on Pro
    panel.refresh()
    assert combo.findText("Banners") == -1
    assert combo.findData("1:8") == -1
    assert combo.currentData() == "16:9"
