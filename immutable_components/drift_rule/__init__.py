"""DriftRule: approved images (fed from GoldenImage outputs) -> cloud policy + alerts.

The args records are pure data and cloud-neutral to import; a cloud's module (and its
provider SDK) is imported only when a rule on that cloud is built, so an AWS-only stack
never imports ``pulumi_gcp`` or ``pulumi_azure_native``.
"""

from .args import (
    AwsDriftTarget,
    AzureDriftEffect,
    AzureDriftTarget,
    DriftRuleArgs,
    GcpDriftTarget,
)
from .component import DriftRule

__all__ = [
    "AwsDriftTarget",
    "AzureDriftEffect",
    "AzureDriftTarget",
    "DriftRule",
    "DriftRuleArgs",
    "GcpDriftTarget",
]
