"""DriftRule: approved images (fed from GoldenImage outputs) -> cloud policy + alerts.

Every name is exported lazily (see :mod:`immutable_components._lazy`): each cloud's SDK is
imported only by a program that uses that cloud's target.
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .aws import AwsDriftTarget
    from .azure import AzureDriftTarget
    from .component import DriftResult, DriftRule, DriftRuleArgs, DriftTarget
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

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "AwsDriftTarget": ".aws",
        "AzureDriftTarget": ".azure",
        "DriftResult": ".component",
        "DriftRule": ".component",
        "DriftRuleArgs": ".component",
        "DriftTarget": ".component",
        "GcpDriftTarget": ".gcp",
    },
)
