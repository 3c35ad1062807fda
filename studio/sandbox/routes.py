"""Which Gemini API call a request path names."""

from __future__ import annotations

import re
from dataclasses import dataclass

GENERATE = "generateContent"
STREAM = "streamGenerateContent"
# Any prefix before the version is tolerated, as the SDK keeps a base_url's path (wire spec §1.2).
_ROUTE = re.compile(r"(?:^|/)(v1|v1beta)/models(?:/([^/:]+)(?::([A-Za-z]+))?)?/?$")


@dataclass(frozen=True, slots=True)
class Route:
    version: str
    model_id: str  # empty for the model list
    action: str  # GENERATE, STREAM, or empty for a GET of the model list or of one model

    @property
    def rpc(self) -> str:
        names = {
            "": "ModelService.GetModel" if self.model_id else "ModelService.ListModels",
            GENERATE: "GenerativeService.GenerateContent",
            STREAM: "GenerativeService.StreamGenerateContent",
        }
        return f"google.ai.generativelanguage.{self.version}.{names[self.action]}"


def resolve_route(method: str, path: str) -> Route | None:
    match = _ROUTE.search(path)
    if match is None:
        return None
    version, model_id, action = match.groups(default="")
    if not action and method == "GET":
        return Route(version, model_id, action)
    if action in (GENERATE, STREAM) and model_id and method == "POST":
        return Route(version, model_id, action)
    return None
