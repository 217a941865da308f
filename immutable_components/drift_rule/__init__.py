"""DriftRule: approved images (fed from GoldenImage outputs) -> cloud policy + alerts.

The args records are pure data and cloud-neutral to import; a cloud's module (and its
provider SDK) is imported only when a rule on that cloud is built. Every name is exported
lazily (see :mod:`immutable_components._lazy`).
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
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

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "AwsDriftTarget": ".args",
        "AzureDriftEffect": ".args",
        "AzureDriftTarget": ".args",
        "DriftRule": ".component",
        "DriftRuleArgs": ".args",
        "GcpDriftTarget": ".args",
    },
)
