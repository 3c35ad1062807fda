"""Reuse settings brings back a draft's reference images, kept in the library."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from PySide6.QtWidgets import QToolButton

from studio.ui.main_window import MainWindow
from tests.qt.conftest import until
from tests.qt.test_app import generate_all


async def test_reuse_settings_restores_the_reference_images(window: MainWindow, tmp_path: Path):
    prompt = window.services.prompt
    sketch = tmp_path / "sketch.png"
    Image.new("RGB", (64, 48), "teal").save(sketch)
    prompt.add_reference(sketch)
    await until(lambda: len(prompt.references) == 1, prompt.references_changed)
    sent = prompt.references[0].data
    await generate_all(window, "a kite like this sketch", 1)
    prompt.remove_reference(0)
    drafts = window.services.drafts
    row = next(r for r in range(drafts.rowCount()) if drafts.draft_id_at(r) is not None)
    window.grid.setCurrentIndex(drafts.index(row, 0))

    window.inspector.reuse_action.trigger()

    await until(lambda: len(prompt.references) == 1, prompt.references_changed)
    assert prompt.references[0].data == sent
    assert prompt.reference_paths == [Path("sketch.png")]
    assert prompt.prompt == "a kite like this sketch"
    shown = [b.accessibleName() for b in window.prompt_panel.references.findChildren(QToolButton)]
    assert shown == ["Remove reference sketch.png"]  # the strip shows it again
