"""The service's two security groups and their rules, as separate rule resources.

The load balancer's group admits the listener ports from ``ingress_cidrs`` and may only
reach the fleets' group on the app port; the fleets' group admits the app port from the
load balancer's group only (no SSH), and reaches out only where ``fleet_egress_cidrs``
says (HTTPS). Rules are separate ``aws.vpc`` resources because the two groups refer to
each other, which inline rules cannot express without a cycle; the groups have no inline
rules, and the provider removes the allow-all egress rule AWS adds to a new group.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

__all__ = ["SecurityGroups", "security_groups"]

Opts = Callable[[type], pulumi.ResourceOptions]


@dataclass(frozen=True)
class SecurityGroups:
    load_balancer_id: pulumi.Input[str]
    fleet: aws.ec2.SecurityGroup


def _cidr(cidr: str) -> dict[str, str]:
    version = ipaddress.ip_network(cidr).version
    return {"cidr_ipv4": cidr} if version == 4 else {"cidr_ipv6": cidr}


def security_groups(
    name: str,
    *,
    vpc_id: pulumi.Input[str],
    existing_id: pulumi.Input[str] | None,
    listener_ports: Sequence[int],
    ingress_cidrs: Sequence[str],
    app_port: int,
    fleet_egress_cidrs: Sequence[str],
    tags: dict[str, str],
    opts: Opts,
) -> SecurityGroups:
    """Register the groups and rules; ``opts(args_type)`` gives each child its options."""
    if existing_id is None:
        lb_group = aws.ec2.SecurityGroup(
            f"{name}-lb-sg",
            vpc_id=vpc_id,
            description=f"{name}: load balancer (listener ports from allowed CIDRs)",
            revoke_rules_on_delete=True,
            tags={**tags, "Name": f"{name}-lb"},
            opts=opts(aws.ec2.SecurityGroupArgs),
        )
        lb_id: pulumi.Input[str] = lb_group.id
    else:
        lb_id = existing_id
    fleet = aws.ec2.SecurityGroup(
        f"{name}-fleet-sg",
        vpc_id=vpc_id,
        description=f"{name}: fleets (app port from the load balancer only)",
        revoke_rules_on_delete=True,
        tags={**tags, "Name": f"{name}-fleet"},
        opts=opts(aws.ec2.SecurityGroupArgs),
    )
    ingress = opts(aws.vpc.SecurityGroupIngressRuleArgs)
    egress = opts(aws.vpc.SecurityGroupEgressRuleArgs)
    for port in listener_ports:
        for index, cidr in enumerate(ingress_cidrs):
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-lb-in-{port}-{index}",
                security_group_id=lb_id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                description=f"listener port {port} from {cidr}",
                tags=tags,
                opts=ingress,
                **_cidr(cidr),
            )
    aws.vpc.SecurityGroupEgressRule(
        f"{name}-lb-out",
        security_group_id=lb_id,
        referenced_security_group_id=fleet.id,
        ip_protocol="tcp",
        from_port=app_port,
        to_port=app_port,
        description=f"to the fleets on the app port {app_port}",
        tags=tags,
        opts=egress,
    )
    aws.vpc.SecurityGroupIngressRule(
        f"{name}-fleet-in",
        security_group_id=fleet.id,
        referenced_security_group_id=lb_id,
        ip_protocol="tcp",
        from_port=app_port,
        to_port=app_port,
        description=f"app port {app_port} from the load balancer",
        tags=tags,
        opts=ingress,
    )
    for index, cidr in enumerate(fleet_egress_cidrs):
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-fleet-out-{index}",
            security_group_id=fleet.id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            description=f"HTTPS to {cidr}",
            tags=tags,
            opts=egress,
            **_cidr(cidr),
        )
    return SecurityGroups(load_balancer_id=lb_id, fleet=fleet)
