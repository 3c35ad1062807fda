"""Thought signatures: the sandbox signs every part a Gemini 3 model answers with and checks
them when a later turn sends the answer back, as the live service does.

The key is fixed, so an answer signed by one sandbox process still verifies in the next (an
edit chain continues after a restart), and a signature is bound to its part's content, so
one that is altered, or moved to another part, is refused."""

from __future__ import annotations

import hashlib
import hmac

_KEY = b"draft-studio-sandbox-thought-signature"
_PREFIX = b"sbx1"


def signs(model_id: str) -> bool:
    return model_id.startswith("gemini-3")


def sign(content: bytes) -> bytes:
    return _PREFIX + hmac.new(_KEY, content, hashlib.sha256).digest()


def valid(signature: bytes, content: bytes) -> bool:
    return hmac.compare_digest(signature, sign(content))
