"""The words sent for each kind of derived work. Each frame names what is asked of the model;
the user's instruction fills or extends the middle."""

from __future__ import annotations

from enum import StrEnum

from studio.core.domain import Derivation

DEFAULT_REFINE_INSTRUCTION = (
    "Keep the composition, subject, framing and colours exactly; sharpen fine detail, clean "
    "up artefacts and render any text crisply."
)
_REFINE_FRAME = "Render this image again at a higher quality and resolution."
_EDIT_FRAME = "Edit this image:"
_DESCRIBED = "The image shows:"
# A leading "+" extends the default instead of replacing it (the CLI's --instruction "+ …").
EXTEND_MARK = "+"


class Strength(StrEnum):
    SUBTLE = "subtle"
    STRONG = "strong"


_VARIATIONS = {
    Strength.SUBTLE: (
        "Make a subtle variation of this image: keep the subject, composition and palette, "
        "and change small details, textures and the light."
    ),
    Strength.STRONG: (
        "Make a bold variation of this image: keep the subject and the idea, and try a new "
        "composition, angle, palette or style."
    ),
}


def refine_instruction(given: str | None) -> str:
    """The user's instruction, the default, or the default extended by "+ more"."""
    text = (given or "").strip()
    if not text:
        return DEFAULT_REFINE_INSTRUCTION
    if text.startswith(EXTEND_MARK):
        return f"{DEFAULT_REFINE_INSTRUCTION} {text.removeprefix(EXTEND_MARK).strip()}"
    return text


def vary_instruction(strength: Strength) -> str:
    return _VARIATIONS[strength]


def refine_text(prompt: str, instruction: str) -> str:
    return f"{_REFINE_FRAME} {instruction}\n\n{_DESCRIBED} {prompt}"


def vary_text(prompt: str, strength: Strength) -> str:
    return f"{_VARIATIONS[strength]}\n\n{_DESCRIBED} {prompt}"


def edit_text(instruction: str, *, continues: bool) -> str:
    """Continuing a conversation, the instruction alone follows the model's own image; a
    one-turn edit says which image it means."""
    return instruction if continues else f"{_EDIT_FRAME} {instruction}"


PAST_TENSE = {Derivation.REFINE: "refined", Derivation.EDIT: "edited", Derivation.VARY: "varied"}
