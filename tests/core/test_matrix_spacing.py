"""Whitespace where a {a|b} group meets the text around it: prompts that read naturally."""

from __future__ import annotations

import pytest

from studio.core.matrix import expand


def prompts(template: str) -> list[str]:
    return [slot.prompt for slot in expand(template, 1, None).slots]


def test_inner_spaces_of_an_option_are_kept() -> None:
    assert prompts("a {very  big|small} cat") == ["a very  big cat", "a small cat"]


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        pytest.param("{|very }large dog", ["large dog", "very large dog"], id="empty-first"),
        pytest.param("a {|big} cat", ["a cat", "a big cat"], id="spaces-both-sides"),
        pytest.param("a {big|} cat", ["a big cat", "a cat"], id="empty-last"),
        pytest.param("cat {|big}", ["cat", "cat big"], id="at-the-end"),
        pytest.param("{|big } cat", ["cat", "big cat"], id="at-the-start"),
        pytest.param("x {|a} {|b} y", ["x y", "x b y", "x a y", "x a b y"], id="two-in-a-row"),
        pytest.param("({ big | small })", ["(big)", "(small)"], id="inside-brackets"),
        pytest.param("colour: { red | blue },", ["colour: red,", "colour: blue,"], id="comma"),
        pytest.param("a cat,{ big| small}", ["a cat, big", "a cat, small"], id="after-comma"),
        pytest.param("semi-{ gloss | matte}", ["semi-gloss", "semi-matte"], id="hyphen"),
        pytest.param('say "{ hi | bye }"', ['say "hi"', 'say "bye"'], id="quotes"),
        pytest.param("big{ cat| dog}", ["big cat", "big dog"], id="typed-space-by-a-word"),
        pytest.param("big{cat|dog}", ["bigcat", "bigdog"], id="no-space-typed"),
    ],
)
def test_whitespace_around_a_group_reads_naturally(template: str, expected: list[str]) -> None:
    assert prompts(template) == expected


def test_empty_options_are_fine_while_some_text_remains() -> None:
    assert prompts("{|big} {|red} kite") == ["kite", "red kite", "big kite", "big red kite"]
