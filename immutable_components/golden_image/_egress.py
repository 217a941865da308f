"""A builder's egress: only what a bake needs, the same rule on every cloud.

A builder downloads packages and artifacts; it needs DNS, HTTP and HTTPS, nothing else. The
defaults say so, each builder turns them into its cloud's rules (an AWS security group's
egress entries, GCP egress firewall rules), and nothing of it outlives the bake.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._validate import Check

TCP_PORTS = (53, 80, 443)
"""DNS, HTTP, HTTPS."""
UDP_PORTS = (53,)
"""DNS."""


def validate(check: Check, cloud: str, cidrs: Any, tcp_ports: Any, udp_ports: Any) -> None:
    """``<cloud>.egress_cidrs`` (non-empty CIDRs) and the two port lists (1-65535)."""
    for i, cidr in enumerate(check.non_empty_list(f"{cloud}.egress_cidrs", cidrs)):
        check.cidr(f"{cloud}.egress_cidrs[{i}]", cidr)
    for label, ports in (("egress_tcp_ports", tcp_ports), ("egress_udp_ports", udp_ports)):
        if isinstance(ports, (str, bytes)) or not isinstance(ports, Sequence):
            check.fail(f"{cloud}.{label}", ports, "a list of port numbers")
        for i, port in enumerate(ports):
            check.int_range(f"{cloud}.{label}[{i}]", port, 1, 65535)


def rules(tcp_ports: Sequence[int], udp_ports: Sequence[int]) -> list[tuple[str, list[int]]]:
    """``(protocol, sorted distinct ports)`` per protocol that has any."""
    out = [("tcp", sorted(set(tcp_ports))), ("udp", sorted(set(udp_ports)))]
    return [(protocol, ports) for protocol, ports in out if ports]
