"""Export from the window: Ctrl+E, a folder (made when missing, refused up front when it takes no
files), a preset, progress at a constant dialog size, the closing sentence.

Also the neighbours of export: Ctrl+C copies an image, tiles drag out as file URLs."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QInputDialog

from studio.core.domain import Flag
from studio.core.export import (
    PRESETS,
    ExportFormat,
    ResizeMode,
    TargetError,
    prepare_target,
    preset,
)
from studio.core.export.folders import TEMP_SUFFIX
from studio.core.export.presets import MetadataChoice
from studio.core.export.user_presets import PresetBook
from studio.models.export_model import Scope
from studio.ui.export_dialog import ExportDialog
from studio.ui.main_window import MainWindow
from tests.qt.conftest import until
from tests.qt.test_app import generate_all
from tests.read_only import read_only_folder


def _select_all_tiles(window: MainWindow) -> list[int]:
    drafts = window.services.drafts
    selection = window.grid.selectionModel()
    rows = [r for r in range(drafts.rowCount()) if drafts.draft_id_at(r) is not None]
    # Current first: setCurrentIndex on the view would replace the selection.
    window.grid.setCurrentIndex(drafts.index(rows[0], 0))
    for row in rows:
        selection.select(drafts.index(row, 0), QItemSelectionModel.SelectionFlag.Select)
    return [i for i in (drafts.draft_id_at(r) for r in rows) if i is not None]


def _choose_metadata(dialog: ExportDialog, choice: MetadataChoice) -> None:
    combo = dialog.naming.metadata
    combo.setCurrentIndex(combo.findData(choice))


async def _open_dialog(window: MainWindow, qtbot) -> ExportDialog:
    window.grid.setFocus()
    qtbot.keyClick(window.grid, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = window.dialogs.export_dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert not dialog.isModal()
    return dialog


async def test_ctrl_e_exports_the_selection_with_the_youtube_preset(
    window: MainWindow, qtbot, tmp_path: Path
):
    tmp_path = tmp_path / "export"  # the sandbox keeps its home in tmp_path itself
    tmp_path.mkdir()
    await generate_all(window, "three owls", 3)
    _select_all_tiles(window)
    dialog = await _open_dialog(window, qtbot)
    assert dialog.what.scope.currentData() == Scope.SELECTION  # no picks yet
    dialog.set_target(str(tmp_path))
    dialog.set_preset("youtube")
    assert dialog.naming.preview.text().count(".jpg") == 3  # the live preview of the first names

    exporter = window.exporter
    finished: list[object] = []
    exporter.finished.connect(lambda report, _: finished.append(report))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    await until(lambda: bool(finished), exporter.finished, 30)

    files = sorted(tmp_path.glob("*.jpg"))
    assert len(files) == 3
    for file in files:
        with Image.open(file) as image:
            assert image.format == "JPEG"
            assert image.size == (1280, 720)
    assert dialog.footer.status.text().startswith(f"Exported 3 files to {tmp_path}")
    assert dialog.footer.open_folder.isVisible()
    assert dialog.footer.progress.value() == dialog.footer.progress.maximum() == 3
    # The folder is remembered for next time, in window.ini.
    assert window.dialogs.state().value("export_folder") == str(tmp_path)


async def test_cancel_mid_export_leaves_only_complete_files(window: MainWindow, tmp_path: Path):
    tmp_path = tmp_path / "export"
    tmp_path.mkdir()
    await generate_all(window, "many foxes", 4)
    exporter = window.exporter
    drafts = exporter.drafts_for(Scope.SELECTION, _select_all_tiles(window))
    assert len(drafts) == 4
    # The same drafts many times over: numbered names keep them apart, and the run is long
    # enough to cancel in the middle.
    many = drafts * 15
    progressed: list[int] = []
    finished: list[object] = []

    def on_progress(done: int, _total: int, _failure: str) -> None:
        progressed.append(done)
        exporter.cancel()

    exporter.progressed.connect(on_progress)
    exporter.finished.connect(lambda report, _: finished.append(report))
    exporter.start(many, preset("print"), tmp_path)
    await until(lambda: bool(finished), exporter.finished, 60)

    report = finished[0]
    assert report.cancelled  # type: ignore[attr-defined]
    exported = report.exported  # type: ignore[attr-defined]
    assert 0 < len(exported) < len(many)
    files = sorted(p for p in tmp_path.iterdir())
    assert not [p for p in files if p.name.endswith(TEMP_SUFFIX)]
    assert len(files) == len(exported)
    for file in files:
        with Image.open(file) as image:
            image.load()  # a truncated file would fail here
    assert not exporter.running


async def test_ctrl_c_copies_the_current_image(window: MainWindow, qtbot):
    await generate_all(window, "a copied kite", 1)
    _select_all_tiles(window)
    window.grid.setFocus()
    QApplication.clipboard().clear()
    qtbot.keyClick(window.grid, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert not QApplication.clipboard().image().isNull()


async def test_dragged_tiles_carry_file_urls_of_the_originals(window: MainWindow):
    await generate_all(window, "two dragged boats", 2)
    ids = _select_all_tiles(window)
    drafts = window.services.drafts
    indexes = [drafts.index(row, 0) for row in (drafts.row_of(i) for i in ids) if row is not None]
    assert all(drafts.flags(i) & Qt.ItemFlag.ItemIsDragEnabled for i in indexes)
    mime = drafts.mimeData(indexes)
    originals = {window.services.library.get(i).path for i in ids}
    assert {Path(url.toLocalFile()) for url in mime.urls()} == originals
    assert len(mime.urls()) == 2
    assert all(url.isLocalFile() for url in mime.urls())


async def test_a_preset_saved_in_the_dialog_is_offered_again_and_can_be_deleted(
    window: MainWindow, qtbot, tmp_path: Path
):
    target = tmp_path / "export"
    target.mkdir()
    await generate_all(window, "two saved herons", 2)
    ids = sorted(_select_all_tiles(window))
    dialog = await _open_dialog(window, qtbot)
    dialog.set_target(str(target))
    controls = dialog.format
    controls.format.setCurrentIndex(controls.format.findData(ExportFormat.WEBP))
    controls.quality.setValue(70)
    controls.resize.setCurrentIndex(controls.resize.findData(ResizeMode.LONG_EDGE))
    controls.width.setValue(48)
    assert not controls.height.isVisible()  # a long edge is one number
    dialog.naming.template.setText("{id}")
    _choose_metadata(dialog, MetadataChoice.EMBED_AND_SIDECAR)
    assert dialog.preset_detail.text() == "WEBP · long edge 48 px · quality 70  ·  edited"

    # Save as preset… asks for a name without a nested event loop.
    qtbot.mouseClick(dialog.save_preset, Qt.MouseButton.LeftButton)
    asker = dialog.findChild(QInputDialog)
    assert asker is not None
    assert asker.isVisible()
    assert asker.isModal()
    asker.setTextValue("Heron blog")
    asker.accept()
    assert dialog.footer.status.text() == "Saved preset 'Heron blog'."
    assert dialog.preset.currentData() == "heron-blog"
    assert "edited" not in dialog.preset_detail.text()
    assert dialog.delete_preset.isEnabled()
    saved = PresetBook(window.services.paths.export_presets_file).get("heron-blog").settings
    assert (saved.format, saved.quality, saved.name_template, saved.sidecar) == (
        ExportFormat.WEBP,
        70,
        "{id}",
        True,
    )

    # Another preset changes the format; the saved one brings back names and sidecars too.
    dialog.set_preset("youtube")
    dialog.naming.template.setText("{seed}")
    _choose_metadata(dialog, MetadataChoice.EMBED)
    dialog.set_preset("heron-blog")
    assert (dialog.naming.template.text(), dialog.naming.choice()) == (
        "{id}",
        MetadataChoice.EMBED_AND_SIDECAR,
    )
    finished: list[object] = []
    window.exporter.finished.connect(lambda report, _: finished.append(report))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    await until(lambda: bool(finished), window.exporter.finished, 30)
    assert sorted(p.name for p in target.iterdir()) == sorted(
        f"{i}{ext}" for i in ids for ext in (".webp", ".json")
    )
    with Image.open(target / f"{ids[0]}.webp") as image:
        assert max(image.size) == 48

    # A new dialog (as after a restart) starts on the preset used last.
    dialog.close()
    window.dialogs.export_dialog = None
    window.open_export()
    reopened = window.dialogs.export_dialog
    assert reopened is not None
    assert reopened.preset.currentData() == "heron-blog"
    qtbot.mouseClick(reopened.delete_preset, Qt.MouseButton.LeftButton)
    assert reopened.footer.status.text().startswith("Deleted preset 'Heron blog'.")
    assert reopened.preset.findData("heron-blog") == -1
    # Its settings stay on screen, so saving again would bring it back.
    assert reopened.settings() == saved
    assert not reopened.delete_preset.isEnabled()
    assert PresetBook(window.services.paths.export_presets_file).user == {}


async def test_only_the_controls_that_matter_for_a_format_are_offered(window: MainWindow, qtbot):
    dialog = await _open_dialog(window, qtbot)
    controls = dialog.format
    dialog.set_preset("original")
    assert not controls.quality.isEnabled()
    assert not controls.resize.isEnabled()
    assert dialog.preset_detail.text() == "The library file, byte for byte"
    dialog.set_preset("web")
    assert controls.quality.isEnabled()
    assert controls.lossless.isVisible()
    controls.lossless.setChecked(True)
    assert not controls.quality.isEnabled()  # lossless has no quality
    assert dialog.preset_detail.text() == "WEBP · long edge 2048 px · lossless  ·  edited"
    dialog.set_preset("print")
    assert not controls.lossless.isVisible()
    assert not controls.quality.isEnabled()
    dialog.set_preset("instagram-portrait")
    assert (controls.width.value(), controls.height.value()) == (1080, 1350)
    assert controls.height.isVisible()


async def test_saving_under_a_built_in_name_says_why_not(window: MainWindow, qtbot):
    dialog = await _open_dialog(window, qtbot)
    dialog.save_as_preset("Web")
    assert (
        dialog.footer.status.text()
        == "'Web' is the name of a built-in preset; choose another name."
    )
    assert [dialog.preset.itemData(i) for i in range(dialog.preset.count())] == list(PRESETS)


def _pick(window: MainWindow, draft_ids: list[int]) -> None:
    for draft_id in draft_ids:
        window.services.library.set_flag(draft_id, Flag.PICK)


async def test_a_folder_that_does_not_exist_yet_is_created(
    window: MainWindow, qtbot, tmp_path: Path
):
    await generate_all(window, "three new-folder gulls", 3)
    _select_all_tiles(window)
    dialog = await _open_dialog(window, qtbot)
    target = tmp_path / "exports" / "gulls"
    dialog.set_target(str(target))
    assert dialog.what.folder_note.text() == "A new folder: it will be created."

    finished: list[object] = []
    window.exporter.finished.connect(lambda report, _: finished.append(report))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    await until(lambda: bool(finished), window.exporter.finished, 30)
    assert len(list(target.iterdir())) == 3
    assert dialog.footer.status.text() == f"Exported 3 files to the new folder {target}."
    assert dialog.what.folder_note.text().startswith("Files already there are kept")


async def test_a_read_only_folder_is_refused_before_starting(
    window: MainWindow, qtbot, tmp_path: Path
):
    await generate_all(window, "two locked wrens", 2)
    _select_all_tiles(window)
    dialog = await _open_dialog(window, qtbot)
    started: list[int] = []
    window.exporter.started.connect(lambda total, _: started.append(total))
    with read_only_folder(tmp_path) as locked:
        dialog.set_target(str(locked))
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        with pytest.raises(TargetError) as caught:
            prepare_target(locked)  # what the CLI says, word for word
    assert dialog.footer.status.text() == str(caught.value)
    assert str(locked) in str(caught.value)
    assert started == []
    assert not window.exporter.running


async def test_the_dialog_keeps_its_size_through_an_export(
    window: MainWindow, qtbot, tmp_path: Path
):
    await generate_all(window, "five steady herons", 5)
    ids = sorted(_select_all_tiles(window))
    missing = window.services.library.get(ids[2]).path
    assert missing is not None
    missing.unlink()  # one failure, which must not push the buttons down either
    dialog = await _open_dialog(window, qtbot)
    dialog.set_target(str(tmp_path / "steady"))
    dialog.set_preset("print")

    def size() -> tuple[int, int]:
        layout = dialog.layout()
        assert layout is not None
        layout.activate()  # what the next event-loop turn would do to the window
        return dialog.width(), dialog.height()

    idle = size()
    sizes: list[tuple[int, int]] = []
    exporter = window.exporter
    exporter.started.connect(lambda *_: sizes.append(size()))
    exporter.progressed.connect(lambda *_: sizes.append(size()))
    finished: list[object] = []
    exporter.finished.connect(lambda report, _: finished.append(report))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    await until(lambda: bool(finished), exporter.finished, 30)
    sizes.append(size())
    assert dialog.footer.show_failures.isVisible()
    assert len(sizes) == 1 + 5 + 1  # started, each file, finished
    assert set(sizes) == {idle}
