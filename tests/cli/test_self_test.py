"""`draft-studio --self-test`, run as the real command in a subprocess."""

# keyring's backend classes carry no annotations.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import tests.conftest
from studio.cli.self_test import FIRST_FAILURE_EXIT, STEP_NAMES
from tests.cli.helpers import cli_env, library_dir, run_cli
from tests.conftest import HOW_TO_RUN_KEYRING_TESTS

KEYRING_EXIT = FIRST_FAILURE_EXIT + STEP_NAMES.index("keyring")
NOT_SECURE = re.compile(
    r"The keyring backend is '.+', which is not a secure store, .*GEMINI_API_KEY"
)

# Pillow as if built without WebP: what a thin install or a frozen build can lack.
_NO_WEBP = """\
from PIL import Image
Image.init()
Image.SAVE.pop("WEBP", None)
"""


@pytest.fixture
def secure_keyring() -> bool:
    """Whether the keyring step should pass: decided as tests/conftest.py decides for the
    keyring tests, but a missing Secret Service is an expected failure here, not a skip."""
    import keyring
    from keyring.backends import SecretService

    backend = keyring.get_keyring()
    if isinstance(backend, SecretService.Keyring):
        return True
    # Read from tests/conftest.py: the autouse fixture has cleared DRAFT_STUDIO_* by now.
    if tests.conftest._ALLOW_NO_SECRET_SERVICE:
        return False
    pytest.fail(HOW_TO_RUN_KEYRING_TESTS.format(backend=backend), pytrace=False)


def _env(**extra: str) -> dict[str, str]:
    return cli_env(QT_QPA_PLATFORM="offscreen", **extra)


def test_every_step_passes_and_says_what_it_found(secure_keyring: bool) -> None:
    result = run_cli("--self-test", env=_env())

    lines = result.stderr_lines
    assert [line.split(":")[0] for line in lines] == list(STEP_NAMES), str(result)
    assert result.stdout == ""
    assert lines[0] == "qt: ok: platform offscreen"
    assert lines[1].startswith("images: ok: ")
    assert "WEBP" in lines[1]
    assert lines[3].startswith("library: ok: ")
    assert "WAL" in lines[3]
    assert lines[4].startswith("generate: ok: image PNG"), str(result)
    if secure_keyring:
        assert result.code == 0, str(result)
        assert lines[2].startswith("keyring: ok: Secret Service")
    else:
        assert result.code == KEYRING_EXIT, str(result)
        assert lines[2].startswith("keyring: FAILED: ")
        assert NOT_SECURE.search(lines[2]), lines[2]


def test_json_shape_and_nothing_of_the_users_is_touched(secure_keyring: bool) -> None:
    result = run_cli("--self-test", "--json", env=_env())

    report = result.json()
    assert set(report) == {"ok", "steps"}
    assert [step["name"] for step in report["steps"]] == list(STEP_NAMES)
    for step in report["steps"]:
        assert set(step) == {"name", "ok", "detail"}
        assert isinstance(step["detail"], str)
        assert step["detail"]
    failed = {step["name"] for step in report["steps"] if not step["ok"]}
    assert failed == (set() if secure_keyring else {"keyring"}), str(result)
    assert report["ok"] is secure_keyring
    assert result.code == (0 if secure_keyring else KEYRING_EXIT)
    assert result.stderr == ""
    # The user's library, settings and logs folders were never created.
    assert not library_dir().exists()
    assert not Path(os.environ["DRAFT_STUDIO_CONFIG"]).exists()
    assert not Path(os.environ["DRAFT_STUDIO_LOGS"]).exists()


def test_a_missing_codec_fails_the_images_step_with_its_exit_code(tmp_path: Path) -> None:
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(_NO_WEBP)

    result = run_cli("--self-test", "--json", env=_env(PYTHONPATH=str(shim)))

    assert result.code == FIRST_FAILURE_EXIT + STEP_NAMES.index("images"), str(result)
    steps = {step["name"]: step for step in result.json()["steps"]}
    assert steps["images"]["ok"] is False
    assert steps["images"]["detail"].startswith("Pillow cannot encode WEBP")
    assert steps["qt"]["ok"] is True


def test_an_unknown_qt_platform_fails_first_instead_of_aborting() -> None:
    result = run_cli("--self-test", env=cli_env(QT_QPA_PLATFORM="nosuchplatform"))

    assert result.code == FIRST_FAILURE_EXIT, str(result)
    assert result.stderr_lines[0].startswith(
        "qt: FAILED: QT_QPA_PLATFORM asks for 'nosuchplatform', but Qt has no such platform"
    )
    assert "offscreen" in result.stderr_lines[0]
    # Later steps still ran, so one run shows everything that is broken.
    assert result.stderr_lines[1].startswith("images: ")


def test_help_lists_the_exit_code_of_every_step() -> None:
    result = run_cli("--help", env=_env())

    assert result.code == 0
    text = " ".join(result.stdout.split())
    for index, name in enumerate(STEP_NAMES):
        assert f"{FIRST_FAILURE_EXIT + index} {name}" in text


def test_self_test_refuses_a_command_and_json_needs_it() -> None:
    with_command = run_cli("--self-test", "library", "list", env=_env())
    stray_json = run_cli("--json", "library", "list", env=_env())

    assert with_command.code == 2
    assert "--self-test takes no COMMAND" in with_command.stderr
    assert stray_json.code == 2
    assert "--json before COMMAND" in stray_json.stderr


def test_help_does_not_import_the_self_test() -> None:
    check = (
        "import contextlib, io, sys\n"
        "from studio.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(sorted(m for m in sys.modules if m in ('studio.cli.self_test', 'PySide6')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
