"""immutable-components: Pulumi components for immutable infrastructure."""

from __future__ import annotations

from .errors import ComponentInputError

__all__ = ["ComponentInputError"]
