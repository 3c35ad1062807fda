"""Export throughput: the parallel engine against a single-threaded loop doing the same work.

Builds a temporary library of 200 realistic 1K images (1344×768, 16:9 PNGs with gradients,
shapes and sensor-like noise, so JPEG encoding has real work to do) and exports them all
with the YouTube preset (1280×720 fill, JPEG stepping down from quality 100 until under
2 MB) two ways, one after the other in the same run:

  parallel  Draft Studio's export() with its default worker count
  serial    the same export() with workers=1: the same decode, resize, encode and write

and prints both wall times, their ratio and images per second, then checks that each run
wrote one 1280×720 JPEG of at most 2 MB per image (printed, not asserted).
Target: parallel at least 1.6x faster than serial on 2 cores.

The source PNGs are cached in the system temp folder, keyed by CACHE_VERSION; change it
when the images should be rebuilt.

Run: .venv/bin/python -m tests.bench.bench_export [--count N]
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from studio.core.domain import GeneratedImage, ResponseMeta
from studio.core.export import ExportReport, export, preset
from studio.core.export.engine import DEFAULT_WORKERS
from studio.core.export.presets import YOUTUBE_MAX_BYTES
from studio.core.library import BatchRecord, DraftRecord, Library

CACHE_VERSION = "v1"
SOURCE_SIZE = (1344, 768)  # what a 1K 16:9 generation returns
EXPECTED_SIZE = (1280, 720)
PROMPT = "a neon-lit night market in the rain, cinematic thumbnail"
MODEL = "gemini-3.1-flash-lite-image"
TARGET_SPEEDUP = 1.6


@dataclass(frozen=True)
class Run:
    name: str
    workers: int
    wall_s: float
    report: ExportReport
    folder: Path


@dataclass(frozen=True)
class Check:
    files: int
    right_size: int
    within_limit: int
    largest_bytes: int


def cache_folder() -> Path:
    return Path(tempfile.gettempdir()) / f"draft-studio-bench-export-{CACHE_VERSION}"


def make_png(index: int) -> bytes:
    """A gradient with shapes and soft edges, under per-channel noise: photo-like detail."""
    width, height = SOURCE_SIZE
    hue = (index * 37) % 256
    gradient = Image.linear_gradient("L").resize(SOURCE_SIZE).rotate(index * 13 % 360)
    base = Image.merge(
        "RGB",
        (
            gradient.point(lambda v: (v + hue) % 256),
            gradient.point(lambda v: 255 - v),
            gradient.point(lambda v: (v * 2 + index) % 256),
        ),
    )
    draw = ImageDraw.Draw(base)
    for shape in range(12):
        seed = index * 31 + shape * 7
        x, y = (seed * 97) % width, (seed * 53) % height
        radius = 40 + (seed * 11) % 160
        colour = ((seed * 71) % 256, (seed * 29) % 256, (seed * 43) % 256)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
    draw.text((60, height - 120), f"DRAFT {index:03d}", fill=(255, 40, 40))
    base = base.filter(ImageFilter.GaussianBlur(1.5))
    noise = Image.merge("RGB", [Image.effect_noise(SOURCE_SIZE, 48) for _ in range(3)])
    image = Image.blend(base, noise, 0.22)
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


def cached_png(index: int) -> bytes:
    path = cache_folder() / f"{index:03d}.png"
    if path.is_file():
        return path.read_bytes()
    data = make_png(index)
    temp = path.with_name(f"{path.name}.{os.getpid()}.partial")
    temp.write_bytes(data)
    os.replace(temp, path)
    return data


def build_library(root: Path, count: int) -> list[DraftRecord]:
    cache_folder().mkdir(parents=True, exist_ok=True)
    meta = ResponseMeta(response_id="bench", model_version="bench", latency_s=1.0)
    with Library.open(root) as library:
        slots = library.create_batch(
            BatchRecord(PROMPT, MODEL, "16:9", "1K", tuple(range(1, count + 1)))
        )

        def fill(slot: DraftRecord) -> None:
            image = GeneratedImage(cached_png(slot.slot), "image/png")
            library.save_images(slot.id, [image], meta, None)

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            list(pool.map(fill, slots))
        return [library.get(slot.id) for slot in slots]


def measure(name: str, drafts: list[DraftRecord], folder: Path, workers: int) -> Run:
    folder.mkdir()
    started = time.monotonic()
    report = export(drafts, preset("youtube"), folder, workers=workers)
    return Run(name, workers, time.monotonic() - started, report, folder)


def check(folder: Path) -> Check:
    files = [path for path in folder.rglob("*") if path.is_file()]
    right_size = within_limit = largest = 0
    for path in files:
        size = path.stat().st_size
        largest = max(largest, size)
        within_limit += size <= YOUTUBE_MAX_BYTES
        with Image.open(path) as image:
            right_size += image.format == "JPEG" and image.size == EXPECTED_SIZE
    return Check(len(files), right_size, within_limit, largest)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    count = parser.parse_args().count
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-export-") as temp:
        root = Path(temp)
        drafts = build_library(root / "library", count)
        setup_s = time.monotonic() - began
        print(
            f"{count} images {SOURCE_SIZE[0]}×{SOURCE_SIZE[1]} PNG, YouTube preset; "
            f"{os.cpu_count()} CPUs, default workers {DEFAULT_WORKERS}; "
            f"library built in {setup_s:.1f} s (source cache: {cache_folder()})"
        )
        runs = [
            measure("parallel export()", drafts, root / "parallel", DEFAULT_WORKERS),
            measure("serial export(workers=1)", drafts, root / "serial", 1),
        ]
        print(
            f"{'contender':<26} {'workers':>7} {'wall s':>8} {'img/s':>7} {'ok':>5} "
            f"{'failed':>6} {'files':>5} {'1280×720':>8} {'<=2MB':>6} {'max KB':>7} "
            f"{'mean q':>6}"
        )
        for run in runs:
            result = check(run.folder)
            exported = run.report.exported
            qualities = [r.quality for r in exported if r.quality is not None]
            mean_q = sum(qualities) / len(qualities) if qualities else 0.0
            print(
                f"{run.name:<26} {run.workers:>7} {run.wall_s:>8.2f} "
                f"{count / run.wall_s:>7.1f} {len(exported):>5} {len(run.report.failed):>6} "
                f"{result.files:>5} {result.right_size:>8} {result.within_limit:>6} "
                f"{result.largest_bytes / 1000:>7.0f} {mean_q:>6.1f}"
            )
            for failure in run.report.failed[:3]:
                print(f"  {failure.message}")
            if result.files != count or result.right_size != count:
                print(f"  CHECK: expected {count} JPEG files of 1280×720 in {run.folder}")
            if result.within_limit != result.files:
                print(f"  CHECK: {result.files - result.within_limit} files over 2 MB")
        parallel, serial = runs
        ratio = serial.wall_s / parallel.wall_s
        verdict = "meets" if ratio >= TARGET_SPEEDUP else "MISSES"
        print(
            f"serial / parallel: {ratio:.2f}x (target >= {TARGET_SPEEDUP} on 2 cores: {verdict}); "
            f"total run {time.monotonic() - began:.1f} s"
        )


if __name__ == "__main__":
    main()
