"""Wildcards in the prompt matrix: list files, random draws, whole lists as axes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from studio.core.matrix import (
    Axis,
    MatrixError,
    MatrixSlot,
    expand,
    list_wildcards,
    wildcards_folder,
)

COLOURS = ["red", "blue", "green"]
ANIMALS = [f"animal{i}" for i in range(20)]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    lists = tmp_path / "wildcards"
    lists.mkdir()
    (lists / "colour.txt").write_text(
        "# colours a designer likes\n\n  red  \nblue\n   \n  # muted ones later\ngreen\n",
        encoding="utf-8",
    )
    (lists / "animal.txt").write_text("\n".join(ANIMALS) + "\n", encoding="utf-8")
    (lists / "hair-colour.txt").write_text("auburn\n", encoding="utf-8")
    return lists


def error(template: str, folder: Path | None) -> MatrixError:
    with pytest.raises(MatrixError) as caught:
        expand(template, 1, folder)
    return caught.value


def test_the_folder_sits_in_the_config_folder(tmp_path: Path) -> None:
    assert wildcards_folder(tmp_path) == tmp_path / "wildcards"


def test_a_draw_takes_only_entries_skipping_blanks_and_comments(folder: Path) -> None:
    expansion = expand("a __colour__ kite", 300, folder, seed=1)

    drawn = Counter(slot.values for slot in expansion.slots)
    assert set(drawn) == {(("__colour__", colour),) for colour in COLOURS}
    assert {slot.prompt for slot in expansion.slots} == {f"a {c} kite" for c in COLOURS}


def test_a_draw_alone_is_a_matrix_without_axes(folder: Path) -> None:
    expansion = expand("a __colour__ kite", 4, folder, seed=1)

    assert expansion.is_matrix
    assert expansion.axes == ()
    assert expansion.summary() == "4 drafts"


def test_draws_repeat_for_the_same_seed(folder: Path) -> None:
    first = expand("__animal__ and __colour__ {kite|boat}", 20, folder, seed=42)
    again = expand("__animal__ and __colour__ {kite|boat}", 20, folder, seed=42)

    assert first.slots == again.slots


def test_draws_differ_between_seeds_and_without_one(folder: Path) -> None:
    # 40 draws from 20 entries: the chance of two runs agreeing is 20**-40.
    seeded = [expand("__animal__", 40, folder, seed=seed).slots for seed in (1, 2)]
    unseeded = [expand("__animal__", 40, folder).slots for _ in range(2)]

    assert seeded[0] != seeded[1]
    assert unseeded[0] != unseeded[1]


def test_each_occurrence_is_drawn_on_its_own(folder: Path) -> None:
    expansion = expand("__animal__ chases __animal__", 40, folder, seed=3)

    pairs = [slot.values for slot in expansion.slots]
    assert all([key for key, _ in values] == ["__animal__"] * 2 for values in pairs)
    assert any(values[0][1] != values[1][1] for values in pairs)
    assert len({values[0][1] for values in pairs}) > 5
    first = expansion.slots[0]
    assert first.prompt == f"{first.values[0][1]} chases {first.values[1][1]}"


def test_a_whole_list_is_an_axis_named_after_it(folder: Path) -> None:
    expansion = expand("a __colour:all__ kite, {day|night}", 2, folder)

    assert expansion.axes == (
        Axis("colour", "colour", ("red", "blue", "green")),
        Axis("1", "day / night", ("day", "night")),
    )
    assert [slot.prompt for slot in expansion.slots[::2]] == [
        "a red kite, day",
        "a red kite, night",
        "a blue kite, day",
        "a blue kite, night",
        "a green kite, day",
        "a green kite, night",
    ]
    assert expansion.slots[3].values == (("colour", "red"), ("1", "night"))
    assert expansion.summary() == "3 × 2 combinations × 2 = 12 drafts"


def test_a_whole_list_used_twice_is_one_axis(folder: Path) -> None:
    expansion = expand("a __colour:all__ shirt, __colour:all__ shoes", 1, folder)

    assert [axis.key for axis in expansion.axes] == ["colour"]
    assert expansion.slots[1].prompt == "a blue shirt, blue shoes"
    assert expansion.slots[1].values == (("colour", "blue"),)


def test_axes_and_draws_are_recorded_in_order_of_appearance(folder: Path) -> None:
    expansion = expand("__animal__ in {a|b}, __colour:all__ sky", 1, folder, seed=5)

    keys = [[key for key, _ in slot.values] for slot in expansion.slots]
    assert keys == [["__animal__", "1", "colour"]] * 6


def test_a_draw_inside_an_option_is_drawn_when_that_option_is_taken(folder: Path) -> None:
    expansion = expand("a { __colour__ hat |cap} on a dog", 30, folder, seed=7)

    assert expansion.axes[0].values == ("__colour__ hat", "cap")
    hats, caps = expansion.slots[:30], expansion.slots[30:]
    assert {slot.prompt for slot in hats} == {f"a {c} hat on a dog" for c in COLOURS}
    assert hats[0].values[0] == ("1", "__colour__ hat")
    assert hats[0].values[1][0] == "__colour__"
    assert all(len(slot.values) == 2 for slot in hats)
    assert list(caps) == [MatrixSlot("a cap on a dog", (("1", "cap"),))] * 30


def test_a_whole_list_inside_a_group_is_refused(folder: Path) -> None:
    problem = error("a {__colour:all__|plain} kite", folder)

    assert str(problem) == (
        "The list __colour:all__ at position 4 cannot be inside a {…} group; "
        "put it outside the group, or draw one entry with __colour__."
    )
    assert problem.position == 4


def test_hyphenated_names_are_wildcards(folder: Path) -> None:
    assert expand("__hair-colour__ hair", 1, folder).slots[0].prompt == "auburn hair"


@pytest.mark.parametrize(
    "template",
    [
        "__ colour __",
        "__-colour__",
        "__colour-__",
        "snake_case_name and dunder__ends",
        r"\__colour__",
    ],
)
def test_what_is_not_a_wildcard_stays_text(folder: Path, template: str) -> None:
    expansion = expand(template, 1, folder)

    assert not expansion.is_matrix
    assert expansion.slots[0].prompt == template.replace("\\_", "_")


def test_a_doubled_underscore_ends_the_name(folder: Path) -> None:
    slot = expand("__colour__kite__", 1, folder, seed=1).slots[0]

    assert slot.prompt == f"{slot.values[0][1]}kite__"
    assert slot.values[0][0] == "__colour__"


def test_an_unknown_wildcard_names_the_file_it_looked_for(folder: Path) -> None:
    problem = error("a red __bird__ over the sea", folder)

    assert str(problem) == (
        f"Unknown wildcard __bird__ at position 7: there is no bird.txt in {folder}."
    )
    assert problem.position == 7


def test_an_unknown_whole_list_is_named_as_written(folder: Path) -> None:
    assert str(error("{a|b} __bird:all__", folder)).startswith(
        "Unknown wildcard __bird:all__ at position 7:"
    )


def test_a_wildcard_without_a_folder_says_so() -> None:
    assert str(error("a __colour__ kite", None)) == (
        "Unknown wildcard __colour__ at position 3: there is no wildcards folder to look for it in."
    )


def test_a_missing_folder_reads_as_an_unknown_wildcard(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"

    assert f"there is no colour.txt in {missing}." in str(error("__colour__", missing))


@pytest.mark.parametrize("content", ["", "\n  \n", "# only a comment\n\n# and another\n"])
def test_an_empty_list_says_it_is_empty(folder: Path, content: str) -> None:
    (folder / "mood.txt").write_text(content, encoding="utf-8")

    problem = error("a __mood__ sky", folder)

    assert str(problem) == (
        f"The wildcard __mood__ at position 3 has nothing to draw from: mood.txt in {folder} "
        "is empty (blank lines and # comments do not count)."
    )


def test_a_list_that_is_not_utf8_is_named(folder: Path) -> None:
    (folder / "mood.txt").write_bytes("sombre\ngai\xe9\n".encode("latin-1"))

    assert str(error("__mood__", folder)) == (
        f"The wildcard __mood__ at position 1 cannot be used: mood.txt in {folder} "
        "is not UTF-8 text."
    )


def test_a_list_that_cannot_be_read_is_named(folder: Path) -> None:
    (folder / "mood.txt").mkdir()

    message = str(error("__mood__", folder))

    assert message.startswith(
        f"The wildcard __mood__ at position 1 cannot be used: mood.txt in {folder} cannot be read"
    )


def test_a_byte_order_mark_is_not_part_of_the_first_entry(folder: Path) -> None:
    (folder / "mood.txt").write_text("calm\r\nstormy\r\n", encoding="utf-8-sig")

    assert expand("__mood:all__", 1, folder).axes[0].values == ("calm", "stormy")


def test_the_list_is_read_again_after_it_changes(folder: Path) -> None:
    assert expand("__colour:all__", 1, folder).axes[0].values == ("red", "blue", "green")
    (folder / "colour.txt").write_text("teal\n", encoding="utf-8")

    assert expand("__colour:all__", 1, folder).axes[0].values == ("teal",)


def test_a_long_list_counts_towards_the_limit(folder: Path) -> None:
    (folder / "n.txt").write_text("\n".join(str(i) for i in range(600)), encoding="utf-8")

    assert str(error("__n:all__ {a|b}", folder)) == (
        "This prompt makes 600 × 2 combinations = 1,200 drafts; one batch holds at most 1,000."
    )


def test_list_wildcards_counts_entries_by_name(folder: Path) -> None:
    (folder / "Zebra.txt").write_text("a\nb\n", encoding="utf-8")
    (folder / "notes.md").write_text("not a list\n", encoding="utf-8")
    (folder / "bad name.txt").write_text("x\n", encoding="utf-8")
    (folder / "empty.txt").write_text("# nothing yet\n", encoding="utf-8")
    (folder / "latin.txt").write_bytes(b"caf\xe9\n")
    (folder / "dir.txt").mkdir()

    assert list(list_wildcards(folder).items()) == [
        ("animal", 20),
        ("colour", 3),
        ("empty", 0),
        ("hair-colour", 1),
        ("Zebra", 2),
    ]


def test_list_wildcards_of_a_missing_folder_is_empty(tmp_path: Path) -> None:
    assert list_wildcards(tmp_path / "wildcards") == {}
