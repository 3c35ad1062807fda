"""The one notice strip: messages replace each other, repeats are shown once, the sandbox
notice sits underneath."""

from __future__ import annotations

import gc
import sys
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QVBoxLayout, QWidget

from studio.ui.banner import SANDBOX_TEXT, Banner, Lifetime

INVALID_KEY = "The API key was rejected. Check it in Settings."
NETWORK = "Cannot reach the image service (network down?)."


@pytest.fixture
def window(qtbot: Any) -> QWidget:
    """A stand-in for the main window: the banner above the grid, at a desktop width."""
    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    layout.addWidget(Banner(host))
    layout.addStretch(1)
    host.resize(1000, 400)
    host.show()
    return host


@pytest.fixture
def banner(window: QWidget) -> Banner:
    found = window.findChild(Banner)
    assert found is not None
    return found


def relayout(window: QWidget) -> None:
    layout = window.layout()
    assert layout is not None
    layout.activate()


def visible_buttons(banner: Banner) -> list[str]:
    buttons = banner.findChildren(QAbstractButton)
    return [b.accessibleName() for b in buttons if b.isVisibleTo(banner)]


def shown_texts(banner: Banner) -> list[str]:
    return [label.text() for label in banner.findChildren(QLabel) if label.isVisibleTo(banner)]


def test_hidden_until_there_is_something_to_say(banner: Banner) -> None:
    assert banner.isHidden()
    assert banner.kind is None
    assert banner.text == ""
    assert banner.accessibleName() == "Notice"


def test_a_new_message_replaces_the_old_one(banner: Banner) -> None:
    banner.show_message("error", INVALID_KEY, "Open Settings", lambda: None)
    labels_before = len(banner.findChildren(QLabel))

    banner.show_message("warning", NETWORK, None, None)

    assert banner.kind == "warning"
    assert banner.text == NETWORK
    assert shown_texts(banner) == [NETWORK]
    assert len(banner.findChildren(QLabel)) == labels_before  # nothing stacked up
    assert "Open Settings" not in visible_buttons(banner)
    assert banner.accessibleDescription() == NETWORK


def test_the_same_message_twice_is_shown_once(banner: Banner, qtbot: Any) -> None:
    calls: list[str] = []
    banner.show_message("error", NETWORK, "Retry", lambda: calls.append("first"))
    banner.show_message("error", NETWORK, "Retry", lambda: calls.append("second"))

    assert shown_texts(banner) == [NETWORK]
    qtbot.mouseClick(banner._action, Qt.MouseButton.LeftButton)
    assert calls == ["second"]  # the latest callback, on the one strip


def test_a_dismissed_message_stays_away_until_something_else_happens(
    banner: Banner, qtbot: Any
) -> None:
    dismissed: list[None] = []
    banner.dismissed.connect(lambda: dismissed.append(None))
    banner.show_message("error", NETWORK, None, None)

    qtbot.mouseClick(banner._dismiss, Qt.MouseButton.LeftButton)
    assert banner.isHidden()
    assert dismissed == [None]

    banner.show_message("error", NETWORK, None, None)  # the next failed request says it again
    assert banner.isHidden()

    banner.clear()  # the network came back...
    banner.show_message("error", NETWORK, None, None)  # ...and went away again
    assert banner.isVisible()


def test_the_action_button_runs_the_action(banner: Banner, qtbot: Any) -> None:
    calls: list[None] = []
    banner.show_message(
        "warning", "Session budget reached.", "Raise budget", lambda: calls.append(None)
    )

    assert "Raise budget" in visible_buttons(banner)
    assert banner._action.toolTip() == "Raise budget"
    qtbot.mouseClick(banner._action, Qt.MouseButton.LeftButton)
    assert calls == [None]


def test_the_sandbox_notice_is_permanent_and_offers_a_key(banner: Banner, qtbot: Any) -> None:
    requested: list[None] = []
    banner.add_key_requested.connect(lambda: requested.append(None))

    banner.set_sandbox(True)

    assert banner.isVisible()
    assert banner.kind == "sandbox"
    assert banner.text == SANDBOX_TEXT
    assert SANDBOX_TEXT.startswith("Offline sandbox: synthetic images, nothing is billed.")
    assert visible_buttons(banner) == ["Add key"]  # no dismiss: it stays while in the sandbox
    qtbot.mouseClick(banner._add_key, Qt.MouseButton.LeftButton)
    assert requested == [None]


def test_a_message_covers_the_sandbox_notice_and_it_comes_back(banner: Banner, qtbot: Any) -> None:
    banner.set_sandbox(True)
    banner.show_message("warning", "Daily budget reached.", None, None)
    assert banner.kind == "warning"
    assert shown_texts(banner) == ["Daily budget reached."]

    qtbot.mouseClick(banner._dismiss, Qt.MouseButton.LeftButton)
    assert banner.kind == "sandbox"
    assert banner.text == SANDBOX_TEXT

    banner.set_sandbox(False)
    assert banner.isHidden()


def test_every_button_is_named_and_explained(banner: Banner) -> None:
    banner.show_message("error", INVALID_KEY, "Open Settings", lambda: None)
    for button in (banner._action, banner._dismiss, banner._add_key):
        assert button.accessibleName()
        assert button.toolTip()


def test_an_unknown_kind_is_a_programming_error(banner: Banner) -> None:
    with pytest.raises(ValueError, match="error, warning, info"):
        banner.show_message("fatal", "?", None, None)


def test_the_strip_keeps_its_height_with_or_without_a_dismiss_button(
    window: QWidget, banner: Banner
) -> None:
    banner.set_sandbox(True)
    relayout(window)
    sandbox_height = banner.height()
    banner.show_message("info", "Settings were updated.", None, None)
    relayout(window)

    assert banner.height() == sandbox_height


def test_emitting_from_python_does_not_use_up_true(banner: Banner) -> None:
    # PySide6 6.12 on Python 3.11 drops a reference to True on every SignalInstance.emit;
    # enough of them abort the interpreter ("bool_dealloc"). This guards the version pin.
    gc.collect()
    before = sys.getrefcount(True)
    for _ in range(2000):
        banner.dismissed.emit()
    gc.collect()

    assert sys.getrefcount(True) >= before - 10


def test_a_word_about_an_action_covers_the_sandbox_strip_until_the_next_one(
    banner: Banner,
) -> None:
    banner.set_sandbox(True)
    banner.show_message("info", "Select two drafts to compare.", lifetime=Lifetime.TRANSIENT)
    assert banner.kind == "info"
    assert visible_buttons(banner) == ["Dismiss notice"]

    banner.settle()  # the user's next action, or a new selection

    assert banner.kind == "sandbox"
    assert banner.text == SANDBOX_TEXT
    assert visible_buttons(banner) == ["Add key"]


def test_a_transient_word_goes_by_itself(banner: Banner, qtbot: Any) -> None:
    banner.set_sandbox(True)
    banner.transient_ms = 20
    banner.show_message("info", "Draft 4 is hidden by the filter.", lifetime=Lifetime.TRANSIENT)
    banner.show_message("error", "Saving failed.", lifetime=Lifetime.UNTIL_NEXT_ACTION)

    assert banner.kind == "error"
    assert not banner._expiry.isActive()  # no clock on a word about a failure: it waits to be read

    banner.show_message("info", "Draft 4 is hidden by the filter.", lifetime=Lifetime.TRANSIENT)
    qtbot.waitUntil(lambda: banner.kind == "sandbox", timeout=2000)


def test_the_state_under_a_word_about_an_action_comes_back(banner: Banner, qtbot: Any) -> None:
    banner.set_sandbox(True)
    banner.show_message("warning", "Daily budget reached.", "Raise budget", lambda: None)
    banner.show_message("info", "Move to a draft first.", lifetime=Lifetime.TRANSIENT)
    assert banner.kind == "info"
    assert "Raise budget" not in visible_buttons(banner)

    # The batch repeating its state does not push the word away; a new state would.
    banner.show_message("warning", "Daily budget reached.", "Raise budget", lambda: None)
    assert banner.kind == "info"
    qtbot.mouseClick(banner._dismiss, Qt.MouseButton.LeftButton)

    assert banner.kind == "warning"
    assert banner.text == "Daily budget reached."
    assert "Raise budget" in visible_buttons(banner)
    banner.show_message("info", "Move to a draft first.", lifetime=Lifetime.TRANSIENT)
    banner.show_message("error", NETWORK)
    assert banner.kind == "error"


def test_clear_with_words_clears_only_that_message(banner: Banner) -> None:
    banner.set_sandbox(True)
    banner.show_message("error", INVALID_KEY)
    banner.clear(NETWORK)
    assert banner.text == INVALID_KEY
    banner.clear(INVALID_KEY)
    assert banner.kind == "sandbox"
