"""When the library cannot be opened the app asks, before its window: move a damaged file
aside and start anew, choose another folder, or quit; nothing is deleted without the
user's word. An error nothing expected names the log file, in the app as in the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

import studio
from studio.core.library import Library, LibraryOpenError, OpenProblem
from studio.core.library.database import DB_NAME
from studio.core.logs import LOG_FILE
from studio.ui.library_problem import TITLE, LibraryAction, LibraryAnswer, LibraryProblemDialog
from tests.library_problems import (
    GARBAGE,
    from_a_newer_app,
    locked_by_another_process,
    new_library,
    write_garbage,
)

# The real app (run_app on a StudioApplication) in a process of its own, driven as a user
# would: it clicks the problem dialog's buttons, then reports what the window shows.
_DRIVE = textwrap.dedent(
    """\
    import asyncio, json, sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
    import studio.app
    from studio.app import make_application, run_app
    from studio.event_loop import run
    from studio.ui.library_problem import LibraryProblemDialog
    from studio.ui.main_window import MainWindow

    scenario, argument = sys.argv[1], sys.argv[2]
    app = make_application()
    report = {"dialogs": [], "window": None, "banner": None}

    def shown(kind):
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind)]
        return next((w for w in found if w.isVisible()), None)

    async def appears(kind):
        for _ in range(600):
            widget = shown(kind)
            if widget is not None:
                return widget
            await asyncio.sleep(0.05)
        raise TimeoutError(kind.__name__)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug, not the library")

    if scenario == "start-fails":
        studio.app.FamilyModel = broken

    async def drive():
        if scenario == "start-fails":
            box = await appears(QMessageBox)
            report["dialogs"].append([box.windowTitle(), box.text()])
            box.button(QMessageBox.StandardButton.Ok).click()
            return
        if scenario != "crash":
            dialog = await appears(LibraryProblemDialog)
            report["dialogs"].append([dialog.windowTitle(), dialog.headline.text()])
            if scenario == "move":
                dialog.move_button.click()
            elif scenario == "quit":
                dialog.quit_button.click()
                return
            elif scenario == "choose":
                dialog.choose_button.click()
                picker = dialog.findChild(QFileDialog)
                picker.selectFile(argument)
                picker.accept()
        window = await appears(MainWindow)
        report["window"] = str(window.services.library.root)
        report["drafts"] = len(window.services.library.list_drafts(include_deleted=True))
        if scenario == "crash":
            def slot():
                raise RuntimeError("a slot that nothing guards")
            QTimer.singleShot(0, slot)
            for _ in range(600):
                await asyncio.sleep(0.05)
                if window.banner.text:
                    break
            report["banner"] = window.banner.text
        window.close()

    async def main():
        driver = asyncio.ensure_future(drive())
        code = await run_app(app, sys.argv[3], sandbox_only=True)
        await driver
        report["code"] = code
        return report

    print(json.dumps(run(main())))
    """
)


def drive_app(scenario: str, library: Path, argument: str = "") -> tuple[dict, str]:
    env = {
        **os.environ,
        "QT_API": "pyside6",
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    ran = subprocess.run(
        [sys.executable, "-c", _DRIVE, scenario, argument, str(library)],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(studio.__file__).resolve().parents[1],
        timeout=90,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    return json.loads(ran.stdout.strip().splitlines()[-1]), ran.stderr


def problem_with(root: Path) -> LibraryOpenError:
    with pytest.raises(LibraryOpenError) as refused:
        Library.open(root)
    return refused.value


@pytest.fixture
def damaged(tmp_path: Path) -> LibraryOpenError:
    write_garbage(tmp_path / "library")
    return problem_with(tmp_path / "library")


def answers_of(dialog: LibraryProblemDialog) -> list[LibraryAnswer]:
    answers: list[LibraryAnswer] = []
    dialog.chosen.connect(answers.append)
    return answers


def test_a_damaged_library_names_the_file_and_offers_three_ways_on(qtbot, damaged):
    dialog = LibraryProblemDialog(damaged)
    qtbot.addWidget(dialog)
    dialog.show()

    assert dialog.windowTitle() == TITLE == "Library problem — Draft Studio"
    assert dialog.headline.text() == "The library file is damaged"
    shown = dialog.sentence.text().replace("\u200b", "")
    assert shown == str(damaged)
    assert str(damaged.file) in shown
    assert dialog.move_button is not None
    assert dialog.move_button.isDefault()
    assert dialog.move_button.text() == "Move aside and start a new library"
    assert dialog.choose_button.text() == "Choose another folder…"
    assert dialog.quit_button.text() == "Quit"
    assert dialog.retry_button is None


def test_move_aside_is_the_users_word_and_nothing_else(qtbot, damaged):
    dialog = LibraryProblemDialog(damaged)
    qtbot.addWidget(dialog)
    answers = answers_of(dialog)
    dialog.show()

    assert dialog.move_button is not None
    qtbot.mouseClick(dialog.move_button, Qt.MouseButton.LeftButton)

    assert answers == [LibraryAnswer(LibraryAction.MOVE_ASIDE)]
    assert not dialog.isVisible()
    # The dialog itself touches nothing: the app acts on the answer.
    assert damaged.file.read_bytes() == GARBAGE


def test_choose_another_folder_answers_with_the_folder(qtbot, damaged, tmp_path: Path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    dialog = LibraryProblemDialog(damaged)
    qtbot.addWidget(dialog)
    answers = answers_of(dialog)
    dialog.show()

    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    picker = dialog.findChild(QFileDialog)
    assert picker is not None
    assert picker.isVisible()
    assert answers == []  # nothing until a folder is chosen
    picker.selectFile(str(other))
    picker.accept()

    assert answers == [LibraryAnswer(LibraryAction.CHOOSE_FOLDER, other)]
    assert not dialog.isVisible()


def test_quit_and_escape_answer_quit(qtbot, damaged):
    for leave in ("button", "escape"):
        dialog = LibraryProblemDialog(damaged)
        qtbot.addWidget(dialog)
        answers = answers_of(dialog)
        dialog.show()
        if leave == "button":
            qtbot.mouseClick(dialog.quit_button, Qt.MouseButton.LeftButton)
        else:
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        assert answers == [LibraryAnswer(LibraryAction.QUIT)], leave
        assert not dialog.isVisible()
    assert damaged.file.read_bytes() == GARBAGE


def test_a_locked_library_offers_to_try_again_and_never_to_move_it(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import studio.core.library.database as database

    monkeypatch.setattr(database, "_BUSY_S", 0.2)
    new_library(tmp_path)
    with locked_by_another_process(tmp_path):
        problem = problem_with(tmp_path)
    assert problem.problem is OpenProblem.LOCKED
    dialog = LibraryProblemDialog(problem)
    qtbot.addWidget(dialog)
    answers = answers_of(dialog)

    assert dialog.move_button is None
    assert dialog.retry_button is not None
    assert dialog.retry_button.isDefault()
    qtbot.mouseClick(dialog.retry_button, Qt.MouseButton.LeftButton)
    assert answers == [LibraryAnswer(LibraryAction.RETRY)]


def test_a_newer_library_offers_another_folder_first(qtbot, tmp_path: Path):
    from_a_newer_app(tmp_path)
    dialog = LibraryProblemDialog(problem_with(tmp_path))
    qtbot.addWidget(dialog)
    assert dialog.headline.text() == "This library is from a newer Draft Studio"
    assert dialog.move_button is None
    assert dialog.retry_button is None
    assert dialog.choose_button.isDefault()


# -- the app itself ----------------------------------------------------------------------------


def test_the_app_moves_a_damaged_library_aside_and_opens_a_new_one(tmp_path: Path):
    library = tmp_path / "library"
    file = write_garbage(library)

    report, _ = drive_app("move", library)

    assert report["dialogs"] == [[TITLE, "The library file is damaged"]]
    assert report["window"] == str(library)
    assert report["drafts"] == 0
    assert report["code"] == 0
    (moved,) = library.glob("library-damaged-*.sqlite3")
    assert moved.read_bytes() == GARBAGE  # kept whole, beside the new library
    with Library.open(library) as reopened:
        assert reopened.integrity_check() == "ok"
    assert file.exists()


def test_quitting_from_the_dialog_changes_nothing_and_says_why(tmp_path: Path):
    library = tmp_path / "library"
    file = write_garbage(library)
    before = sorted(p.name for p in library.rglob("*"))

    report, stderr = drive_app("quit", library)

    assert report["window"] is None
    assert report["code"] == 1
    assert sorted(p.name for p in library.rglob("*")) == before
    assert file.read_bytes() == GARBAGE
    assert "Traceback" not in stderr
    assert f"draft-studio: The library file {file} is damaged" in stderr


def test_the_app_opens_the_folder_the_user_chose(tmp_path: Path):
    library = tmp_path / "library"
    file = write_garbage(library)
    other = tmp_path / "other"
    other.mkdir()

    report, _ = drive_app("choose", library, str(other))

    assert report["window"] == str(other)
    assert report["code"] == 0
    assert (other / DB_NAME).is_file()
    assert file.read_bytes() == GARBAGE
    assert list(library.glob("library-damaged-*")) == []


def test_a_slot_that_raises_names_the_log_in_the_banner_and_on_stderr(tmp_path: Path):
    library = tmp_path / "library"
    logs = Path(os.environ["DRAFT_STUDIO_LOGS"])

    report, stderr = drive_app("crash", library)

    sentence = f"Something went wrong; details are in {logs / LOG_FILE}."
    assert report["banner"] == sentence
    assert f"draft-studio: {sentence}" in stderr.splitlines()
    assert "Traceback" not in stderr
    logged = (logs / LOG_FILE).read_text(encoding="utf-8")
    assert "RuntimeError: a slot that nothing guards" in logged


def test_an_app_that_cannot_start_says_where_the_log_is(tmp_path: Path):
    logs = Path(os.environ["DRAFT_STUDIO_LOGS"])

    report, stderr = drive_app("start-fails", tmp_path / "library")

    sentence = f"Draft Studio could not start; details are in {logs / LOG_FILE}."
    assert report["dialogs"] == [["Draft Studio", sentence]]
    assert report["window"] is None
    assert report["code"] == 1
    assert f"draft-studio: {sentence}" in stderr.splitlines()
    assert "Traceback" not in stderr
    assert "RuntimeError: a bug, not the library" in (logs / LOG_FILE).read_text("utf-8")
