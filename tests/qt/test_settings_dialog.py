"""The settings dialog, the first-run panel and their models, against the real Secret Service
and the sandbox.

Run with:
    XDG_DATA_HOME=$(mktemp -d) dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon \
        --unlock --components=secrets >/dev/null; .venv/bin/pytest tests/qt/test_settings_dialog.py'

Every test is async: the models start their work through the TaskRunner on the qasync loop.
They wait by awaiting (never qtbot.wait*, which would nest a second event loop).
"""

# keyring's backend classes carry no annotations.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import keyring.errors
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from studio.core.catalog import DRAFT_MODEL
from studio.core.paths import AppPaths
from studio.core.secrets import KEYRING_LOCKED, NO_SECURE_KEYRING, USERNAME, KeyStore
from studio.models.key_model import KeyModel
from studio.models.settings_model import SettingsModel
from studio.models.tasks import TaskRunner
from studio.sandbox import SandboxServer
from studio.ui.first_run import FirstRunPanel
from studio.ui.settings_dialog import SettingsDialog
from studio.ui.settings_sections import price_text

# Shaped like a real key, so a leak would also trip the redaction patterns; the sandbox accepts it.
KEY = "AIzaSyTESTtestTESTtestTESTtestTESTtes"
INVALID_KEY = "invalid-AIzaSyTESTtestTESTtestTESTtest"
NOPERM_KEY = "noperm-AIzaSyTESTtestTESTtestTESTtestT"


# Waiting without a nested event loop.


async def until(signal: Any, condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    """Wait until `condition` holds, re-checking each time `signal` fires."""
    fired = asyncio.Event()
    signal.connect(fired.set)
    async with asyncio.timeout(timeout_s):
        while not condition():
            fired.clear()
            await fired.wait()


def next_emission(signal: Any) -> asyncio.Future[tuple[Any, ...]]:
    """A future resolved by the signal's next emission (connect before acting)."""
    future: asyncio.Future[tuple[Any, ...]] = asyncio.get_running_loop().create_future()

    def done(*args: Any) -> None:
        if not future.done():
            future.set_result(args)

    signal.connect(done)
    return future


async def idle(keys: KeyModel) -> None:
    await until(keys.changed, lambda: not keys.busy)


def visible_texts(root: QWidget) -> list[str]:
    """Every string the UI exposes: labels, buttons, tooltips, accessible names."""
    texts = [root.windowTitle(), root.toolTip(), root.accessibleName()]
    for widget in root.findChildren(QWidget):
        texts += [
            widget.toolTip(),
            widget.statusTip(),
            widget.whatsThis(),
            widget.accessibleName(),
            widget.accessibleDescription(),
        ]
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
    return texts


# Fixtures.


@pytest.fixture
def fail_keyring(service: str) -> Iterator[None]:
    # Depends on `service` so the real keyring is back before that fixture cleans up.
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
async def runner() -> AsyncIterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    await tasks.cancel_all()


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


@pytest.fixture
def settings(runner: TaskRunner) -> SettingsModel:
    return SettingsModel(AppPaths.resolve(), runner)


@pytest.fixture
def keys(
    service: str, runner: TaskRunner, settings: SettingsModel, sandbox: SandboxServer
) -> KeyModel:
    return KeyModel(KeyStore(service), runner, settings=settings, base_url=sandbox.base_url)


@pytest.fixture
async def dialog(qtbot: Any, keys: KeyModel, settings: SettingsModel) -> SettingsDialog:
    shown = SettingsDialog(keys, settings)
    qtbot.addWidget(shown)
    shown.show()
    await idle(keys)
    return shown


async def save_through(dialog: SettingsDialog, qtbot: Any, key: str) -> None:
    qtbot.keyClicks(dialog.key.key_field.edit, key)
    changed = next_emission(dialog._keys.key_changed)
    qtbot.mouseClick(dialog.key.save_button, Qt.MouseButton.LeftButton)
    await asyncio.wait_for(changed, 10)
    await idle(dialog._keys)


# The key.


async def test_key_field_is_masked_and_can_be_shown(dialog: SettingsDialog, qtbot: Any) -> None:
    field = dialog.key.key_field
    assert field.edit.echoMode() is QLineEdit.EchoMode.Password
    assert field.edit.placeholderText() == "Paste your Gemini API key"

    qtbot.mouseClick(field.toggle, Qt.MouseButton.LeftButton)
    assert field.edit.echoMode() is QLineEdit.EchoMode.Normal
    assert field.toggle.accessibleName() == "Hide key"
    qtbot.mouseClick(field.toggle, Qt.MouseButton.LeftButton)
    assert field.edit.echoMode() is QLineEdit.EchoMode.Password


async def test_save_puts_the_key_in_the_real_keyring(
    dialog: SettingsDialog, qtbot: Any, service: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    keys = dialog._keys
    assert keyring.get_password(service, USERNAME) is None
    assert not dialog.key.save_button.isEnabled()

    await save_through(dialog, qtbot, KEY)

    assert keyring.get_password(service, USERNAME) == KEY
    assert keys.has_key
    assert keys.source == "keyring"
    assert keys.status == "Saved. Your key is stored in the system keyring."
    assert dialog.key.status_label.text() == keys.status
    assert dialog.key.key_field.text() == ""  # the widget does not hold on to it
    assert dialog.key.remove_button.isEnabled()
    assert not any(KEY in text for text in visible_texts(dialog))
    assert KEY not in caplog.text
    assert not any(KEY in repr(value) for value in vars(keys).values())


async def test_enter_in_the_key_field_saves(
    dialog: SettingsDialog, qtbot: Any, service: str
) -> None:
    qtbot.keyClicks(dialog.key.key_field.edit, KEY)
    changed = next_emission(dialog._keys.key_changed)
    qtbot.keyClick(dialog.key.key_field.edit, Qt.Key.Key_Return)
    await asyncio.wait_for(changed, 10)

    assert keyring.get_password(service, USERNAME) == KEY
    assert dialog.isVisible()  # Enter did not press Close


async def test_a_key_with_spaces_is_refused_in_words(
    dialog: SettingsDialog, qtbot: Any, service: str
) -> None:
    qtbot.keyClicks(dialog.key.key_field.edit, "AIza with spaces")
    qtbot.mouseClick(dialog.key.save_button, Qt.MouseButton.LeftButton)
    await idle(dialog._keys)

    assert dialog.key.status_label.text() == (
        "That doesn't look like an API key: it contains spaces or line breaks."
    )
    assert keyring.get_password(service, USERNAME) is None


@pytest.mark.parametrize(
    ("key", "verdict"),
    [
        pytest.param(KEY, "Valid: this key can use Nano Banana 2 Lite.", id="valid"),
        pytest.param(INVALID_KEY, "Invalid: the service rejected this key.", id="invalid"),
        pytest.param(
            NOPERM_KEY,
            "No permission: this key is not allowed to use Nano Banana 2 Lite.",
            id="no-permission",
        ),
    ],
)
async def test_test_key_answers_in_words(
    dialog: SettingsDialog, qtbot: Any, sandbox: SandboxServer, key: str, verdict: str
) -> None:
    await save_through(dialog, qtbot, key)

    qtbot.mouseClick(dialog.key.test_button, Qt.MouseButton.LeftButton)
    assert not dialog.key.test_button.isEnabled()  # busy from the click on
    await idle(dialog._keys)

    assert dialog.key.status_label.text() == verdict
    assert [r.path for r in sandbox.requests][-1].endswith(f"/models/{DRAFT_MODEL}")
    assert not any(key in text for text in visible_texts(dialog))


async def test_test_key_checks_a_typed_key_without_saving_it(
    dialog: SettingsDialog, qtbot: Any, service: str
) -> None:
    await save_through(dialog, qtbot, KEY)
    qtbot.keyClicks(dialog.key.key_field.edit, INVALID_KEY)

    qtbot.mouseClick(dialog.key.test_button, Qt.MouseButton.LeftButton)
    await idle(dialog._keys)

    assert dialog.key.status_label.text() == "Invalid: the service rejected this key."
    assert keyring.get_password(service, USERNAME) == KEY


async def test_test_key_says_when_the_service_is_unreachable(
    service: str, runner: TaskRunner, settings: SettingsModel
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    keys = KeyModel(KeyStore(service), runner, settings=settings)

    await keys.test(base_url=f"http://127.0.0.1:{closed_port}", key=KEY)

    assert keys.status == "Unreachable: could not reach the service (network down?)."


async def test_test_key_without_any_key_says_so(keys: KeyModel) -> None:
    await keys.refresh()
    await keys.test()

    assert keys.status == "There is no key to test. Paste your key first."


async def test_remove_key_removes_it_from_the_keyring(
    dialog: SettingsDialog, qtbot: Any, service: str
) -> None:
    keys = dialog._keys
    await save_through(dialog, qtbot, KEY)
    assert keyring.get_password(service, USERNAME) == KEY

    changed = next_emission(keys.key_changed)
    qtbot.mouseClick(dialog.key.remove_button, Qt.MouseButton.LeftButton)
    await asyncio.wait_for(changed, 10)
    await idle(keys)

    assert keyring.get_password(service, USERNAME) is None
    assert not keys.has_key
    assert dialog.key.status_label.text() == "Key removed. No key is set yet."
    assert not dialog.key.remove_button.isEnabled()


async def test_without_a_secure_keyring_the_key_works_for_this_session(
    fail_keyring: None, dialog: SettingsDialog, qtbot: Any
) -> None:
    keys = dialog._keys
    assert not keys.backend.secure
    assert dialog.key.fallback_label.isVisible()
    assert dialog.key.fallback_label.text() == NO_SECURE_KEYRING
    assert dialog.key.session_button.isVisible()

    qtbot.keyClicks(dialog.key.key_field.edit, KEY)
    assert not dialog.key.save_button.isVisible()  # saving cannot work; the note says why
    changed = next_emission(keys.key_changed)
    qtbot.mouseClick(dialog.key.session_button, Qt.MouseButton.LeftButton)
    await asyncio.wait_for(changed, 10)

    assert keys.has_key
    assert keys.source == "this session only"
    assert dialog.key.status_label.text().startswith("Using your key for this session only")
    assert dialog.key.key_field.text() == ""
    assert not any(KEY in text for text in visible_texts(dialog))

    # ...and it is the key a test request uses.
    qtbot.mouseClick(dialog.key.test_button, Qt.MouseButton.LeftButton)
    await idle(keys)
    assert dialog.key.status_label.text() == "Valid: this key can use Nano Banana 2 Lite."


async def test_a_failed_save_offers_this_session_in_plain_words(
    service: str, runner: TaskRunner, settings: SettingsModel
) -> None:
    keys = KeyModel(KeyStore(service), runner, settings=settings)
    await keys.refresh()
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        await keys.save(KEY)
    finally:
        keyring.set_keyring(previous)

    assert keys.status == NO_SECURE_KEYRING
    assert keys.offer_session
    assert not keys.has_key


class LockedKeyring(keyring.backend.KeyringBackend):
    """A secure keyring whose collection is locked, as after a login without unlocking it."""

    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("locked")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringLocked("locked")


# keyring registers every concrete backend class for its own auto-selection; this one must
# only ever be installed explicitly.
keyring.backend.KeyringBackend._classes.discard(LockedKeyring)


async def test_a_locked_keyring_is_explained_and_the_session_offered(
    dialog: SettingsDialog, qtbot: Any
) -> None:
    keys = dialog._keys
    previous = keyring.get_keyring()
    keyring.set_keyring(LockedKeyring())
    try:
        await keys.refresh()
        assert dialog.key.status_label.text() == KEYRING_LOCKED
        qtbot.keyClicks(dialog.key.key_field.edit, KEY)
        qtbot.mouseClick(dialog.key.save_button, Qt.MouseButton.LeftButton)
        await idle(keys)
    finally:
        keyring.set_keyring(previous)

    assert dialog.key.status_label.text() == KEYRING_LOCKED
    assert dialog.key.session_button.isVisible()
    assert dialog.key.key_field.text() == KEY  # kept, so "this session only" can use it
    qtbot.mouseClick(dialog.key.session_button, Qt.MouseButton.LeftButton)
    assert keys.source == "this session only"


# Settings.


async def test_settings_changes_are_saved_to_the_settings_file(
    dialog: SettingsDialog, qtbot: Any, settings: SettingsModel
) -> None:
    await save_through(dialog, qtbot, KEY)
    changes = next_emission(settings.changed)

    dialog.budgets.session_budget.setValue(12.5)
    await asyncio.wait_for(changes, 5)
    dialog.budgets.daily_budget.setValue(40)
    dialog.generation.concurrency.setValue(16)
    dialog.generation.timeout.setValue(120)
    pro = dialog.generation.model_combo.findData("gemini-3-pro-image-preview")
    dialog.generation.model_combo.setCurrentIndex(pro)
    dialog.generation.model_combo.activated.emit(pro)
    await settings.flush()

    text = settings.path.read_text(encoding="utf-8")
    saved = json.loads(text)
    assert saved["session_budget_usd"] == 12.5
    assert saved["daily_budget_usd"] == 40.0
    assert saved["max_concurrency"] == 16
    assert saved["request_timeout_s"] == 120.0
    assert saved["default_model"] == "gemini-3-pro-image-preview"
    assert KEY not in text

    dialog.budgets.session_budget.setValue(0)  # shown as "No cap"
    await settings.flush()
    assert json.loads(settings.path.read_text(encoding="utf-8"))["session_budget_usd"] is None
    assert dialog.budgets.session_budget.text() == "No cap"


async def test_keeping_focus_in_the_prompt_is_a_saved_choice(
    dialog: SettingsDialog, qtbot: Any, settings: SettingsModel
) -> None:
    box = dialog.generation.keep_focus
    assert not box.isChecked()  # by default the new batch takes the focus
    assert box.accessibleName() == "Keep focus in the prompt after Generate"

    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    await settings.flush()

    assert settings.settings.keep_focus_in_prompt
    assert json.loads(settings.path.read_text(encoding="utf-8"))["keep_focus_in_prompt"] is True
    settings.update(keep_focus_in_prompt=False)  # from elsewhere: the box follows
    assert not box.isChecked()


async def test_the_model_picker_shows_the_price_per_image(dialog: SettingsDialog) -> None:
    combo = dialog.generation.model_combo
    texts = [combo.itemText(i) for i in range(combo.count())]

    assert texts[0] == "Nano Banana 2 Lite  ·  $0.0336 per 1K image"
    assert "Nano Banana Pro  ·  $0.134 per 1K image" in texts
    assert combo.currentData() == DRAFT_MODEL
    assert [price_text(p) for p in (0.0336, 0.067, 0.24, 1.0)] == [
        "$0.0336",
        "$0.067",
        "$0.24",
        "$1.00",
    ]


async def test_the_settings_model_validates_like_settings(
    settings: SettingsModel, tmp_path: Path
) -> None:
    seen: list[None] = []
    settings.changed.connect(lambda: seen.append(None))
    for bad in (
        {"max_concurrency": 0},
        {"max_concurrency": 65},
        {"max_concurrency": True},
        {"session_budget_usd": 0},
        {"daily_budget_usd": -1.0},
        {"daily_budget_usd": float("nan")},
        {"request_timeout_s": 4.9},
        {"default_model": "no-such-model"},
        {"api_version": "v9"},
        {"keep_focus_in_prompt": 1},
        {"schema_version": 2},
        {"colour": "red"},
    ):
        with pytest.raises(ValueError, match=r"\w"):
            settings.update(**bad)
    assert seen == []
    assert not settings.path.exists()

    settings.update(default_aspect="1:8")
    settings.update(default_model="gemini-3-pro-image-preview")  # Pro has no 1:8
    assert settings.settings.default_aspect == "1:1"
    settings.update(max_concurrency=settings.settings.max_concurrency)  # no change, no save
    assert len(seen) == 2
    await settings.flush()
    assert json.loads(settings.path.read_text(encoding="utf-8"))["default_aspect"] == "1:1"


async def test_a_burst_of_edits_ends_with_the_latest_values_on_disk(
    settings: SettingsModel,
) -> None:
    for value in range(1, 30):
        settings.update(max_concurrency=value)
    await settings.flush()

    assert json.loads(settings.path.read_text(encoding="utf-8"))["max_concurrency"] == 29


# The dialog as a whole.


async def test_the_dialog_is_not_modal_and_every_control_is_labelled(
    dialog: SettingsDialog,
) -> None:
    assert not dialog.isModal()
    controls = [
        w
        for w in dialog.findChildren(QWidget)
        if isinstance(w, QAbstractButton | QLineEdit | QComboBox | QAbstractSpinBox)
        # The line edit inside a spin box and QLineEdit's clear button belong to their owner.
        and not isinstance(w.parent(), QAbstractSpinBox)
        and not (isinstance(w.parent(), QLineEdit) and isinstance(w, QAbstractButton))
    ]
    assert len(controls) >= 12
    for control in controls:
        assert control.accessibleName(), control
        assert control.toolTip(), control
    buddies = {label.buddy() for label in dialog.findChildren(QLabel) if label.buddy()}
    assert dialog.generation.model_combo in buddies
    assert dialog.generation.model_combo.isVisible()
    for box in (
        dialog.budgets.session_budget,
        dialog.budgets.daily_budget,
        dialog.generation.concurrency,
        dialog.generation.timeout,
    ):
        assert box in buddies
    assert dialog.budgets.session_budget.prefix() == "$"


async def test_closing_the_dialog_forgets_a_typed_key(dialog: SettingsDialog, qtbot: Any) -> None:
    qtbot.keyClicks(dialog.key.key_field.edit, KEY)
    dialog.close()

    assert dialog.key.key_field.text() == ""


# First run.


@pytest.fixture
async def first_run(qtbot: Any, keys: KeyModel) -> FirstRunPanel:
    panel = FirstRunPanel(keys)
    qtbot.addWidget(panel)
    panel.show()
    await keys.refresh()
    return panel


async def test_first_run_offers_the_sandbox(first_run: FirstRunPanel, qtbot: Any) -> None:
    chosen = next_emission(first_run.sandbox_chosen)

    qtbot.mouseClick(first_run.sandbox_button, Qt.MouseButton.LeftButton)

    await asyncio.wait_for(chosen, 1)
    texts = visible_texts(first_run)
    assert "Welcome to Draft Studio" in texts
    assert "Try the offline sandbox" in texts
    assert "Paste your key" in texts


async def test_first_run_saves_a_pasted_key_in_the_keyring(
    first_run: FirstRunPanel, qtbot: Any, service: str
) -> None:
    keys_changed = next_emission(first_run._keys.key_changed)
    assert first_run.key_field.edit.echoMode() is QLineEdit.EchoMode.Password
    qtbot.keyClicks(first_run.key_field.edit, KEY)

    qtbot.mouseClick(first_run.save_button, Qt.MouseButton.LeftButton)
    await asyncio.wait_for(keys_changed, 10)

    assert keyring.get_password(service, USERNAME) == KEY
    assert first_run.key_field.text() == ""
    assert not any(KEY in text for text in visible_texts(first_run))


async def test_first_run_without_a_keyring_offers_this_session(
    fail_keyring: None, first_run: FirstRunPanel, qtbot: Any
) -> None:
    assert first_run.fallback_label.isVisible()
    assert first_run.session_button.isVisible()
    assert not first_run.save_button.isVisible()
    qtbot.keyClicks(first_run.key_field.edit, KEY)

    qtbot.mouseClick(first_run.session_button, Qt.MouseButton.LeftButton)

    assert first_run._keys.source == "this session only"
