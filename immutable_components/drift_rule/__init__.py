"""DriftRule: approved images (fed from GoldenImage outputs) -> cloud policy + alerts.

``GcpDriftTarget`` and ``AzureDriftTarget`` are imported on first use, so an AWS-only
stack never imports ``pulumi_gcp`` or ``pulumi_azure_native``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .aws import AwsDriftTarget
from .component import DriftResult, DriftRule, DriftRuleArgs, DriftTarget

if TYPE_CHECKING:
    from .azure import AzureDriftTarget
    from .gcp import GcpDriftTarget

__all__ = [
    "AwsDriftTarget",
    "AzureDriftTarget",
    "DriftResult",
    "DriftRule",
    "DriftRuleArgs",
    "DriftTarget",
    "GcpDriftTarget",
]

_LAZY = {"GcpDriftTarget": ".gcp", "AzureDriftTarget": ".azure"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
