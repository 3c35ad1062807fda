"""The quick commands import none of the heavy modules: `--help` and `library list` leave
google-genai, httpx2 and the engine out of sys.modules, because each command's module is
imported when that command runs and the SDK only where requests are sent. Checked in a fresh
interpreter; how long the commands take is measured in tests/bench/bench_cli_start.py."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import studio
from tests.cli.helpers import run_cli

HEAVY = ("google.genai", "httpx2", "studio.core.engine")
_CHECK = textwrap.dedent(
    """\
    import contextlib, io, json, sys
    from studio.cli.main import main
    heavy = tuple(sys.argv[1].split(","))
    out = io.StringIO()
    codes = []
    with contextlib.redirect_stdout(out):
        for argv in json.loads(sys.argv[2]):
            try:
                codes.append(main(argv))
            except SystemExit as exc:
                codes.append(exc.code)
    imported = sorted(m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in heavy))
    print(json.dumps({"codes": codes, "imported": imported, "lines": out.getvalue().count("\\n")}))
    """
)


def _imports_after(*commands: list[str]) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", _CHECK, ",".join(HEAVY), json.dumps(list(commands))],
        capture_output=True,
        text=True,
        cwd=Path(studio.__file__).resolve().parents[1],
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


def test_help_and_library_list_import_neither_the_sdk_nor_the_engine() -> None:
    made = run_cli("generate", "a paper boat", "--sandbox", "-n", "3")
    assert made.code == 0, str(made)

    report = _imports_after(["--help"], ["library", "list"], ["library", "list", "--json"])

    assert report["codes"] == [0, 0, 0]
    assert report["lines"] > 3  # the help and the drafts were printed
    assert report["imported"] == []


def test_the_check_sees_a_command_that_needs_the_engine() -> None:
    report = _imports_after(["generate", "--help"])

    assert report["codes"] == [0]
    assert "studio.core.engine" in report["imported"]
