"""BlueGreenService: two fleets behind one load balancer, traffic moved by weights.

Every name is exported lazily (see :mod:`immutable_components._lazy`).
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .args import (
        BlueGreenColor,
        BlueGreenFleet,
        BlueGreenServiceArgs,
        ExistingLoadBalancer,
        HealthCheck,
    )
    from .component import BlueGreenService
    from .gate import HealthGate, HealthGateArgs
    from .traffic import weights

__all__ = [
    "BlueGreenColor",
    "BlueGreenFleet",
    "BlueGreenService",
    "BlueGreenServiceArgs",
    "ExistingLoadBalancer",
    "HealthCheck",
    "HealthGate",
    "HealthGateArgs",
    "weights",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "BlueGreenColor": ".args",
        "BlueGreenFleet": ".args",
        "BlueGreenService": ".component",
        "BlueGreenServiceArgs": ".args",
        "ExistingLoadBalancer": ".args",
        "HealthCheck": ".args",
        "HealthGate": ".gate",
        "HealthGateArgs": ".gate",
        "weights": ".traffic",
    },
)
