"""The example stack's own small network, for an empty account (used when no `vpcId`).

A VPC in two availability zones: two public subnets (the load balancer and the image
builders; a route to the internet gateway) and two private subnets for the fleets, whose
route table has only the local route. No NAT gateway (about 32 USD a month each, plus
data): the fleets run a baked image and need nothing from the internet to boot or serve,
and the load balancer reaches them inside the VPC. The one AWS API the fleets call at boot,
SSM (for their secrets), is reached through an interface endpoint in the private subnets
(about 7 USD a month per zone), open on 443 to the VPC only.
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
    cidr_block: str


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
    endpoint_sg = aws.ec2.SecurityGroup(
        f"{name}-ssm-endpoint",
        vpc_id=vpc.id,
        description="SSM endpoint: HTTPS from inside the VPC",
        ingress=[
            aws.ec2.SecurityGroupIngressArgs(
                protocol="tcp", from_port=443, to_port=443, cidr_blocks=[f"{cidr_prefix}.0.0/16"]
            )
        ],
        tags={"Name": f"{name}-ssm-endpoint"},
    )
    region = aws.get_region().region
    aws.ec2.VpcEndpoint(
        f"{name}-ssm",
        vpc_id=vpc.id,
        service_name=f"com.amazonaws.{region}.ssm",
        vpc_endpoint_type="Interface",
        private_dns_enabled=True,
        subnet_ids=private,
        security_group_ids=[endpoint_sg.id],
        tags={"Name": f"{name}-ssm"},
    )
    return Network(vpc.id, public, private, f"{cidr_prefix}.0.0/16")
