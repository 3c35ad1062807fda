"""What the export dialog offers: a title and a default that say what gets exported, one
metadata choice, and the same {index} numbers as the CLI for the same picks."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox

from studio.core.export.presets import MetadataChoice
from studio.models.export_model import Scope
from studio.ui.main_window import MainWindow
from tests.cli.helpers import run_many
from tests.qt.conftest import until
from tests.qt.test_app import generate_all
from tests.qt.test_export_dialog import _choose_metadata, _open_dialog, _pick, _select_all_tiles


async def test_the_title_says_what_an_export_would_write(window: MainWindow, qtbot):
    await generate_all(window, "three titled owls", 3)
    ids = sorted(_select_all_tiles(window))
    _pick(window, ids[:2])
    dialog = await _open_dialog(window, qtbot)
    assert dialog.windowTitle() == "Export 2 picks"
    dialog.what.scope.setCurrentIndex(dialog.what.scope.findData(Scope.SELECTION))
    assert dialog.windowTitle() == "Export 3 selected drafts"
    dialog.what.scope.setCurrentIndex(dialog.what.scope.findData(Scope.MIN_RATING))
    dialog.what.min_rating.setValue(5)
    assert dialog.windowTitle() == "Export"  # nothing is rated 5 ★


async def test_picks_are_the_default_and_the_selection_the_fallback(window: MainWindow, qtbot):
    await generate_all(window, "four culled cranes", 4)
    ids = sorted(_select_all_tiles(window))
    # No picks yet: the selection, said with its count.
    dialog = await _open_dialog(window, qtbot)
    scope = dialog.what.scope
    assert scope.currentData() == Scope.SELECTION
    assert scope.currentText() == "Selected drafts (4)"
    assert dialog.what.count_label.text() == "4 drafts from 1 batch"
    assert scope.itemText(scope.findData(Scope.PICKS)) == "Picks (0)"
    dialog.close()

    # With picks, Ctrl+E offers them, whatever is selected.
    _pick(window, ids[1:3])
    dialog = await _open_dialog(window, qtbot)
    assert scope.currentData() == Scope.PICKS
    assert scope.currentText() == "Picks (2)"
    assert dialog.what.count_label.text() == "2 drafts from 1 batch"
    assert [d.id for d in dialog.drafts()] == ids[1:3]


async def test_metadata_is_one_choice(window: MainWindow, qtbot):
    dialog = await _open_dialog(window, qtbot)
    boxes = [box.text() for box in dialog.findChildren(QCheckBox) if "etadata" in box.text()]
    assert boxes == []
    combo = dialog.naming.metadata
    assert [combo.itemData(i) for i in range(combo.count())] == list(MetadataChoice)
    assert combo.currentData() == MetadataChoice.EMBED
    fields = {}
    for choice in MetadataChoice:
        _choose_metadata(dialog, choice)
        settings = dialog.settings()
        fields[choice] = (settings.embed_metadata, settings.sidecar, settings.strip_metadata)
    assert fields == {
        MetadataChoice.EMBED: (True, False, False),
        MetadataChoice.EMBED_AND_SIDECAR: (True, True, False),
        MetadataChoice.STRIP: (False, False, True),
    }


async def test_the_dialog_and_the_cli_give_the_same_picks_the_same_names(
    window: MainWindow, qtbot, tmp_path: Path
):
    await generate_all(window, "older kites", 3)
    await generate_all(window, "newer kites", 3)
    ids = sorted(_select_all_tiles(window))
    picks = [ids[0], ids[2], ids[3], ids[5]]
    _pick(window, picks)
    name = "{index}_{id}"
    dialog = await _open_dialog(window, qtbot)
    assert dialog.what.current() == Scope.PICKS
    dialog.set_target(str(tmp_path / "dialog"))
    dialog.naming.template.setText(name)
    finished: list[object] = []
    window.exporter.finished.connect(lambda report, _: finished.append(report))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    await until(lambda: bool(finished), window.exporter.finished, 30)
    # The selection of the same picks, in grid order (newest batch first), previews the same.
    dialog.what.set_selection(sorted(picks, reverse=True), choose_scope=False)
    dialog.what.scope.setCurrentIndex(dialog.what.scope.findData(Scope.SELECTION))
    selection_preview = dialog.naming.preview.text().splitlines()
    scrambled = [picks[2], picks[0], picks[3], picks[1]]

    cli_picks, cli_ids = await asyncio.to_thread(
        run_many,
        ("export", "--picks", "--to", str(tmp_path / "picks"), "--name", name),
        ("export", "--ids", *map(str, scrambled), "--to", str(tmp_path / "ids"), "--name", name),
    )
    assert cli_picks.code == cli_ids.code == 0, f"{cli_picks}\n{cli_ids}"
    expected = [f"{i:03d}_{draft_id}.png" for i, draft_id in enumerate(picks, start=1)]
    for folder in ("dialog", "picks", "ids"):
        assert sorted(p.name for p in (tmp_path / folder).iterdir()) == expected, folder
    assert selection_preview == [*expected[:2], "… and 2 more"]
