"""The prompt matrix: {a|b} groups, escapes, spacing, the product, the limit and the summary."""

from __future__ import annotations

import pytest

from studio.core.matrix import MAX_SLOTS, Axis, Expansion, MatrixError, MatrixSlot, expand


def prompts(template: str, count: int = 1) -> list[str]:
    return [slot.prompt for slot in expand(template, count, None).slots]


def error(template: str, count: int = 1, **kwargs: int) -> MatrixError:
    with pytest.raises(MatrixError) as caught:
        expand(template, count, None, **kwargs)
    return caught.value


def test_a_plain_prompt_is_count_identical_slots_sent_as_typed() -> None:
    expansion = expand("  a red kite, over the sea  ", 3, None)

    assert expansion.slots == (MatrixSlot("  a red kite, over the sea  ", ()),) * 3
    assert expansion.axes == ()
    assert expansion.combinations == 1
    assert not expansion.is_matrix
    assert expansion.summary() == "3 drafts"


def test_one_group_makes_one_axis_each_option_count_times() -> None:
    expansion = expand("a {big|small} cat", 2, None)

    assert [s.prompt for s in expansion.slots] == ["a big cat"] * 2 + ["a small cat"] * 2
    assert expansion.axes == (Axis("1", "big / small", ("big", "small")),)
    assert [s.values for s in expansion.slots] == [(("1", "big"),)] * 2 + [(("1", "small"),)] * 2
    assert expansion.is_matrix
    assert expansion.combinations == 2


def test_the_first_axis_varies_slowest() -> None:
    assert prompts("{a|b} {x|y|z}") == ["a x", "a y", "a z", "b x", "b y", "b z"]


def test_copies_of_a_combination_come_together() -> None:
    assert prompts("{a|b}-{x|y}", 2) == ["a-x", "a-x", "a-y", "a-y", "b-x", "b-x", "b-y", "b-y"]


def test_each_slot_records_every_axis_by_key_in_order() -> None:
    expansion = expand("{red|blue} kite, {day|night} sky, {oil|ink}", 1, None)

    assert [axis.key for axis in expansion.axes] == ["1", "2", "3"]
    assert expansion.slots[5].prompt == "blue kite, day sky, ink"
    assert expansion.slots[5].values == (("1", "blue"), ("2", "day"), ("3", "ink"))


def test_options_are_stripped_in_values_and_labels() -> None:
    expansion = expand("a { big |  small  } cat", 1, None)

    assert expansion.axes[0].values == ("big", "small")
    assert expansion.axes[0].label == "big / small"
    assert [s.prompt for s in expansion.slots] == ["a big cat", "a small cat"]


def test_an_empty_option_is_shown_as_none_in_the_label() -> None:
    axis = expand("{|very }large", 1, None).axes[0]

    assert axis.values == ("", "very")
    assert axis.label == "(none) / very"


def test_a_long_label_is_shortened_to_forty_characters() -> None:
    axis = expand("{a watercolour painting|an oil painting|a charcoal sketch}", 1, None).axes[0]

    assert axis.label == "a watercolour painting / an oil paintin…"
    assert len(axis.label) == 40
    assert axis.values[1] == "an oil painting"


@pytest.mark.parametrize(
    "template",
    ["a {red} kite", '{"style": "flat", "size": {"w": 2}}', "{}", "a { } b"],
)
def test_braces_without_a_pipe_are_literal_text(template: str) -> None:
    expansion = expand(template, 2, None)

    assert [s.prompt for s in expansion.slots] == [template, template]
    assert not expansion.is_matrix


def test_a_group_may_sit_inside_literal_braces() -> None:
    assert prompts('{"colour": {red|blue}}') == ['{"colour": red}', '{"colour": blue}']


def test_a_pipe_outside_any_group_is_literal() -> None:
    assert prompts("logo | flat | {red|blue}") == ["logo | flat | red", "logo | flat | blue"]


def test_escapes_are_literal_characters() -> None:
    assert prompts(r"a \{b\} \| c \\ d") == ["a {b} | c \\ d"]
    assert prompts(r"\{a|b\}") == ["{a|b}"]


def test_an_escaped_pipe_stays_inside_its_option() -> None:
    expansion = expand(r"{a\|b|c}", 1, None)

    assert expansion.axes[0].values == ("a|b", "c")
    assert [s.prompt for s in expansion.slots] == ["a|b", "c"]


def test_a_backslash_before_anything_else_is_kept() -> None:
    assert prompts(r"C:\art {x|y}") == [r"C:\art x", r"C:\art y"]
    assert prompts("ends with \\") == ["ends with \\"]


def test_an_unclosed_brace_is_named_by_position() -> None:
    problem = error("a red kite {big|small")

    assert str(problem) == (
        "The prompt has a '{' at position 12 that is never closed; write \\{ for a literal brace."
    )
    assert problem.position == 12
    assert isinstance(problem, ValueError)


def test_the_first_of_several_unclosed_braces_is_named() -> None:
    assert error("{a|b {c|d} {e").position == 1


def test_positions_count_the_characters_as_typed() -> None:
    # "\{ " is three characters, so the real brace is the fourth.
    assert error(r"\{ {a|b").position == 4


def test_a_closing_brace_without_an_opening_one_is_named_by_position() -> None:
    problem = error("a {red|blue} kite over the sea}")

    assert str(problem) == (
        "The prompt has a '}' at position 31 with no '{' before it; write \\} for a literal brace."
    )
    assert problem.position == 31


def test_nested_groups_are_refused_at_the_inner_brace() -> None:
    problem = error("a {b|{c|d}}")

    assert str(problem) == "Groups cannot be nested: the '{' at position 6 is inside another group."
    assert problem.position == 6


def test_literal_braces_inside_a_group_are_refused_with_a_hint() -> None:
    problem = error("{x|y {z}}")

    assert str(problem) == (
        "Groups cannot be nested: the '{' at position 6 is inside another group; "
        "write \\{ and \\} for literal braces."
    )


def test_escaped_braces_inside_a_group_are_fine() -> None:
    assert prompts(r"{x|y \{z\}}") == ["x", "y {z}"]


@pytest.mark.parametrize("count", [0, -3])
def test_a_count_below_one_is_refused(count: int) -> None:
    assert str(error("a {b|c}", count)) == f"Each prompt needs at least 1 draft, not {count}."
    assert str(error("plain", count)) == f"Each prompt needs at least 1 draft, not {count}."


def test_more_slots_than_the_limit_are_refused_with_the_arithmetic() -> None:
    template = "{a|b|c} {d|e|f} {" + "|".join(f"o{i}" for i in range(200)) + "}"

    problem = error(template, 4)

    assert str(problem) == (
        "This prompt makes 3 × 3 × 200 combinations × 4 = 7,200 drafts; "
        "one batch holds at most 1,000."
    )


def test_the_limit_is_checked_before_any_slot_is_built() -> None:
    # 10^12 slots: building even a fraction of them would run into the test's timeout.
    template = " ".join("{" + "|".join(f"{g}{i}" for i in range(10)) + "}" for g in "abcdefghij")

    problem = error(template, 100)

    assert "10 × 10 × 10 × 10 × 10 × 10 × 10 × 10 × 10 × 10 combinations × 100" in str(problem)
    assert "= 1,000,000,000,000 drafts;" in str(problem)


def test_exactly_the_limit_is_allowed() -> None:
    template = "{" + "|".join(f"o{i}" for i in range(250)) + "}"

    assert len(expand(template, 4, None).slots) == MAX_SLOTS == 1000


def test_a_plain_prompt_is_held_to_the_limit_too() -> None:
    assert str(error("a kite", 1001)) == (
        "This prompt makes 1,001 drafts; one batch holds at most 1,000."
    )


def test_a_smaller_limit_can_be_given() -> None:
    assert len(expand("{a|b|c}", 2, None, limit=6).slots) == 6
    assert str(error("{a|b|c}", 2, limit=5)) == (
        "This prompt makes 3 combinations × 2 = 6 drafts; one batch holds at most 5."
    )


def test_a_combination_with_an_empty_prompt_is_refused() -> None:
    problem = error("{|}")

    assert str(problem) == (
        "Combination 1 of 2 leaves the prompt empty: the group at position 1 takes its "
        "empty option and there is no other text."
    )
    assert problem.position == 1


def test_the_empty_combination_is_named_among_several_groups() -> None:
    problem = error("{a|}  {|b}")

    assert str(problem) == (
        "Combination 3 of 4 leaves the prompt empty: the groups at positions 1 and 7 take "
        "their empty options and there is no other text."
    )


@pytest.mark.parametrize(
    ("template", "count", "expected"),
    [
        ("{a|b|c} {d|e|f}", 4, "3 × 3 combinations × 4 = 36 drafts"),
        ("a kite", 4, "4 drafts"),
        ("a kite", 1, "1 draft"),
        ("{a|b|c} kite", 4, "3 combinations × 4 = 12 drafts"),
        ("{a|b|c|d|e|f|g|h|i}", 1, "9 combinations = 9 drafts"),
        ("{a|b|c} {d|e|f}", 1, "3 × 3 combinations = 9 drafts"),
        ("{a|b} {c|d}", 250, "2 × 2 combinations × 250 = 1,000 drafts"),
    ],
)
def test_summary(template: str, count: int, expected: str) -> None:
    assert expand(template, count, None).summary() == expected


def test_summary_of_a_single_combination_is_singular() -> None:
    expansion = Expansion("x", (Axis("colour", "colour", ("red",)),), 3, ())

    assert expansion.summary() == "1 combination × 3 = 3 drafts"
    assert expansion.combinations == 1


def test_expanding_again_gives_the_same_result() -> None:
    assert expand("{a|b} c", 2, None) == expand("{a|b} c", 2, None)
