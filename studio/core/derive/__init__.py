"""Taking a draft further: refine on a stronger model, edit by instruction, vary."""

from studio.core.derive.instructions import DEFAULT_REFINE_INSTRUCTION, Strength
from studio.core.derive.order import DeriveOrder
from studio.core.derive.planner import DerivationError, plan_derivation, rebuild_request

__all__ = [
    "DEFAULT_REFINE_INSTRUCTION",
    "DerivationError",
    "DeriveOrder",
    "Strength",
    "plan_derivation",
    "rebuild_request",
]
