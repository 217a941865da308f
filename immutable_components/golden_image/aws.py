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

then the test, copies, sharing and channel (see ``aws_distribution``).

Across deployments (``aws_distribution.existing_image``): an image of the build hash this
account owns is reused (tested: none of the above is registered; untested: only the key,
the security group and the test), so the bakery lives for one deployment and the next
``up`` deletes it; a revert or a second colour on one version never bakes again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_tls as tls

from .._validate import Check, is_unknown
from . import _egress, _remote, aws_distribution
from ._per_program import per_program
from .aws_distribution import AwsDistribution
from .component import BakePlan, BakeResult, GoldenImage

__all__ = ["AwsBuilder", "AwsDistribution", "AwsImageLookup"]

VOLUME_TYPES = ("gp3", "gp2", "io1", "io2", "standard")
TAG_KEY = re.compile(r"^[A-Za-z0-9 +\-=._:/@]{1,128}$")


@dataclass(frozen=True, kw_only=True)
class AwsImageLookup:
    """The newest image matching an owner and a name pattern (opt-in).

    NOTE: the lookup runs on every ``pulumi preview``/``up``. When the vendor publishes a
    newer image, the build hash changes and the whole chain rebakes. Pin an AMI id for
    reproducible builds; use a lookup to follow the vendor deliberately.
    """

    owners: Sequence[str]
    """Account ids or aliases (``amazon``, ``aws-marketplace``) that may own the image."""
    name_pattern: str
    """Image name filter, with ``*`` wildcards, e.g.
    ``ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*``."""
    architecture: str = "x86_64"
    """``x86_64`` or ``arm64``. Default: x86_64."""

    def validate(self, check: Check, field_name: str) -> None:
        owners = check.non_empty_list(f"{field_name}.owners", self.owners)
        for i, owner in enumerate(owners):
            if not isinstance(owner, str) or not (
                (owner.isdigit() and len(owner) == 12)
                or owner in ("amazon", "aws-marketplace", "self")
            ):
                check.fail(
                    f"{field_name}.owners[{i}]",
                    owner,
                    "a 12-digit account id, 'amazon', 'aws-marketplace' or 'self'",
                )
        check.non_empty_str(f"{field_name}.name_pattern", self.name_pattern)
        check.one_of(f"{field_name}.architecture", self.architecture, ("x86_64", "arm64"))

    def resolve(self, region: str | None) -> str:
        """The AMI id, looked up now (the engine runs invokes during previews too)."""
        result = aws.ec2.get_ami(
            most_recent=True,
            owners=list(self.owners),
            filters=[
                {"name": "name", "values": [self.name_pattern]},
                {"name": "architecture", "values": [self.architecture]},
                {"name": "state", "values": ["available"]},
                {"name": "root-device-type", "values": ["ebs"]},
                {"name": "virtualization-type", "values": ["hvm"]},
            ],
            region=region,
        )
        return result.id


AwsSource = str | pulumi.Output | GoldenImage | AwsImageLookup


@dataclass(frozen=True, kw_only=True)
class AwsBuilder:
    """Bake on EC2: a builder instance in a subnet, snapshotted into an AMI."""

    source: AwsSource
    """The image the builder boots from: an AMI id (``ami-...``), another
    :class:`GoldenImage` (layering: its build hash becomes part of this one), or an
    :class:`AwsImageLookup` (opt-in; rebakes whenever the vendor publishes)."""
    subnet_id: pulumi.Input[str]
    """The subnet the builder runs in. The machine running Pulumi must reach the builder
    on port 22 there (public IP, VPN or peering)."""
    ssh_cidrs: Sequence[str]
    """CIDR blocks allowed to reach the builder on port 22: the address of the machine
    running Pulumi. Nothing else may connect."""
    ssh_user: str = "ec2-user"
    """The login user of the source image (Amazon Linux: ``ec2-user``, Ubuntu:
    ``ubuntu``, Debian: ``admin``). Default: ``ec2-user``."""
    instance_type: str = "t3.micro"
    """Builder instance type. Its architecture must match the source image. Default:
    ``t3.micro``."""
    associate_public_ip: bool = False
    """Give the builder a public IP and connect to it; otherwise connect to its private
    IP. Default: no public IP."""
    volume_size_gib: int | None = None
    """Root volume size. Default: the source image's size."""
    volume_type: str = "gp3"
    """Root volume type: gp3, gp2, io1, io2 or standard. Default: gp3."""
    encrypted: bool = True
    """Encrypt the root volume, and so the image's snapshots. Default: encrypted."""
    kms_key_id: str | None = None
    """KMS key for the encryption. Default: the account's default EBS key."""
    iam_instance_profile: pulumi.Input[str] | None = None
    """An instance profile for the builder (e.g. to read artifacts from S3). Default:
    none."""
    region: str | None = None
    """Region to bake in. Default: the AWS provider's region."""
    ssh_timeout_minutes: int = 10
    """How long to keep dialling SSH while the builder boots (1-60). Default: 10."""
    snapshot_timeout_minutes: int = 120
    """Create timeout of the AMI; large volumes outlast AWS's default 40 minutes
    (10-1440). Default: 120."""
    tags: dict[str, str] = field(default_factory=dict)
    """Extra tags for the builder's resources (not the image). Default: none."""
    egress_cidrs: Sequence[str] = ("0.0.0.0/0", "::/0")
    """Where the builder may connect (package mirrors, artifact stores). Default: anywhere,
    but only on ``egress_tcp_ports`` and ``egress_udp_ports``."""
    egress_tcp_ports: Sequence[int] = _egress.TCP_PORTS
    """TCP ports the builder may connect to. Default: DNS, HTTP and HTTPS."""
    egress_udp_ports: Sequence[int] = _egress.UDP_PORTS
    """UDP ports the builder may connect to. Default: DNS."""
    distribution: AwsDistribution | None = None
    """Copies to other regions and launch permissions for other accounts, created after
    the image passes its test. Not part of the build hash. Default: the AMI stays in the
    bake region, private to this account."""

    cloud = "aws"

    # -- validation -------------------------------------------------------------------

    def validate(self, check: Check) -> None:
        src = self.source
        if isinstance(src, AwsImageLookup):
            src.validate(check, "builder.source")
        elif isinstance(src, GoldenImage):
            if not isinstance(src.builder_cloud, str) or src.builder_cloud != "aws":
                check.fail("builder.source", src, "a GoldenImage baked on AWS")
        elif isinstance(src, str):
            check.ami_id("builder.source", src)
        elif not is_unknown(src):
            check.fail(
                "builder.source",
                src,
                "an AMI id, a GoldenImage, an AwsImageLookup or a pulumi.Output of an AMI id",
            )
        if self.subnet_id is None or (isinstance(self.subnet_id, str) and not self.subnet_id):
            check.fail("builder.subnet_id", self.subnet_id, "a subnet id such as 'subnet-0abc...'")
        check.subnet_id("builder.subnet_id", self.subnet_id)
        cidrs = check.non_empty_list("builder.ssh_cidrs", self.ssh_cidrs)
        for i, cidr in enumerate(cidrs):
            check.cidr(f"builder.ssh_cidrs[{i}]", cidr)
        check.non_empty_str("builder.ssh_user", self.ssh_user)
        check.instance_type("builder.instance_type", self.instance_type)
        if self.volume_size_gib is not None:
            check.int_range("builder.volume_size_gib", self.volume_size_gib, 1, 16384)
        check.one_of("builder.volume_type", self.volume_type, VOLUME_TYPES)
        if self.kms_key_id is not None:
            check.kms_key("builder.kms_key_id", self.kms_key_id)
            if not self.encrypted:
                check.fail("builder.kms_key_id", self.kms_key_id, "no KMS key when encrypted=False")
        if self.region is not None:
            check.aws_region("builder.region", self.region)
        check.int_range("builder.ssh_timeout_minutes", self.ssh_timeout_minutes, 1, 60)
        check.int_range("builder.snapshot_timeout_minutes", self.snapshot_timeout_minutes, 10, 1440)
        check.string_map("builder.tags", self.tags)
        _egress.validate(check, self.egress_cidrs, self.egress_tcp_ports, self.egress_udp_ports)
        if self.distribution is not None:
            if not isinstance(self.distribution, AwsDistribution):
                check.fail("builder.distribution", self.distribution, "an AwsDistribution or None")
            self.distribution.validate(check, self.region)
        for key in self.tags:
            if not TAG_KEY.match(key) or key.lower().startswith("aws:"):
                check.fail("builder.tags key", key, "1-128 characters, not starting with 'aws:'")

    # -- source -----------------------------------------------------------------------

    def _source_id(self) -> pulumi.Input[str]:
        src = self.source
        if isinstance(src, GoldenImage):
            return src.image_id
        if isinstance(src, AwsImageLookup):
            return self._resolved_lookup()
        return src

    def _resolved_lookup(self) -> str:
        # Resolved once per program run (a builder may serve several GoldenImages).
        lookup = self.source
        if not isinstance(lookup, AwsImageLookup):  # pragma: no cover - guarded
            raise TypeError("source is not a lookup")
        return per_program(self, "source", lambda: lookup.resolve(self.region))

    def source_key(self) -> str | pulumi.Output[str]:
        src = self.source
        if isinstance(src, GoldenImage):
            parent_hash = src.build_hash_value
            if isinstance(parent_hash, str):
                return f"golden-image:{parent_hash}"
            return parent_hash.apply(lambda h: f"golden-image:{h}")
        source_id = self._source_id()
        if isinstance(source_id, str):
            return f"aws-ami:{source_id}"
        return pulumi.Output.from_input(source_id).apply(lambda i: f"aws-ami:{i}")  # type: ignore[arg-type]

    def source_label(self) -> pulumi.Input[str]:
        return self._source_id()

    def parent(self) -> GoldenImage | None:
        return self.source if isinstance(self.source, GoldenImage) else None

    def validate_machine_size(self, check: Check, field: str, value: Any) -> None:
        check.instance_type(field, value)

    def hash_settings(self) -> dict[str, Any]:
        return {
            "cloud": "aws",
            "instance_type": self.instance_type,
            "volume_size_gib": self.volume_size_gib,
            "volume_type": self.volume_type,
            "encrypted": self.encrypted,
            "kms_key_id": self.kms_key_id,
        }

    def bake_scope(self) -> str:
        return self.region or ""

    # -- resources --------------------------------------------------------------------

    def bake(self, component: GoldenImage, name: str, plan: BakePlan) -> BakeResult:
        regional: dict[str, Any] = {"region": self.region} if self.region else {}
        invoke = pulumi.InvokeOptions(parent=component)
        region = aws.get_region_output(opts=invoke, **regional).region
        own_test = plan.test.digest() if plan.test else ""
        found: Any
        if plan.sibling is not None and plan.sibling.test_digest != own_test and own_test:
            # Another GoldenImage bakes this build with another test (or none): run this
            # one's test on that image before publishing it.
            origin, found = "test", plan.sibling.image_id
        elif plan.sibling is not None:
            sibling = plan.sibling
            copies, channel = aws_distribution.publish(
                self,
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
                copy_regions=self._copy_regions(),
                previous=aws_distribution.previous_build(component, plan, self.region, None),
            )
        else:
            origin, found = aws_distribution.existing_image(component, plan, self.region)
        gate: pulumi.Resource | None = None
        if origin == "reuse":
            image_id: pulumi.Input[str] = str(found)
        else:
            bakery = self._bakery(component, name, plan, regional)
            image_id = found if found else self._bake_image(component, name, plan, regional, bakery)
            gate = aws_distribution.test_image(
                self,
                component,
                name,
                plan,
                image_id=image_id,
                key_name=bakery.key_pair.key_name,
                security_group_id=bakery.security_group.id,
                private_key=bakery.key.private_key_openssh,
                regional=regional,
            )
        published = aws_distribution.passed(image_id, gate)
        copies, channel = aws_distribution.publish(
            self,
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
            copy_regions=self._copy_regions(),
            previous=aws_distribution.previous_build(
                component, plan, self.region, found if isinstance(found, str) else None
            ),
        )

    def _copy_regions(self) -> tuple[str, ...]:
        return tuple(self.distribution.regions) if self.distribution else ()

    def _bakery(
        self, component: GoldenImage, name: str, plan: BakePlan, regional: dict[str, Any]
    ) -> _Bakery:
        """The key and security group the builder and the test instance share."""
        child = pulumi.ResourceOptions(parent=component)
        tags = {**self.tags, "ManagedBy": str(plan.provenance["ManagedBy"])}
        key = tls.PrivateKey(f"{name}-ssh-key", algorithm="ED25519", opts=child)
        key_pair = aws.ec2.KeyPair(
            f"{name}-key-pair",
            public_key=key.public_key_openssh,
            tags={**tags, "Name": f"{name}-builder"},
            opts=child,
            **regional,
        )
        subnet = aws.ec2.get_subnet_output(
            id=self.subnet_id, opts=pulumi.InvokeOptions(parent=component), **regional
        )
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
                    cidr_blocks=[c for c in self.ssh_cidrs if ":" not in c],
                    ipv6_cidr_blocks=[c for c in self.ssh_cidrs if ":" in c],
                )
            ],
            egress=self._egress(),
            tags={**tags, "Name": f"{name}-builder"},
            opts=child,
            **regional,
        )
        return _Bakery(key, key_pair, security_group, tags)

    def _egress(self) -> list[aws.ec2.SecurityGroupEgressArgs]:
        """What a bake needs: the given TCP and UDP ports (HTTP, HTTPS, DNS by default) to
        ``egress_cidrs``; no all-protocol rule. (Traffic to the VPC's own DNS resolver and
        the instance metadata service is not filtered by security groups.)"""
        v4 = [c for c in self.egress_cidrs if ":" not in c]
        v6 = [c for c in self.egress_cidrs if ":" in c]
        return [
            aws.ec2.SecurityGroupEgressArgs(
                description=f"Bake: {protocol}/{port}",
                protocol=protocol,
                from_port=port,
                to_port=port,
                cidr_blocks=v4,
                ipv6_cidr_blocks=v6,
            )
            for protocol, ports in _egress.rules(self.egress_tcp_ports, self.egress_udp_ports)
            for port in ports
        ]

    def _bake_image(
        self,
        component: GoldenImage,
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
            ami=self._source_id(),
            instance_type=self.instance_type,
            subnet_id=self.subnet_id,
            vpc_security_group_ids=[bakery.security_group.id],
            key_name=bakery.key_pair.key_name,
            associate_public_ip_address=self.associate_public_ip,
            iam_instance_profile=self.iam_instance_profile,
            metadata_options=aws.ec2.InstanceMetadataOptionsArgs(
                http_endpoint="enabled",
                http_tokens="required",
                http_put_response_hop_limit=1,
            ),
            root_block_device=aws.ec2.InstanceRootBlockDeviceArgs(
                encrypted=self.encrypted,
                kms_key_id=self.kms_key_id,
                volume_type=self.volume_type,
                volume_size=self.volume_size_gib,
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
        host = builder.public_ip if self.associate_public_ip else builder.private_ip
        conn = _remote.connection(
            host, self.ssh_user, bakery.key.private_key_openssh, self.ssh_timeout_minutes
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
            opts=pulumi.ResourceOptions(
                parent=component, depends_on=[cleared], deleted_with=builder
            ),
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
                    create=f"{self.snapshot_timeout_minutes}m",
                    delete=f"{self.snapshot_timeout_minutes}m",
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
