"""The example stack's own small network, for an empty account (used when no `vpcId`).

A VPC in two availability zones: two public subnets (the load balancer and the image
builders; a route to the internet gateway) and two private subnets for the fleets, whose
route table has only the local route. No NAT gateway (about 32 USD a month each, plus
data): the fleets run a baked image and need nothing from the internet to boot or serve,
and the load balancer reaches them inside the VPC. An app that calls AWS APIs at boot
(e.g. boot-time secrets) needs VPC endpoints or a NAT gateway, and `fleet_egress_cidrs`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class Network:
    vpc_id: pulumi.Input[str]
    public_subnet_ids: list[pulumi.Input[str]]
    private_subnet_ids: list[pulumi.Input[str]]


def small_network(name: str, cidr_prefix: str = "10.40") -> Network:
    zones = aws.get_availability_zones(state="available").names[:2]
    vpc = aws.ec2.Vpc(
        f"{name}-vpc",
        cidr_block=f"{cidr_prefix}.0.0/16",
        enable_dns_hostnames=True,
        enable_dns_support=True,
        tags={"Name": name},
    )
    gateway = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=vpc.id, tags={"Name": name})
    public_routes = aws.ec2.RouteTable(
        f"{name}-public", vpc_id=vpc.id, tags={"Name": f"{name}-public"}
    )
    aws.ec2.Route(
        f"{name}-public-default",
        route_table_id=public_routes.id,
        destination_cidr_block="0.0.0.0/0",
        gateway_id=gateway.id,
    )
    private_routes = aws.ec2.RouteTable(
        f"{name}-private", vpc_id=vpc.id, tags={"Name": f"{name}-private"}
    )
    public: list[pulumi.Input[str]] = []
    private: list[pulumi.Input[str]] = []
    for index, zone in enumerate(zones):
        for kind, routes, subnets, offset in (
            ("public", public_routes, public, 0),
            ("private", private_routes, private, 10),
        ):
            subnet = aws.ec2.Subnet(
                f"{name}-{kind}-{index}",
                vpc_id=vpc.id,
                availability_zone=zone,
                cidr_block=f"{cidr_prefix}.{offset + index}.0/24",
                map_public_ip_on_launch=False,
                tags={"Name": f"{name}-{kind}-{zone}"},
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-{kind}-{index}", subnet_id=subnet.id, route_table_id=routes.id
            )
            subnets.append(subnet.id)
    return Network(vpc.id, public, private)
