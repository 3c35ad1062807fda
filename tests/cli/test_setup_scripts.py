"""The set-up behind the README's two commands (packaging/run.sh and tests/run.sh, through
packaging/dev/venv.sh): no argument of the caller's reaches the set-up, an install with the
dev extra serves the plain run, so alternating the two installs nothing, a changed
pyproject.toml reinstalls once, and the set-up says what it does on stderr and nothing when
there is nothing to do.

Nothing here reaches a package registry. The stamp logic runs against a stand-in .venv whose
`python` records each pip call instead of installing and whose `draft-studio` records its
arguments; the first run makes a real venv with pip refused any index (PIP_NO_INDEX), so pip
fails at once, after the script has said what it is doing. apt-get and sudo are stubs that
fail, in case a Debian package were missing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

import studio
from tests.cli.helpers import path_without_package_manager

ROOT = Path(studio.__file__).resolve().parents[1]
SETUP_LINE = re.compile(r"^\s*(?:bash|source|\.)\s+\S*packaging/dev/\S+\.sh.*$", re.MULTILINE)
STAND_IN = """\
#!/bin/sh
# Stands in for .venv/bin/{name}: records its arguments, one per line, then a blank line.
printf '%s\\n' "$@" '' >> "$(dirname "$0")/../{name}-calls"
"""
FIRST_RUN = "Setting up Draft Studio in .venv (first run, about a minute)…"


@dataclass(frozen=True)
class Ran:
    code: int
    stderr: str
    pip_calls: list[list[str]]
    command_calls: list[list[str]]


def _calls(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    return [call.splitlines() for call in path.read_text().split("\n\n") if call]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The scripts and pyproject.toml, as a fresh clone has them."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "packaging", root / "packaging")
    (root / "tests").mkdir()
    shutil.copy2(ROOT / "tests" / "run.sh", root / "tests" / "run.sh")
    shutil.copy2(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    path = path_without_package_manager(tmp_path / "stubs")
    return {
        **os.environ,
        "PATH": path,
        "PIP_NO_INDEX": "1",
    }


def _stand_in_venv(root: Path) -> Path:
    venv = root / ".venv"
    (venv / "bin").mkdir(parents=True)
    for name in ("python", "draft-studio"):
        (venv / "bin" / name).write_text(STAND_IN.format(name=name))
        (venv / "bin" / name).chmod(0o755)
    return venv


def _run(root: Path, env: dict[str, str], script: str) -> Ran:
    # The lines of a README command's script that set up, run as that script runs them.
    finished = subprocess.run(
        ["bash", "-c", f"set -euo pipefail\n{script}"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    venv = root / ".venv"
    return Ran(
        finished.returncode,
        finished.stderr,
        _calls(venv / "python-calls"),
        _calls(venv / "draft-studio-calls"),
    )


def _tests_setup(root: Path) -> str:
    """The set-up lines of tests/run.sh (the suite itself is not run from inside itself)."""
    lines = SETUP_LINE.findall((root / "tests" / "run.sh").read_text())
    assert any("venv.sh" in line for line in lines), lines
    return "\n".join(lines)


def _forget_calls(root: Path) -> None:
    for name in ("python-calls", "draft-studio-calls"):
        (root / ".venv" / name).unlink(missing_ok=True)


def _install(extras: str) -> list[str]:
    return ["-m", "pip", "install", "-q", "-e", f"{{root}}[{extras}]" if extras else "{root}"]


def _installs(ran: Ran, root: Path) -> list[list[str]]:
    """The pip calls, with the project's folder as {root}."""
    return [[arg.replace(str(root), "{root}") for arg in call] for call in ran.pip_calls]


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--help"], id="help"),
        pytest.param(["--sandbox"], id="sandbox"),
        pytest.param(["generate", "a paper boat", "-n", "8", "--sandbox"], id="generate"),
    ],
)
def test_run_sh_hands_every_argument_to_the_command_and_sets_up_nothing_more(
    project: Path, env: dict[str, str], args: list[str]
) -> None:
    _stand_in_venv(project)
    assert _run(project, env, _tests_setup(project)).code == 0
    _forget_calls(project)

    ran = _run(project, env, "bash packaging/run.sh " + " ".join(f"'{a}'" for a in args))

    assert ran.code == 0, ran.stderr
    assert ran.stderr == ""
    assert ran.pip_calls == []
    assert ran.command_calls == [args]


def test_alternating_the_two_commands_installs_once(project: Path, env: dict[str, str]) -> None:
    _stand_in_venv(project)

    runs = [
        _run(project, env, _tests_setup(project)),
        _run(project, env, "bash packaging/run.sh --version"),
        _run(project, env, _tests_setup(project)),
        _run(project, env, "bash packaging/run.sh --version"),
    ]

    assert [run.code for run in runs] == [0, 0, 0, 0], [run.stderr for run in runs]
    assert _installs(runs[-1], project) == [_install("dev")]
    assert [run.stderr.count("\n") for run in runs] == [2, 0, 0, 0]
    assert [len(run.command_calls) for run in runs] == [0, 1, 1, 2]


def test_the_plain_run_first_then_the_tests_add_the_dev_extra(
    project: Path, env: dict[str, str]
) -> None:
    _stand_in_venv(project)

    plain = _run(project, env, "bash packaging/run.sh --version")
    tests = _run(project, env, _tests_setup(project))
    again = _run(project, env, "bash packaging/run.sh --version")

    assert plain.code == tests.code == again.code == 0
    assert _installs(again, project) == [_install(""), _install("dev")]
    assert tests.stderr.splitlines()[0] == "Adding the dev extra to .venv (about half a minute)…"
    assert again.stderr == ""


def test_a_changed_pyproject_reinstalls_once_and_keeps_the_dev_extra(
    project: Path, env: dict[str, str]
) -> None:
    _stand_in_venv(project)
    assert _run(project, env, _tests_setup(project)).code == 0
    _forget_calls(project)
    with (project / "pyproject.toml").open("a") as pyproject:
        pyproject.write("# a dependency changed\n")

    plain = _run(project, env, "bash packaging/run.sh --version")
    tests = _run(project, env, _tests_setup(project))

    assert _installs(tests, project) == [_install("dev")]
    assert plain.stderr.splitlines() == [
        "Updating .venv to the changed pyproject.toml (about a minute)…",
        plain.stderr.splitlines()[-1],
    ]
    assert plain.stderr.splitlines()[-1].startswith("Draft Studio is set up in .venv (")
    assert tests.stderr == ""


def test_the_first_run_says_what_it_does_before_a_failure_of_one_sentence(
    project: Path, env: dict[str, str]
) -> None:
    ran = _run(project, env, "bash packaging/run.sh --help")

    assert ran.code == 1
    lines = ran.stderr.splitlines()
    assert lines[0] == FIRST_RUN
    assert len(lines) == 2, ran.stderr
    failure = lines[1]
    assert failure.startswith("Could not install Draft Studio's Python packages into .venv (")
    assert "setuptools" in failure
    assert failure.endswith(
        "pip's whole output is in .venv/setup.log, and the next run tries again."
    )
    assert not list((project / ".venv").glob(".installed-*"))


def test_installing_debian_packages_says_so_and_then_says_done(
    project: Path, env: dict[str, str], tmp_path: Path
) -> None:
    # dpkg-query says xvfb is missing; apt-get (and sudo, for a user who is not root) only
    # record what they were asked.
    stubs = tmp_path / "stubs"
    (stubs / "dpkg-query").write_text(
        '#!/bin/sh\nfor a; do p="$a"; done\n[ "$p" = xvfb ] || printf "install ok installed"\n'
    )
    (stubs / "apt-get").write_text(f'#!/bin/sh\necho "$*" >> {tmp_path}/apt-calls\n')
    (stubs / "sudo").write_text('#!/bin/sh\nexec "$@"\n')
    for stub in stubs.iterdir():
        stub.chmod(0o755)

    ran = _run(project, env, "bash packaging/dev/system-packages.sh")

    assert ran.code == 0, ran.stderr
    lines = ran.stderr.splitlines()
    assert lines[0] == "Installing Debian packages (a minute or two): xvfb…"
    assert lines[1].startswith("Debian packages installed (")
    assert len(lines) == 2
    calls = (tmp_path / "apt-calls").read_text().splitlines()
    assert calls == ["update -qq", "install -y -qq --no-install-recommends xvfb"]
