"""immutable-components: Pulumi components for immutable infrastructure.

The public API is re-exported here. Cloud-specific builders for GCP and Azure are
imported only when used, so an AWS-only stack never imports ``pulumi_gcp`` or
``pulumi_azure_native``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .drift_rule import AwsDriftTarget, DriftRule, DriftRuleArgs
from .errors import (
    ComponentInputError,
    RolloutConflict,
    RolloutError,
    RolloutFailed,
    RolloutTimeout,
)
from .golden_image import AwsBuilder, AwsImageLookup, GoldenImage, GoldenImageArgs
from .provisioners import RunCommands, RunScript, UploadDirectory, UploadFile

if TYPE_CHECKING:
    from .drift_rule.azure import AzureDriftTarget
    from .drift_rule.gcp import GcpDriftTarget

__all__ = [
    "AwsBuilder",
    "AwsDriftTarget",
    "AwsImageLookup",
    "AzureDriftTarget",
    "ComponentInputError",
    "DriftRule",
    "DriftRuleArgs",
    "GcpDriftTarget",
    "GoldenImage",
    "GoldenImageArgs",
    "RolloutConflict",
    "RolloutError",
    "RolloutFailed",
    "RolloutTimeout",
    "RunCommands",
    "RunScript",
    "UploadDirectory",
    "UploadFile",
]

# Cloud-specific classes for GCP and Azure, imported on first use (module __getattr__).
_LAZY = {
    "GcpDriftTarget": ".drift_rule.gcp",
    "AzureDriftTarget": ".drift_rule.azure",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
