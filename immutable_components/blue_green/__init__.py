"""BlueGreenService: two fleets behind one load balancer, traffic moved by weights."""

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
