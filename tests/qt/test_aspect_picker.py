"""The aspect picker lists ratios by use, the everyday shapes first, each with what it is for,
under group titles that cannot be chosen."""

from __future__ import annotations

from PySide6.QtCore import Qt

from studio.core.catalog import Catalog, ratio_groups
from studio.ui.aspect_picker import HINT_ROLE, AspectCombo


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
