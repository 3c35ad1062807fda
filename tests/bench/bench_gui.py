"""All the GUI benches, one after another, each in its own process, and one summary table.

  stalls  bench_gui_stalls.py  event-loop stalls while 200 images stream in (p99 < 20 ms,
                               max < 50 ms), and images/s
  paint   bench_gui_paint.py   image bytes arriving -> tile painted (p95 < 100 ms)
  launch  bench_gui_launch.py  cold start: window mapped on an empty library (< 0.8 s),
                               first screen of thumbnails on 10,000 images (< 1.0 s) and
                               peak memory (< 400 MB)

Each bench prints its own details as it runs; the table at the end puts every measured
number beside its target. Benchmarks, not tests: a missed target does not fail the run.

Run: .venv/bin/python -m tests.bench.bench_gui [--only stalls,paint] [--platform xcb]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.gui_support import PLATFORMS, Metric, format_value, read_summary

# name -> (module, extra arguments). Paint runs twice: against a 0.25 s sandbox, where this
# machine is the slowest link, and at the app's own sandbox latency, nearer the service's.
RUNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "stalls": ("stalls", ()),
    "paint": ("paint", ()),
    "paint-1.5s": ("paint", ("--latency", "1.5")),
    "launch": ("launch", ()),
}
BENCHES = tuple(RUNS)
ROOT = Path(__file__).resolve().parents[2]


def run_bench(name: str, platform: str, folder: Path) -> tuple[list[Metric], list[str], float]:
    module, extra = RUNS[name]
    summary = folder / f"{name}.json"
    command = [
        sys.executable,
        "-m",
        f"tests.bench.bench_gui_{module}",
        *extra,
        "--platform",
        platform,
        "--summary-json",
        str(summary),
    ]
    print(f"\n=== bench_gui_{module} {' '.join(extra)} ===", flush=True)
    started = time.monotonic()
    finished = subprocess.run(command, cwd=ROOT, check=False)
    wall = time.monotonic() - started
    if finished.returncode != 0 or not summary.exists():
        return [], [f"exited with {finished.returncode}, no results"], wall
    _, metrics, notes = read_summary(summary)
    return metrics, notes, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(BENCHES), help="comma-separated subset")
    parser.add_argument("--platform", choices=PLATFORMS, default="offscreen")
    args = parser.parse_args()
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(BENCHES))
    if unknown:
        parser.error(f"unknown bench {', '.join(unknown)}; choose from {', '.join(BENCHES)}")

    results: list[tuple[str, list[Metric], list[str], float]] = []
    with tempfile.TemporaryDirectory(prefix="draft-studio-bench-gui-") as folder:
        for name in chosen:
            results.append((name, *run_bench(name, args.platform, Path(folder))))

    print("\n=== GUI bench summary ===")
    print(
        f"{'bench':<10} {'metric':<34} {'before':>10} {'measured':>10} {'unit':<6} "
        f"{'target':<12} {'':<6}"
    )
    for name, metrics, notes, wall in results:
        for metric in metrics:
            before = "" if metric.before is None else format_value(metric.before, metric.unit)
            print(
                f"{name:<10} {metric.name:<34} {before:>10} "
                f"{format_value(metric.value, metric.unit):>10} "
                f"{metric.unit:<6} {metric.target_text:<12} {metric.verdict:<6}"
            )
        for note in [*notes, f"took {wall:.1f} s including start-up"]:
            print(f"{name:<10} ({note})")
    missed = [
        f"{name}: {m.name}"
        for name, metrics, _, _ in results
        for m in metrics
        if m.verdict == "MISSED"
    ]
    print(f"targets missed: {', '.join(missed) if missed else 'none'}")


if __name__ == "__main__":
    main()
