"""Start-up of the command line: `draft-studio --help` and `draft-studio library list` on a
library of 200 drafts, from spawning the real console script until it has exited.

Makes the library through the real CLI (`generate … -n 100 --sandbox`, twice, against a
sandbox without latency) in a temporary folder, with its own config and logs, no key and the
keyring turned off. Then runs each command RUNS times (plus one unmeasured warm-up run, so
every command reads from the page cache) and prints the median beside the target and the
figure this bench measured at commit BEFORE_COMMIT, when the CLI imported google-genai and
the engine before parsing its arguments. One more run of each, under
PYTHONPROFILEIMPORTTIME, says whether the SDK, httpx2 or the engine was imported at all.

Target: each < 0.35 s (median). A benchmark, not a test: a missed target does not fail.

Run: .venv/bin/python -m tests.bench.bench_cli_start [--runs N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

from tests.bench.gui_support import SCRUBBED_PREFIXES, Metric, median, print_metrics
from tests.cli.helpers import CLI, FAST_SANDBOX

ROOT = Path(__file__).resolve().parents[2]
RUNS = 9
TARGET_S = 0.35
ENTRIES = 200
HEAVY = ("google.genai", "httpx2", "studio.core.engine")
COMMANDS: dict[str, tuple[str, ...]] = {
    "--help": ("--help",),
    "library list": ("library", "list"),
    "library list --json": ("library", "list", "--json"),
}
# This bench at the commit named, on this 2-core machine (medians of 9 runs; a second run
# there gave the same within 0.01 s), when every command imported the SDK and the engine.
BEFORE_COMMIT = "8aa53f6"
BEFORE: dict[str, float] = {"--help": 0.51, "library list": 0.52, "library list --json": 0.53}


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SCRUBBED_PREFIXES)}
    env.update(FAST_SANDBOX)
    env.update(
        {
            "DRAFT_STUDIO_LIBRARY": str(home / "library"),
            "DRAFT_STUDIO_CONFIG": str(home / "config"),
            "DRAFT_STUDIO_LOGS": str(home / "logs"),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
            # This checkout's code, also when the bench runs in another one than the venv's.
            "PYTHONPATH": str(ROOT),
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
    )
    return env


def run(args: tuple[str, ...], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    finished = subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if finished.returncode != 0:
        raise SystemExit(f"draft-studio {' '.join(args)} failed:\n{finished.stderr}")
    return finished


def make_library(env: dict[str, str]) -> None:
    for take in range(ENTRIES // 100):
        run(("generate", f"a paper boat, take {take + 1}", "-n", "100", "--sandbox"), env)
    listed = run(("library", "list"), env).stdout.strip().splitlines()
    if len(listed) < ENTRIES:
        raise SystemExit(f"expected {ENTRIES} drafts in the library, found {len(listed)}")


def time_once(args: tuple[str, ...], env: dict[str, str]) -> float:
    started = time.monotonic()
    run(args, env)
    return time.monotonic() - started


def heavy_imports(args: tuple[str, ...], env: dict[str, str]) -> list[str]:
    stderr = run(args, {**env, "PYTHONPROFILEIMPORTTIME": "1"}).stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in stderr.splitlines()}
    return [name for name in HEAVY if name in imported]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="draft-studio-bench-cli-") as folder:
        env = environment(Path(folder))
        print(f"making a library of {ENTRIES} drafts through the CLI…", flush=True)
        make_library(env)
        metrics: list[Metric] = []
        print(f"\n{'command':<22} {'runs (s)':<60} heavy modules imported")
        for name, command in COMMANDS.items():
            run(command, env)
            times = [time_once(command, env) for _ in range(args.runs)]
            heavy = ", ".join(heavy_imports(command, env)) or "none"
            print(f"{name:<22} {' '.join(f'{t:.3f}' for t in times):<60} {heavy}")
            metrics.append(
                Metric(
                    f"{name} (median)",
                    median(times),
                    "s",
                    TARGET_S,
                    "<",
                    before=BEFORE.get(name),
                )
            )
    print_metrics("bench_cli_start", metrics, before=f"at {BEFORE_COMMIT}")


if __name__ == "__main__":
    main()
