"""Before an export writes anything: the target folder is made and tried once, the drafts are put
in the one order both the dialog and the CLI number them in, and the metadata fields read as
one choice."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.core.domain import GeneratedImage
from studio.core.export import (
    ExportFormat,
    ExportResult,
    ExportSettings,
    TargetError,
    export,
    export_order,
    prepare_target,
)
from studio.core.export.presets import MetadataChoice
from studio.core.library import BatchRecord, Library
from tests.core.test_export_engine import META, MODEL, make_drafts, png
from tests.read_only import read_only_folder


def test_a_missing_target_is_created_and_an_existing_one_kept(tmp_path: Path):
    target = tmp_path / "new" / "picks"
    assert prepare_target(target) is True
    assert target.is_dir()
    assert list(target.iterdir()) == []  # the trial file is gone
    assert prepare_target(target) is False


def test_a_read_only_target_is_one_sentence_naming_it(tmp_path: Path):
    with read_only_folder(tmp_path) as locked:
        really_read_only = locked.is_dir()
        with pytest.raises(TargetError) as caught:
            prepare_target(locked)
        assert not really_read_only or list(locked.iterdir()) == []
    if really_read_only:
        expected = f"The export folder '{locked}' cannot be written to: permission denied."
    else:  # no immutable folders here: a file stands in the folder's place
        expected = f"The export folder '{locked}' is a file, not a folder."
    assert str(caught.value) == expected


def test_an_uncreatable_target_is_one_sentence_naming_it(tmp_path: Path):
    with read_only_folder(tmp_path) as locked:
        wanted = locked / "picks"
        with pytest.raises(TargetError) as caught:
            prepare_target(wanted)
        reason = "permission denied" if locked.is_dir() else "a file is in the way of the folder"
    assert str(caught.value) == f"The export folder '{wanted}' cannot be created: {reason}."
    assert not wanted.exists()


def test_export_refuses_a_read_only_target_before_any_file(library: Library, tmp_path: Path):
    drafts = make_drafts(library, 3)
    heard: list[ExportResult] = []
    with read_only_folder(tmp_path) as locked, pytest.raises(TargetError, match=str(locked)):
        export(
            drafts,
            ExportSettings(ExportFormat.PNG),
            locked,
            progress=lambda done, total, result: heard.append(result),
        )
    assert heard == []  # not one line per file


def test_export_creates_a_missing_target(library: Library, tmp_path: Path):
    drafts = make_drafts(library, 2)
    target = tmp_path / "made" / "here"
    report = export(drafts, ExportSettings(name_template="{id}"), target)
    assert report.complete
    assert sorted(p.name for p in target.iterdir()) == sorted(f"{d.id}.png" for d in drafts)


def test_export_order_is_oldest_batch_first_then_slot_each_draft_once(library: Library):
    slots = library.create_batch(BatchRecord("two answers", MODEL, "1:1", "1K", (1, 2)))
    # Two images in the first answer: the second becomes a new draft in the same slot, with
    # an id after the second slot's.
    stored = library.save_images(
        slots[0].id,
        [GeneratedImage(png(), "image/png"), GeneratedImage(png((64, 64)), "image/png")],
        META,
        None,
    )
    library.save_images(slots[1].id, [GeneratedImage(png(), "image/png")], META, None)
    first, sibling = (library.get(image.draft_id) for image in stored)
    second = library.get(slots[1].id)
    assert sibling.id > second.id
    newer = make_drafts(library, 2)
    shuffled = [newer[1], second, sibling, newer[0], first, second]
    assert [d.id for d in export_order(shuffled)] == [
        first.id,
        sibling.id,
        second.id,
        *(d.id for d in newer),
    ]
    # The library lists the newest batch first; export order turns that round.
    listed = library.list_drafts()
    assert [d.id for d in export_order(listed)] == [first.id, sibling.id, second.id] + [
        d.id for d in newer
    ]


@pytest.mark.parametrize(
    ("settings", "choice"),
    [
        (ExportSettings(), MetadataChoice.EMBED),
        (ExportSettings(sidecar=True), MetadataChoice.EMBED_AND_SIDECAR),
        (ExportSettings(strip_metadata=True, sidecar=True), MetadataChoice.STRIP),
        (ExportSettings(embed_metadata=False), MetadataChoice.STRIP),
        # Only by editing a preset by hand: sidecars without embedding.
        (ExportSettings(embed_metadata=False, sidecar=True), MetadataChoice.EMBED_AND_SIDECAR),
    ],
)
def test_the_metadata_fields_read_as_one_choice(settings: ExportSettings, choice: MetadataChoice):
    assert settings.metadata == choice
    chosen = ExportSettings().with_metadata(choice)
    assert chosen.metadata == choice
    assert (chosen.embed_metadata, chosen.sidecar, chosen.strip_metadata) == {
        MetadataChoice.EMBED: (True, False, False),
        MetadataChoice.EMBED_AND_SIDECAR: (True, True, False),
        MetadataChoice.STRIP: (False, False, True),
    }[choice]
