"""immutable-components: Pulumi components for immutable infrastructure."""

from __future__ import annotations

from .errors import (
    ComponentInputError,
    RolloutConflict,
    RolloutError,
    RolloutFailed,
    RolloutTimeout,
)

__all__ = [
    "ComponentInputError",
    "RolloutConflict",
    "RolloutError",
    "RolloutFailed",
    "RolloutTimeout",
]
