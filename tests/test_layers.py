"""studio.core stays free of Qt: the CLI, the sandbox and tests must run without a GUI stack.
So does the grid's state (studio.models.grid_state), which the Qt model only mirrors."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import studio

FORBIDDEN = frozenset({"PySide6", "qasync", "shiboken6"})
STUDIO_ROOT = Path(studio.__file__).resolve().parent
CORE_ROOT = STUDIO_ROOT / "core"
_DYNAMIC_CHECK = textwrap.dedent(
    """\
    import importlib, json, pkgutil, sys
    forbidden = set(sys.argv[1].split(","))
    preload = [name for name in sys.argv[2].split(",") if name]
    for name in preload:
        importlib.import_module(name)
    import studio.core
    imported = ["studio.core"]
    for info in pkgutil.walk_packages(studio.core.__path__, "studio.core."):
        importlib.import_module(info.name)
        imported.append(info.name)
    offending = sorted(m for m in sys.modules if m.split(".")[0] in forbidden)
    print(json.dumps({"imported": imported, "offending": offending}))
    """
)


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports_of(path: Path, module: str) -> Iterator[str]:
    """Every module the file may import, at any depth (functions, try blocks, TYPE_CHECKING),
    relative imports made absolute, plus importlib.import_module("x") / __import__("x")."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, is_package)
            yield base
            # `from pkg import sub` may import the submodule pkg.sub.
            yield from (f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if name in ("import_module", "__import__") and isinstance(first, ast.Constant):
                yield str(first.value)


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module name -> what it imports, for every .py file of the package at `root`."""
    graph: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        name = module_name(path, root)
        graph[name] = set(imports_of(path, name))
    return graph


def forbidden_chains(graph: dict[str, set[str]], starts: list[str]) -> list[list[str]]:
    """Import chains from `starts` (through the package's own modules) to a forbidden one."""
    chains: list[list[str]] = []
    for start in starts:
        seen = {start}
        stack = [[start]]
        while stack:
            chain = stack.pop()
            for target in sorted(graph.get(chain[-1], ())):
                if target.split(".")[0] in FORBIDDEN:
                    chains.append([*chain, target])
                    continue
                # Importing a.b.c runs a/__init__ and a/b/__init__ first.
                parts = target.split(".")
                for depth in range(1, len(parts) + 1):
                    step = ".".join(parts[:depth])
                    if step in graph and step not in seen:
                        seen.add(step)
                        stack.append([*chain, step])
    return chains


def core_modules() -> list[str]:
    return sorted(module_name(p, STUDIO_ROOT) for p in CORE_ROOT.rglob("*.py"))


def test_core_has_modules_to_check() -> None:
    modules = core_modules()
    assert "studio.core" in modules
    assert "studio.core.library.store" in modules
    assert len(modules) >= 20


def test_core_imports_no_qt_statically() -> None:
    graph = import_graph(STUDIO_ROOT)

    chains = forbidden_chains(graph, core_modules())

    assert chains == [], "\n".join(" -> ".join(chain) for chain in chains)


# Outside core, but kept free of Qt so the grid's logic is tested without a QApplication.
QT_FREE_MODELS = ["studio.models.grid_state"]


def test_qt_free_models_import_no_qt_statically() -> None:
    graph = import_graph(STUDIO_ROOT)
    assert set(QT_FREE_MODELS) <= graph.keys()

    chains = forbidden_chains(graph, QT_FREE_MODELS)

    assert chains == [], "\n".join(" -> ".join(chain) for chain in chains)


def test_qt_free_models_import_no_qt_when_imported() -> None:
    # Core is checked to be clean on its own, so anything found here came in through them.
    report = _dynamic_check(preload=",".join(QT_FREE_MODELS))

    assert report["offending"] == []


def test_core_imports_no_qt_when_every_module_is_imported() -> None:
    report = _dynamic_check(preload="")

    assert report["offending"] == []
    assert sorted(report["imported"]) == core_modules()


def test_the_dynamic_check_notices_qt() -> None:
    # qasync is installed and pulls in no display; if the check saw nothing here, it is blind.
    report = _dynamic_check(preload="qasync")

    assert "qasync" in report["offending"]


def _dynamic_check(preload: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", _DYNAMIC_CHECK, ",".join(sorted(FORBIDDEN)), preload],
        capture_output=True,
        text=True,
        cwd=STUDIO_ROOT.parent,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report: dict = json.loads(result.stdout)
    return report


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"pkg/core/a.py": "def f():\n    from PySide6 import QtCore\n"},
            ["pkg.core.a", "PySide6"],
            id="nested-in-function",
        ),
        pytest.param(
            {
                "pkg/core/a.py": "try:\n    from ..gui import window\nexcept OSError:\n    pass",
                "pkg/gui/__init__.py": "",
                "pkg/gui/window.py": "import qasync\n",
            },
            ["pkg.core.a", "pkg.gui.window", "qasync"],
            id="relative-through-another-package",
        ),
        pytest.param(
            {
                "pkg/core/a.py": "from . import b\n",
                "pkg/core/b.py": "import importlib\nimportlib.import_module('shiboken6')\n",
            },
            ["pkg.core.a", "pkg.core.b", "shiboken6"],
            id="relative-sibling-and-import-module",
        ),
        pytest.param(
            {"pkg/core/a.py": "from pkg.ui import x\n", "pkg/ui/__init__.py": "import PySide6\n"},
            ["pkg.core.a", "pkg.ui", "PySide6"],
            id="package-init-runs-first",
        ),
    ],
)
def test_the_static_check_notices_qt(
    tmp_path: Path, files: dict[str, str], expected: list[str]
) -> None:
    for name, text in {"pkg/__init__.py": "", "pkg/core/__init__.py": "", **files}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    root = tmp_path / "pkg"
    graph = import_graph(root)
    starts = sorted(module_name(p, root) for p in (root / "core").rglob("*.py"))

    chains = forbidden_chains(graph, starts)

    # Any chain that goes from the start through the listed modules to the forbidden one.
    assert any(
        chain[0] == expected[0] and chain[-1] == expected[-1] and set(expected) <= set(chain)
        for chain in chains
    ), chains


def test_the_static_check_passes_clean_code(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    (root / "core").mkdir(parents=True)
    (root / "__init__.py").write_text("", encoding="utf-8")
    (root / "core" / "__init__.py").write_text("from . import a\n", encoding="utf-8")
    (root / "core" / "a.py").write_text("import json\nfrom ..core import a\n", encoding="utf-8")

    assert forbidden_chains(import_graph(root), ["pkg.core", "pkg.core.a"]) == []


# Each layer imports only those below it: widgets may use models, models only the core, and
# the composition root (studio.app) sits above them all, so nothing imports it back.
_BELOW = {
    "studio.core": ("studio.models", "studio.ui", "studio.app", "studio.cli"),
    "studio.models": ("studio.ui", "studio.app", "studio.cli"),
    "studio.ui": ("studio.app", "studio.cli"),
}


def test_layers_import_only_downwards() -> None:
    graph = import_graph(STUDIO_ROOT)
    upward = sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        for layer, above in _BELOW.items()
        if module == layer or module.startswith(f"{layer}.")
        for target in targets
        if any(target == up or target.startswith(f"{up}.") for up in above)
    )
    assert upward == []
