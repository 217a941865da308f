"""GoldenImage on AWS: an EC2 builder and an AMI (the amazon-ebs way, as Pulumi resources).

Resources, all children of the GoldenImage, in order:

``{name}-ssh-key``         tls PrivateKey (ED25519), created once and kept in state
``{name}-key-pair``        EC2 key pair holding its public half
``{name}-builder-sg``      SSH (22/tcp) only from ``ssh_cidrs``; egress only to the
                           ``egress_tcp_ports``/``egress_udp_ports`` (DNS, HTTP, HTTPS)
``{name}-builder``         the builder instance: IMDSv2 required, encrypted root volume,
                           replaced whenever the build hash changes
``{name}-wait-ready``, ``{name}-provision-N``   the provisioners (see ``_remote``)
``{name}-clear-login``     login keys and cloud-init state removed (see ``_remote``)
``{name}-builder-stopped`` the builder stopped after the clearing
``{name}-image``           the AMI (``AmiFromInstance``), after the builder is stopped
``{name}-snapshot-tag-K``  provenance tags on the AMI's root snapshot (retained)

then the test, copies, sharing and channel (see ``_aws_publish``).

Across deployments (``_aws_publish.existing_image``): an image of the build hash this
account owns is reused (tested: none of the above is registered; untested: only the key,
the security group and the test), so the bakery lives for one deployment and the next
``up`` deletes it; a revert or a second colour on one version never bakes again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_tls as tls

from .._invoke import invoke_once
from . import _aws_publish, _egress, _remote
from ._lifecycle import image_test_digest
from ._plan import BakePlan, BakeResult, SourceImage
from .args import AwsBuilder, AwsImageLookup

__all__ = ["bake", "bake_scope", "hash_settings", "source"]


# -- the source and the hash -----------------------------------------------------------


def source(b: AwsBuilder, component: pulumi.ComponentResource) -> SourceImage:
    """The AMI the builder boots from (a lookup is resolved once per program run)."""
    lookup = b.source_lookup
    image: pulumi.Input[str] = (
        _resolve(lookup, b.region) if lookup is not None else b.source_image_id  # type: ignore[assignment]
    )
    key = f"aws-ami:{image}" if isinstance(image, str) else pulumi.Output.concat("aws-ami:", image)
    return SourceImage(key=key, label=image, image=image)


def _resolve(lookup: AwsImageLookup, region: str | None) -> str:
    """The AMI id, looked up now (the engine runs invokes during previews too), once per
    program run for every GoldenImage following the same lookup."""
    result = invoke_once(
        aws.ec2.get_ami,
        most_recent=True,
        owners=list(lookup.owners),
        filters=[
            {"name": "name", "values": [lookup.name_pattern]},
            {"name": "architecture", "values": [lookup.architecture]},
            {"name": "state", "values": ["available"]},
            {"name": "root-device-type", "values": ["ebs"]},
            {"name": "virtualization-type", "values": ["hvm"]},
        ],
        region=region,
    )
    return str(result.id)


def hash_settings(b: AwsBuilder) -> dict[str, Any]:
    """The builder settings that shape the disk (part of the build hash)."""
    return {
        "cloud": "aws",
        "instance_type": b.instance_type,
        "volume_size_gib": b.volume_size_gib,
        "volume_type": b.volume_type,
        "encrypted": b.encrypted,
        "kms_key_id": b.kms_key_id,
    }


def bake_scope(b: AwsBuilder) -> str:
    """Where an AMI name must be unique: the region."""
    return b.region or ""


# -- resources -------------------------------------------------------------------------


def bake(
    b: AwsBuilder, component: pulumi.ComponentResource, name: str, plan: BakePlan
) -> BakeResult:
    """Register the bake (or reuse, or a sibling's publication) and return the image."""
    regional: dict[str, Any] = {"region": b.region} if b.region else {}
    region = invoke_once(aws.get_region_output, parent=component, **regional).region
    own_test = image_test_digest(plan.test) if plan.test else ""
    found: Any
    if plan.sibling is not None and plan.sibling.test_digest != own_test and own_test:
        # Another GoldenImage bakes this build with another test (or none): run this
        # one's test on that image before publishing it.
        origin, found = "test", plan.sibling.image_id
    elif plan.sibling is not None:
        sibling = plan.sibling
        copies, channel = _aws_publish.publish(
            b,
            component,
            name,
            plan,
            image_id=sibling.image_id,
            image_region=sibling.region,
            gate=None,
            regional=regional,
            existing_copies=(sibling.copy_regions, sibling.copies),
        )
        return BakeResult(
            image_id=sibling.image_id,
            region=sibling.region,
            copies=copies,
            channel=channel,
            origin="sibling",
            copy_regions=_copy_regions(b),
            previous=_aws_publish.previous_build(component, plan, b.region, None),
        )
    else:
        origin, found = _aws_publish.existing_image(component, plan, b.region)
    gate: pulumi.Resource | None = None
    if origin == "reuse":
        image_id: pulumi.Input[str] = str(found)
    else:
        bakery = _bakery(b, component, name, plan, regional)
        image_id = found if found else _bake_image(b, component, name, plan, regional, bakery)
        gate = _aws_publish.test_image(
            b,
            component,
            name,
            plan,
            image_id=image_id,
            key_name=bakery.key_pair.key_name,
            security_group_id=bakery.security_group.id,
            private_key=bakery.key.private_key_openssh,
            regional=regional,
        )
    published = _aws_publish.passed(image_id, gate)
    copies, channel = _aws_publish.publish(
        b,
        component,
        name,
        plan,
        image_id=published,
        image_region=region,
        gate=gate,
        regional=regional,
        existing_copies=(
            (plan.sibling.copy_regions, plan.sibling.copies) if plan.sibling else None
        ),
    )
    return BakeResult(
        image_id=published,
        region=region,
        copies=copies,
        channel=channel,
        origin=origin,
        copy_regions=_copy_regions(b),
        previous=_aws_publish.previous_build(
            component, plan, b.region, found if isinstance(found, str) else None
        ),
    )


def _copy_regions(b: AwsBuilder) -> tuple[str, ...]:
    return tuple(b.distribution.regions) if b.distribution else ()


def _bakery(
    b: AwsBuilder,
    component: pulumi.ComponentResource,
    name: str,
    plan: BakePlan,
    regional: dict[str, Any],
) -> _Bakery:
    """The key and security group the builder and the test instance share."""
    child = pulumi.ResourceOptions(parent=component)
    tags = {**(b.tags or {}), "ManagedBy": str(plan.provenance["ManagedBy"])}
    key = tls.PrivateKey(f"{name}-ssh-key", algorithm="ED25519", opts=child)
    key_pair = aws.ec2.KeyPair(
        f"{name}-key-pair",
        public_key=key.public_key_openssh,
        tags={**tags, "Name": f"{name}-builder"},
        opts=child,
        **regional,
    )
    subnet = invoke_once(aws.ec2.get_subnet_output, parent=component, id=b.subnet_id, **regional)
    security_group = aws.ec2.SecurityGroup(
        f"{name}-builder-sg",
        description=f"Image builder {name}: SSH from the baking machine only",
        vpc_id=subnet.vpc_id,
        ingress=[
            aws.ec2.SecurityGroupIngressArgs(
                description="SSH from the machine running Pulumi",
                protocol="tcp",
                from_port=22,
                to_port=22,
                cidr_blocks=[c for c in b.ssh_cidrs if ":" not in c],
                ipv6_cidr_blocks=[c for c in b.ssh_cidrs if ":" in c],
            )
        ],
        egress=_egress_rules(b),
        tags={**tags, "Name": f"{name}-builder"},
        opts=child,
        **regional,
    )
    return _Bakery(key, key_pair, security_group, tags)


def _egress_rules(b: AwsBuilder) -> list[aws.ec2.SecurityGroupEgressArgs]:
    """What a bake needs: the given TCP and UDP ports (HTTP, HTTPS, DNS by default) to
    ``egress_cidrs``; no all-protocol rule. (Traffic to the VPC's own DNS resolver and
    the instance metadata service is not filtered by security groups.)"""
    v4 = [c for c in b.egress_cidrs if ":" not in c]
    v6 = [c for c in b.egress_cidrs if ":" in c]
    return [
        aws.ec2.SecurityGroupEgressArgs(
            description=f"Bake: {protocol}/{port}",
            protocol=protocol,
            from_port=port,
            to_port=port,
            cidr_blocks=v4,
            ipv6_cidr_blocks=v6,
        )
        for protocol, ports in _egress.rules(b.egress_tcp_ports, b.egress_udp_ports)
        for port in ports
    ]


def _bake_image(
    b: AwsBuilder,
    component: pulumi.ComponentResource,
    name: str,
    plan: BakePlan,
    regional: dict[str, Any],
    bakery: _Bakery,
) -> pulumi.Output[str]:
    """Builder, provisioning, clearing, stop, AMI and its snapshot's tags."""
    child = pulumi.ResourceOptions(parent=component)
    tags = bakery.tags
    user_data = pulumi.Output.from_input(plan.build_hash).apply(
        lambda h: f"#!/bin/sh\n# immutable-components image builder, build {h}\n"
    )
    builder = aws.ec2.Instance(
        f"{name}-builder",
        ami=plan.source.image,
        instance_type=b.instance_type,
        subnet_id=b.subnet_id,
        vpc_security_group_ids=[bakery.security_group.id],
        key_name=bakery.key_pair.key_name,
        associate_public_ip_address=b.associate_public_ip,
        iam_instance_profile=b.iam_instance_profile,
        metadata_options=aws.ec2.InstanceMetadataOptionsArgs(
            http_endpoint="enabled",
            http_tokens="required",
            http_put_response_hop_limit=1,
        ),
        root_block_device=aws.ec2.InstanceRootBlockDeviceArgs(
            encrypted=b.encrypted,
            kms_key_id=b.kms_key_id,
            volume_type=b.volume_type,
            volume_size=b.volume_size_gib,
            delete_on_termination=True,
        ),
        # The build hash in user data, with replace-on-change: every rebake gets a
        # fresh builder, so no step ever runs on a half-provisioned or stopped one.
        user_data=user_data,
        user_data_replace_on_change=True,
        instance_initiated_shutdown_behavior="stop",
        tags={**tags, "Name": f"{name}-builder", "BuildHash": plan.build_hash},
        volume_tags={**tags, "Name": f"{name}-builder"},
        opts=child,
        **regional,
    )
    host = builder.public_ip if b.associate_public_ip else builder.private_ip
    conn = _remote.connection(
        host, b.ssh_user, bakery.key.private_key_openssh, b.ssh_timeout_minutes
    )
    steps = _remote.provision(
        name,
        parent=component,
        builder=builder,
        conn=conn,
        provisioners=plan.provisioners,
        build_hash=plan.build_hash,
    )
    cleared = _remote.clear_login(
        name,
        parent=component,
        builder=builder,
        conn=conn,
        after=steps[-1],
        build_hash=plan.build_hash,
    )
    stopped = aws.ec2transitgateway.InstanceState(
        f"{name}-builder-stopped",
        instance_id=builder.id,
        state="stopped",
        opts=pulumi.ResourceOptions(parent=component, depends_on=[cleared], deleted_with=builder),
        **regional,
    )
    image = aws.ec2.AmiFromInstance(
        f"{name}-image",
        name=plan.image_name,
        description=plan.description,
        source_instance_id=builder.id,
        tags=dict(plan.provenance),
        opts=pulumi.ResourceOptions(
            parent=component,
            depends_on=[stopped, cleared],
            retain_on_delete=True,
            custom_timeouts=pulumi.CustomTimeouts(
                create=f"{b.snapshot_timeout_minutes}m",
                delete=f"{b.snapshot_timeout_minutes}m",
            ),
        ),
        **regional,
    )
    for tag_key, tag_value in sorted(plan.provenance.items()):
        aws.ec2.Tag(
            f"{name}-snapshot-tag-{_slug(tag_key)}",
            resource_id=image.root_snapshot_id,
            key=tag_key,
            value=tag_value,
            opts=pulumi.ResourceOptions(parent=component, retain_on_delete=True),
            **regional,
        )
    return image.id


@dataclass(frozen=True)
class _Bakery:
    key: tls.PrivateKey
    key_pair: aws.ec2.KeyPair
    security_group: aws.ec2.SecurityGroup
    tags: dict[str, str]


def _slug(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-") or "tag"
