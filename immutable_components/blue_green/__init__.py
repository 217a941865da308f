"""BlueGreenService: two fleets behind one load balancer, traffic moved by weights."""

from __future__ import annotations

from .args import BlueGreenColor, BlueGreenServiceArgs, ExistingLoadBalancer, HealthCheck
from .component import BlueGreenService
from .gate import HealthGate, HealthGateArgs
from .traffic import weights

__all__ = [
    "BlueGreenColor",
    "BlueGreenService",
    "BlueGreenServiceArgs",
    "ExistingLoadBalancer",
    "HealthCheck",
    "HealthGate",
    "HealthGateArgs",
    "weights",
]
