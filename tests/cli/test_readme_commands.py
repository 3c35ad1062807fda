"""The README's commands, with every argument it shows, in a fresh copy of the project (the
files git tracks, and new ones it does not ignore): each `bash packaging/run.sh …` example,
plus `--help` and `--sandbox`, and the set-up of `bash tests/run.sh` (its lines that set up;
the suite does not run itself). Each exits 0 with no traceback and reinstalls nothing.

No package registry is reached: the copy's .venv is a symlink to the .venv these tests run
in, set up by `bash tests/run.sh` for this very pyproject.toml (so its `draft-studio` runs the
original tree's code, the same files), pip is refused any index (PIP_NO_INDEX), and apt-get
and sudo are stubs that fail. The app's commands run offscreen until its engine is up on the
sandbox, then end by SIGTERM."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import studio
from tests.app_process import READY_ON_SANDBOX, desktop_env, end_by_signal, wait_until_logged
from tests.cli.helpers import FAST_SANDBOX, NOWHERE, path_without_package_manager

ROOT = Path(studio.__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
RUN_EXAMPLES = sorted(
    {
        shlex.join(shlex.split(re.sub(r"\s+#.*$", "", found)))
        for found in re.findall(r"bash packaging/run\.sh[^`\n]*", README)
    }
    | {"bash packaging/run.sh --help", "bash packaging/run.sh --sandbox"}
)
SETUP_LINE = re.compile(r"^\s*(?:bash|source|\.)\s+\S*packaging/dev/\S+\.sh.*$", re.MULTILINE)
SETUP_SAYS = ("Setting up", "Finishing", "Updating", "Adding", "is set up", "Installing")
# An app started with a key in its environment and --sandbox must still use the sandbox.
FAKE_KEY = "AIza" + "0" * 35


def _stamps(venv: Path) -> dict[str, int]:
    return {stamp.name: stamp.stat().st_mtime_ns for stamp in venv.glob(".installed-*")}


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (ROOT / ".git").exists():
        pytest.skip("needs the project's git checkout to know its files")
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    copy = tmp_path_factory.mktemp("clone")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # not a file deleted from the work tree but not yet from git
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    venv = Path(sys.prefix)
    assert (venv / "bin" / "draft-studio").exists(), f"{venv} has no draft-studio"
    digest = subprocess.run(
        ["sha256sum", str(copy / "pyproject.toml")], capture_output=True, text=True, check=True
    ).stdout[:16]
    assert any(name.startswith(f".installed-{digest}") for name in _stamps(venv)), (
        f"{venv} is not set up for this pyproject.toml: run bash tests/run.sh"
    )
    (copy / ".venv").symlink_to(venv, target_is_directory=True)
    return copy


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    path = path_without_package_manager(tmp_path / "stubs")
    return desktop_env(
        tmp_path / "home",
        PATH=path,
        PIP_NO_INDEX="1",
        GOOGLE_GEMINI_BASE_URL=NOWHERE,
        **FAST_SANDBOX,
    )


def _starts_the_app(args: list[str]) -> bool:
    rest = [a for a in args if a != "--sandbox"]
    return not rest or (rest[0] == "--library" and len(rest) == 2)


def _assert_nothing_set_up(stderr: str, clone: Path, before: dict[str, int]) -> None:
    said = [line for line in stderr.splitlines() if line.startswith(SETUP_SAYS)]
    assert said == [], stderr
    assert _stamps(clone / ".venv") == before


@pytest.mark.parametrize("command", RUN_EXAMPLES)
def test_a_run_sh_example_works_as_written(clone: Path, env: dict[str, str], command: str) -> None:
    args = shlex.split(command)[2:]
    before = _stamps(clone / ".venv")
    if "--sandbox" in args:
        env["GEMINI_API_KEY"] = FAKE_KEY
    if _starts_the_app(args):
        app = subprocess.Popen(
            shlex.split(command),
            cwd=clone,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_until_logged(app, env, READY_ON_SANDBOX)
        stderr = end_by_signal(app)
    else:
        finished = subprocess.run(
            shlex.split(command),
            cwd=clone,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        stderr = finished.stderr
        assert finished.returncode == 0, f"{command}\n{stderr}"
        assert "Traceback" not in stderr, stderr
    _assert_nothing_set_up(stderr, clone, before)


def test_the_test_commands_set_up_is_already_done(clone: Path, env: dict[str, str]) -> None:
    assert "bash tests/run.sh" in README
    lines = SETUP_LINE.findall((clone / "tests" / "run.sh").read_text())
    assert any("venv.sh" in line for line in lines), lines
    before = _stamps(clone / ".venv")

    finished = subprocess.run(
        ["bash", "-c", "set -euo pipefail\n" + "\n".join(lines)],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert finished.returncode == 0, finished.stderr
    assert finished.stderr == ""
    _assert_nothing_set_up(finished.stderr, clone, before)
