"""Export engine on real library drafts: formats, metadata read back by exiftool, safety."""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from studio.core.domain import Flag, GeneratedImage, ResponseMeta
from studio.core.export import (
    PRESETS,
    ExportFormat,
    ExportInterrupted,
    ExportResult,
    ExportSettings,
    Outcome,
    Resize,
    ResizeMode,
    export,
)
from studio.core.export.encode import Encoded, EncodeError
from studio.core.export.engine import PROCESS_POOL_MIN_JOBS, _encoder
from studio.core.export.folders import STALE_TEMP_AGE_S
from studio.core.export.metadata import TRAINED_ALGORITHMIC_MEDIA, DraftFacts
from studio.core.library import BatchRecord, DraftRecord, Library

META = ResponseMeta(response_id="r1", model_version="m", latency_s=1.0, cost_usd=0.01)
MODEL = "gemini-3.1-flash-lite-image"
PROMPT = "A kite over the dunes — “golden hour” & <wind>"
EXIFTOOL = shutil.which("exiftool")


@pytest.fixture
def exiftool() -> str:
    """The independent reader the metadata checks rely on; .ci/run installs it."""
    if EXIFTOOL is None:
        pytest.fail("exiftool is needed (Debian: libimage-exiftool-perl)", pytrace=False)
    return EXIFTOOL


def png(size: tuple[int, int] = (64, 48), *, noisy: bool = False, alpha: bool = False) -> bytes:
    if noisy:
        # Noise is what makes a JPEG big: it forces the YouTube preset to lower the quality.
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (200, 30, 30))
    if alpha:
        image = image.convert("RGBA")
        image.putalpha(Image.new("L", size, 0))  # fully transparent: shows the background
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def make_drafts(
    library: Library,
    count: int = 1,
    *,
    prompt: str = PROMPT,
    data: bytes | None = None,
    flag: Flag = Flag.PICK,
    rating: int = 4,
) -> list[DraftRecord]:
    slots = library.create_batch(
        BatchRecord(prompt, MODEL, "16:9", "1K", tuple(range(7, 7 + count)))
    )
    for slot in slots:
        library.save_images(slot.id, [GeneratedImage(data or png(), "image/png")], META, None)
        library.set_flag(slot.id, flag)
        library.set_rating(slot.id, rating)
    return [library.get(slot.id) for slot in slots]


def exif_of(path: Path) -> dict[str, Any]:
    assert EXIFTOOL is not None
    out = subprocess.run(
        [EXIFTOOL, "-j", "-G", str(path)], capture_output=True, text=True, check=True
    )
    data: dict[str, Any] = json.loads(out.stdout)[0]
    return data


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def target(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def test_original_is_byte_identical_and_the_default(library: Library, target: Path):
    (draft,) = make_drafts(library, data=png((100, 80)))
    assert draft.path is not None
    report = export([draft], ExportSettings(), target)
    assert report.complete
    (result,) = report.exported
    assert result.path is not None
    assert result.path.suffix == ".png"
    assert sha256(result.path) == sha256(draft.path)
    assert files_in(target) == [result.path.name]  # no sidecar unless asked for


@pytest.mark.usefixtures("exiftool")
def test_original_metadata_goes_to_an_xmp_sidecar(library: Library, target: Path):
    (draft,) = make_drafts(library, flag=Flag.REJECT)
    assert draft.path is not None
    report = export([draft], ExportSettings(sidecar=True), target)
    (result,) = report.exported
    assert result.path is not None
    assert sha256(result.path) == sha256(draft.path)
    xmp, sidecar = result.sidecars
    assert xmp.name == result.path.with_suffix(".xmp").name
    tags = exif_of(xmp)
    assert tags["XMP:Description"] == PROMPT
    assert tags["XMP:Rating"] == -1  # a reject, whatever its stars
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    assert data["prompt"] == PROMPT
    assert data["flag"] == "reject"
    assert "path" not in data


@pytest.mark.usefixtures("exiftool")
@pytest.mark.parametrize("fmt", [ExportFormat.PNG, ExportFormat.JPEG, ExportFormat.WEBP])
def test_embedded_metadata_is_readable_by_exiftool(
    library: Library, target: Path, fmt: ExportFormat
):
    (draft,) = make_drafts(library, rating=4)
    report = export([draft], ExportSettings(fmt), target)
    (result,) = report.exported
    assert result.path is not None
    tags = exif_of(result.path)
    assert tags["XMP:Description"] == PROMPT
    assert tags["XMP:Rating"] == 4
    assert tags["XMP:CreatorTool"].startswith("Draft Studio")
    assert tags["XMP:DigitalSourceType"] == TRAINED_ALGORITHMIC_MEDIA
    assert tags["XMP:Model"] == MODEL
    assert tags["XMP:Seed"] == 7
    assert tags["XMP:AspectRatio"] == "16:9"
    assert tags["XMP:SizeTier"] == "1K"
    assert tags["XMP:Flag"] == "pick"
    assert "XMP:CreateDate" in tags
    if fmt == ExportFormat.PNG:
        assert tags["PNG:Description"] == PROMPT
        assert tags["PNG:Software"].startswith("Draft Studio")
        assert "seed 7" in tags["PNG:Comment"]
    if fmt in (ExportFormat.JPEG, ExportFormat.WEBP):
        assert tags["EXIF:ImageDescription"] == PROMPT  # UTF-8: the quotes and dash survive
        assert "EXIF:DateTimeOriginal" in tags
    # Nothing local leaks into the file: not the library folder, not the file's own name.
    raw = result.path.read_bytes()
    assert str(library.root).encode() not in raw
    assert draft.path is not None
    assert draft.path.name.encode() not in raw


@pytest.mark.usefixtures("exiftool")
def test_exif_description_keeps_any_script(library: Library, target: Path):
    prompt = "夕暮れの砂丘に凧 — Воздушный змей 🪁"
    (draft,) = make_drafts(library, prompt=prompt)
    (result,) = export([draft], ExportSettings(ExportFormat.JPEG), target).exported
    assert result.path is not None
    assert exif_of(result.path)["EXIF:ImageDescription"] == prompt


@pytest.mark.usefixtures("exiftool")
def test_strip_metadata_leaves_none(library: Library, target: Path):
    (draft,) = make_drafts(library)
    settings = ExportSettings(ExportFormat.JPEG, strip_metadata=True, sidecar=True)
    (result,) = export([draft], settings, target).exported
    assert result.path is not None
    assert result.sidecars == ()
    tags = exif_of(result.path)
    assert not [k for k in tags if k.split(":")[0] in ("XMP", "EXIF", "PNG")]
    assert files_in(target) == [result.path.name]


def test_youtube_preset_fits_two_megabytes_by_stepping_quality(library: Library, target: Path):
    (draft,) = make_drafts(library, data=png((1344, 768), noisy=True))
    settings = PRESETS["youtube"].settings
    (result,) = export([draft], settings, target).exported
    assert result.path is not None
    with Image.open(result.path) as image:
        assert image.size == (1280, 720)
        assert image.format == "JPEG"
    assert result.path.stat().st_size <= 2_000_000
    assert result.quality is not None
    assert result.quality < settings.quality  # the loop really ran


@pytest.mark.parametrize(
    ("resize", "size"),
    [
        (Resize(ResizeMode.LONG_EDGE, 50), (50, 25)),
        (Resize(ResizeMode.FILL, 30, 30), (30, 30)),
        (Resize(ResizeMode.FIT, 40, 40, (0, 0, 255)), (40, 40)),
    ],
)
def test_resizes(library: Library, target: Path, resize: Resize, size: tuple[int, int]):
    (draft,) = make_drafts(library, data=png((100, 50)))
    settings = ExportSettings(ExportFormat.PNG, resize=resize, embed_metadata=False)
    (result,) = export([draft], settings, target).exported
    assert result.path is not None
    with Image.open(result.path) as image:
        assert image.size == size
        if resize.mode == ResizeMode.FIT:
            assert image.convert("RGB").getpixel((20, 1)) == (0, 0, 255)  # the pad band
            assert image.convert("RGB").getpixel((20, 20)) == (200, 30, 30)


def test_jpeg_flattens_alpha_onto_the_chosen_background(library: Library, target: Path):
    (draft,) = make_drafts(library, data=png((20, 20), alpha=True))
    settings = ExportSettings(ExportFormat.JPEG, background=(0, 128, 0), quality=100)
    (result,) = export([draft], settings, target).exported
    assert result.path is not None
    with Image.open(result.path) as image:
        red, green, blue = image.convert("RGB").getpixel((10, 10))  # type: ignore[misc]
    assert red < 8
    assert 120 < green < 136
    assert blue < 8


def test_webp_lossless_keeps_pixels(library: Library, target: Path):
    (draft,) = make_drafts(library, data=png((32, 32), noisy=True))
    settings = ExportSettings(ExportFormat.WEBP, lossless=True)
    (result,) = export([draft], settings, target).exported
    assert result.path is not None
    assert draft.path is not None
    with Image.open(result.path) as out, Image.open(draft.path) as source:
        assert out.convert("RGB").tobytes() == source.convert("RGB").tobytes()


def test_icc_profile_is_kept(library: Library, target: Path):
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 20, 30)).save(out, "PNG", icc_profile=profile)
    (draft,) = make_drafts(library, data=out.getvalue())
    (kept,) = export([draft], ExportSettings(ExportFormat.JPEG), target).exported
    dropped_settings = ExportSettings(ExportFormat.JPEG, keep_icc=False)
    (dropped,) = export([draft], dropped_settings, target).exported
    assert kept.path is not None
    assert dropped.path is not None
    with Image.open(kept.path) as image:
        assert image.info.get("icc_profile") == profile
    with Image.open(dropped.path) as image:
        assert "icc_profile" not in image.info


def test_a_second_export_adds_suffixes_and_overwrites_nothing(library: Library, target: Path):
    drafts = make_drafts(library, 2)
    settings = ExportSettings(ExportFormat.JPEG, name_template="{batch}/{prompt:12}", sidecar=True)
    first = export(drafts, settings, target)
    before = {p: sha256(p) for p in target.rglob("*") if p.is_file()}
    second = export(drafts, settings, target)
    assert first.complete
    assert second.complete
    names = set(files_in(target))
    batch = drafts[0].batch_id
    assert names == {
        f"{batch}/a-kite-over.jpg",
        f"{batch}/a-kite-over.json",
        f"{batch}/a-kite-over-2.jpg",
        f"{batch}/a-kite-over-2.json",
        f"{batch}/a-kite-over-3.jpg",
        f"{batch}/a-kite-over-3.json",
        f"{batch}/a-kite-over-4.jpg",
        f"{batch}/a-kite-over-4.json",
    }
    assert all(sha256(p) == digest for p, digest in before.items())


def test_hostile_prompts_give_safe_names_inside_the_target(library: Library, target: Path):
    hostile = make_drafts(library, prompt="../../etc/passwd")
    reserved = make_drafts(library, prompt="CON")
    dots = make_drafts(library, prompt="..")
    settings = ExportSettings(name_template="{prompt:30}/{prompt:30}")
    report = export([*hostile, *reserved, *dots], settings, target)
    assert report.complete
    for result in report.exported:
        assert result.path is not None
        assert result.path.resolve().is_relative_to(target.resolve())
        for part in result.path.relative_to(target).parts:
            assert part.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"}
            assert not part.startswith(".")
    assert (target / "etc-passwd" / "etc-passwd.png").is_file()
    assert (target / "_con" / "_con.png").is_file()
    assert (target / f"draft-{dots[0].id}.png").is_file()  # nothing left of the prompt


def test_one_failure_does_not_stop_the_rest(library: Library, target: Path):
    drafts = make_drafts(library, 3)
    assert drafts[1].path is not None
    drafts[1].path.unlink()
    report = export(drafts, ExportSettings(ExportFormat.WEBP), target)
    assert [r.outcome for r in report.results] == [
        Outcome.EXPORTED,
        Outcome.FAILED,
        Outcome.EXPORTED,
    ]
    assert "missing" in (report.failed[0].reason or "")
    assert len(files_in(target)) == 2


def test_a_failed_write_leaves_no_partial_file(
    library: Library, target: Path, monkeypatch: pytest.MonkeyPatch
):
    drafts = make_drafts(library, 2)
    real_fsync = os.fsync
    calls = 0

    def flaky_fsync(fd: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", flaky_fsync)
    report = export(drafts, ExportSettings(), target, workers=1)
    assert len(report.failed) == 1
    assert len(report.exported) == 1
    assert "the disk is full" in report.failed[0].message
    assert len(files_in(target)) == 1
    assert not list(target.glob(".*"))


def test_a_target_that_vanishes_mid_export_is_reported_not_recreated(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import studio.core.export.engine as engine_module
    from studio.core.export.encode import encode as real_encode

    drafts = make_drafts(library, 2)
    target = tmp_path / "gone"
    calls = 0

    def encode_then_remove_the_target(*args: Any) -> Any:
        # While the second file is encoded, after the first is written: no race with a timer.
        nonlocal calls
        calls += 1
        if calls == 2:
            shutil.rmtree(target)
        return real_encode(*args)

    monkeypatch.setattr(engine_module, "encode", encode_then_remove_the_target)
    settings = ExportSettings(ExportFormat.PNG, name_template="{batch}/{id}")
    report = export(drafts, settings, target, workers=1)
    assert [r.outcome for r in report.results] == [Outcome.EXPORTED, Outcome.FAILED]
    assert "no longer exists" in report.failed[0].message
    assert not target.exists()


def test_cancel_leaves_only_complete_files(
    library: Library, target: Path, monkeypatch: pytest.MonkeyPatch
):
    import studio.core.export.engine as engine_module

    drafts = make_drafts(library, 6, data=png((300, 200), noisy=True))
    cancel = threading.Event()
    from studio.core.export.encode import encode as real_encode

    calls = 0

    def encode_then_cancel(*args: Any) -> Any:
        # Cancel arrives while the second file is being encoded: deterministic, unlike a timer.
        nonlocal calls
        calls += 1
        if calls == 2:
            cancel.set()
        return real_encode(*args)

    monkeypatch.setattr(engine_module, "encode", encode_then_cancel)
    seen: list[int] = []
    report = export(
        drafts,
        ExportSettings(ExportFormat.PNG),
        target,
        cancel=cancel,
        progress=lambda done, total, result: seen.append(done),
        workers=1,
    )
    assert report.cancelled
    assert [r.outcome for r in report.results] == [Outcome.EXPORTED] * 2 + [Outcome.CANCELLED] * 4
    assert seen == [1, 2, 3, 4, 5, 6]
    exported = {r.path for r in report.exported}
    on_disk = set(target.iterdir())
    assert on_disk == exported
    for path in on_disk:
        with Image.open(path) as image:
            image.load()


def test_results_keep_the_input_order(library: Library, target: Path):
    drafts = make_drafts(library, 5)
    settings = replace(PRESETS["web"].settings, name_template="{id}")
    report = export(drafts, settings, target)
    assert [r.draft_id for r in report.results] == [d.id for d in drafts]
    assert [r.path.name for r in report.exported if r.path] == [f"{d.id}.webp" for d in drafts]


@pytest.mark.usefixtures("exiftool")
def test_large_jpeg_exports_encode_in_worker_processes(library: Library, target: Path):
    drafts = make_drafts(library, PROCESS_POOL_MIN_JOBS, data=png((320, 200), noisy=True))
    settings = PRESETS["youtube"].settings
    report = export(drafts, settings, target, workers=2)
    assert len(report.exported) == PROCESS_POOL_MIN_JOBS
    assert [r.draft_id for r in report.results] == [d.id for d in drafts]
    for result in report.exported:
        assert result.path is not None
        with Image.open(result.path) as image:
            assert image.size == (1280, 720)
        assert exif_of(result.path)["XMP:Description"] == PROMPT


def test_ctrl_c_finishes_the_files_in_flight_and_keeps_the_report(
    library: Library, target: Path, monkeypatch: pytest.MonkeyPatch
):
    import studio.core.export.engine as engine_module
    from studio.core.export.encode import encode as real_encode

    drafts = make_drafts(library, 8)
    first_two = {drafts[0].id, drafts[1].id}
    cancel = threading.Event()
    in_flight = threading.Semaphore(0)

    def encode_in_flight(source: Path, chosen: ExportSettings, facts: DraftFacts) -> Encoded:
        # The files after the first two are still encoding when Ctrl+C arrives, so the test
        # knows which files were in flight instead of racing a timer.
        if facts.id not in first_two:
            in_flight.release()
            cancel.wait(5)
        return real_encode(source, chosen, facts)

    def ctrl_c_after_two(done: int, total: int, result: ExportResult) -> None:
        if done == 2:
            assert in_flight.acquire(timeout=5)
            assert in_flight.acquire(timeout=5)
            raise KeyboardInterrupt

    monkeypatch.setattr(engine_module, "encode", encode_in_flight)
    settings = ExportSettings(ExportFormat.PNG)
    with pytest.raises(ExportInterrupted) as caught:
        export(drafts, settings, target, cancel=cancel, progress=ctrl_c_after_two, workers=2)
    assert isinstance(caught.value, KeyboardInterrupt)  # callers that only know Ctrl+C still stop
    assert isinstance(caught.value.__cause__, KeyboardInterrupt)
    report = caught.value.report
    assert report.cancelled
    assert [r.draft_id for r in report.results] == [d.id for d in drafts]
    assert [r.outcome for r in report.results] == [Outcome.EXPORTED] * 4 + [Outcome.CANCELLED] * 4
    assert set(target.iterdir()) == {r.path for r in report.exported}  # and no partial file
    for result in report.exported:
        assert result.path is not None
        assert result.path.stat().st_size == result.byte_size
        with Image.open(result.path) as image:
            image.load()


def test_a_failing_progress_callback_propagates_and_leaves_only_complete_files(
    library: Library, target: Path
):
    drafts = make_drafts(library, 6)

    def broken_progress(done: int, total: int, result: ExportResult) -> None:
        raise RuntimeError("the progress display broke")

    with pytest.raises(RuntimeError, match="progress display"):  # not an ExportInterrupted
        export(drafts, ExportSettings(ExportFormat.PNG), target, progress=broken_progress)
    for path in target.iterdir():
        assert path.suffix == ".png"
        with Image.open(path) as image:
            image.load()


def _ignores_sigint(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    (mask,) = [line.split()[1] for line in status.splitlines() if line.startswith("SigIgn:")]
    return bool(int(mask, 16) >> (signal.SIGINT - 1) & 1)


def _wait_until_ignoring_sigint(pid: int) -> None:
    """A worker that is still starting up has not installed its handler yet."""
    deadline = time.monotonic() + 10
    while not _ignores_sigint(pid):
        assert time.monotonic() < deadline, f"worker {pid} never started ignoring SIGINT"
        time.sleep(0.01)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_ctrl_c_in_a_terminal_lets_encoder_processes_finish(library: Library, target: Path):
    drafts = make_drafts(library, PROCESS_POOL_MIN_JOBS, data=png((320, 200), noisy=True))

    def ctrl_c_for_the_process_group(done: int, total: int, result: ExportResult) -> None:
        # A terminal's Ctrl+C reaches every process in its group, encoder workers included.
        if done == 1:
            for worker in multiprocessing.active_children():
                assert worker.pid is not None
                _wait_until_ignoring_sigint(worker.pid)
                os.kill(worker.pid, signal.SIGINT)
            raise KeyboardInterrupt

    settings = ExportSettings(ExportFormat.JPEG)
    with pytest.raises(ExportInterrupted) as caught:
        export(drafts, settings, target, progress=ctrl_c_for_the_process_group, workers=2)
    report = caught.value.report
    assert [r.draft_id for r in report.results] == [d.id for d in drafts]
    assert not report.failed
    assert report.exported
    assert set(target.iterdir()) == {r.path for r in report.exported}


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # reaped: the pid names no process now
    return child.pid


def _make_old(*paths: Path) -> None:
    old = time.time() - STALE_TEMP_AGE_S - 60
    for path in paths:
        os.utime(path, (old, old), follow_symlinks=False)


@pytest.mark.skipif(os.name != "posix", reason="only POSIX can tell that a pid is not running")
def test_an_export_removes_temp_files_of_killed_exports(
    library: Library, target: Path, tmp_path: Path
):
    dead = target / f".export-{_dead_pid()}-{'a' * 12}.partial"
    live = target / f".export-{os.getpid()}-{'b' * 12}.partial"
    unrelated = [target / "notes.partial", target / ".export-notes.partial"]
    for path in (dead, live, *unrelated):
        path.write_bytes(b"half a file")
    _make_old(*unrelated)
    outside = tmp_path / "outside.partial"
    outside.write_bytes(b"not ours")
    link = target / f".export-{_dead_pid()}-{'c' * 12}.partial"
    link.symlink_to(outside)
    folder = target / f".export-{_dead_pid()}-{'d' * 12}.partial"
    folder.mkdir()

    (draft,) = make_drafts(library)
    (result,) = export([draft], ExportSettings(), target).exported

    assert not dead.exists()
    assert live.exists()  # a temp file of this very process, perhaps another export's
    assert all(path.exists() for path in unrelated)
    assert link.is_symlink()
    assert outside.exists()
    assert folder.is_dir()
    assert result.path is not None
    assert result.path.is_file()


def test_an_export_removes_old_temp_files_in_template_subfolders(library: Library, target: Path):
    (draft,) = make_drafts(library)
    subfolder = target / str(draft.batch_id)
    subfolder.mkdir()
    old_format = subfolder / f".export-{'a' * 12}.partial"
    old = subfolder / f".export-{os.getpid()}-{'b' * 12}.partial"
    fresh = subfolder / f".export-{os.getpid()}-{'c' * 12}.partial"
    notes = subfolder / "notes.partial"
    for path in (old_format, old, fresh, notes):
        path.write_bytes(b"half a file")
    _make_old(old, notes)

    settings = ExportSettings(name_template="{batch}/{id}")
    (result,) = export([draft], settings, target).exported

    assert not old_format.exists()  # no running version writes names without a pid
    assert not old.exists()  # pids get reused: after an hour the age alone decides
    assert fresh.exists()
    assert notes.exists()
    assert result.path == subfolder / f"{draft.id}.png"


def test_a_killed_encoder_process_fails_its_file_with_a_reason(library: Library):
    (draft,) = make_drafts(library)
    assert draft.path is not None
    settings = PRESETS["youtube"].settings
    facts = DraftFacts.of(draft)
    with _encoder(settings, PROCESS_POOL_MIN_JOBS, 2) as encoder:
        assert encoder(draft.path, settings, facts).width == 1280  # the workers are up
        for worker in multiprocessing.active_children():
            worker.kill()
            worker.join()
        with pytest.raises(EncodeError, match="the encoder process stopped unexpectedly"):
            encoder(draft.path, settings, facts)
