"""Inputs of :class:`~immutable_components.release.aws.LaunchTemplateRelease`, and their checks."""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from .._validate import Check, is_unknown
from ..golden_image import GoldenImage
from .boot_config import USER_DATA_MAX_BASE64, BootConfig, validate_boot_config
from .preferences import RefreshPreferences

__all__ = ["EbsVolume", "InstanceMaintenancePolicy", "LaunchTemplateReleaseArgs"]

VOLUME_TYPES = ("gp3", "gp2", "io1", "io2", "st1", "sc1", "standard")
DEVICE_NAME = re.compile(r"^/dev/(sd[b-z]|xvd[b-z][a-z]?)$")
ROOT_DEVICE = re.compile(r"^/dev/[a-z0-9]+$")
DURATION = re.compile(r"^(0|\d+[smh](\d+[sm])?(\d+s)?)$")
LAUNCH_TEMPLATE_FIELDS = frozenset(inspect.signature(aws.ec2.LaunchTemplateArgs).parameters)
# Fields the component owns: overriding them would rename (replace) the template or unpin it.
OWNED_FIELDS = frozenset({"name", "name_prefix", "update_default_version", "default_version"})

MAX_INSTANCE_TYPES = 40
"""Overrides a mixed instances policy takes (AWS's limit)."""


@dataclass(frozen=True, kw_only=True)
class EbsVolume:
    """An extra EBS volume on every instance (always encrypted, deleted with the instance)."""

    device_name: str
    """Where it appears, e.g. ``/dev/sdf`` or ``/dev/xvdf``."""
    size_gib: int
    """Size in GiB, 1 to 16384."""
    volume_type: str = "gp3"
    """gp3, gp2, io1, io2, st1, sc1 or standard. Default: gp3."""
    iops: int | None = None
    """Provisioned IOPS (gp3, io1, io2 only). Default: the volume type's baseline."""
    throughput: int | None = None
    """Throughput in MiB/s, 125 to 1000 (gp3 only). Default: 125."""


@dataclass(frozen=True, kw_only=True)
class InstanceMaintenancePolicy:
    """How the group replaces instances (health checks, rebalancing, refreshes without their
    own preferences): the share of desired capacity kept healthy and the most it may reach."""

    min_healthy_percentage: int = 100
    """0 to 100. Default: 100, never below desired capacity while replacing."""
    max_healthy_percentage: int = 110
    """100 to 200, at most 100 above the minimum. Default: 110, launch before terminating."""


@dataclass(frozen=True, kw_only=True)
class LaunchTemplateReleaseArgs:
    """Inputs of :class:`~immutable_components.LaunchTemplateRelease`.

    Every value is checked when the component is constructed (unknown Outputs are skipped);
    a bad one raises ``ComponentInputError`` naming the field.
    """

    image: GoldenImage | pulumi.Input[str]
    """The image to release: a :class:`~immutable_components.GoldenImage` (its ``image_id``,
    and its ``build_hash`` as the ``ImageBuildHash`` tag) or an AMI id / Output of one."""
    subnet_ids: Sequence[pulumi.Input[str]]
    """Subnets the fleet runs in (the group's ``vpc_zone_identifiers``), one or more, usually
    private ones in several availability zones. Instances never get a public IP."""
    instance_type: str | Sequence[str] = "t3.micro"
    """An instance type, or a list of types in order of preference: a list of two or more
    gives the group a mixed instances policy (all On-Demand, first type preferred).
    Default: ``t3.micro``."""
    security_group_ids: Sequence[pulumi.Input[str]] = ()
    """Security groups of the instances. Default: a new group in the subnets' VPC with no
    inbound rules and all outbound traffic (secrets and packages are fetched over HTTPS)."""
    vpc_id: pulumi.Input[str] | None = None
    """The VPC for the default security group. Default: looked up from the first subnet
    (only when no ``security_group_ids`` are given)."""
    min_size: int = 1
    """Fewest instances, >= 0. Default: 1."""
    max_size: int = 2
    """Most instances, >= ``min_size``; 0 is an empty fleet. Default: 2."""
    desired_capacity: int | None = None
    """Instances at creation, between ``min_size`` and ``max_size``. It is under
    ``ignore_changes``: after creation, scaling policies own it and ``pulumi up`` never resets
    it. Default: ``min_size``."""
    version: str | None = None
    """A release label, tagged ``Version`` on the template, its instances and volumes.
    Default: no version tag."""
    image_build_hash: pulumi.Input[str] | None = None
    """The image's build hash, tagged ``ImageBuildHash`` on instances and volumes. Default:
    the GoldenImage's ``build_hash`` when ``image`` is one, else no tag."""
    settings: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Plain settings written to the env file at boot (``NAME=value``). They are visible in
    user data: never put a secret here. Default: none."""
    secrets: Mapping[str, str] = field(default_factory=dict)
    """Environment variable name -> secret reference: ``ssm:/path/name`` (SSM parameter,
    decrypted) or ``secretsmanager:<name or ARN>`` (its SecretString). Fetched at boot with the
    instance role, which may read exactly these. Default: none."""
    secrets_kms_key_arn: str | None = None
    """A customer managed KMS key that encrypts the referenced parameters or secrets: the
    role may then ``kms:Decrypt`` with it, via SSM and Secrets Manager only. Default: no KMS
    permission (AWS managed keys need none)."""
    env_file: str = "/etc/immutable/app.env"
    """Where the settings are written, mode 0600, root-owned; read it with systemd's
    ``EnvironmentFile=``. Default: ``/etc/immutable/app.env``."""
    restart_services: Sequence[str] = ()
    """systemd units restarted once the env file is written, so they read it. Default: none
    (a unit started before user data ran keeps its old environment)."""
    instance_profile_name: pulumi.Input[str] | None = None
    """An existing instance profile. Then no role is created, and that role must be allowed
    to read the ``secrets``. Default: a new role (EC2 trust, exactly the secrets) and profile."""
    role_policy_arns: Sequence[pulumi.Input[str]] = ()
    """Managed policies attached to the new role, e.g. AmazonSSMManagedInstanceCore for
    Session Manager. Default: none."""
    root_volume_size_gib: int | None = None
    """Root volume size, 1 to 16384 GiB. Default: the image's size."""
    root_volume_type: str = "gp3"
    """gp3, gp2, io1, io2, st1, sc1 or standard. Default: gp3."""
    root_volume_iops: int | None = None
    """Provisioned IOPS (gp3, io1, io2). Default: the volume type's baseline."""
    root_volume_throughput: int | None = None
    """MiB/s, 125 to 1000 (gp3). Default: 125."""
    root_device_name: str | None = None
    """The image's root device, e.g. ``/dev/xvda`` (Amazon Linux) or ``/dev/sda1`` (Ubuntu).
    Default: looked up from the image (``aws.ec2.get_ami``)."""
    ebs_kms_key_id: str | None = None
    """KMS key for the volumes' encryption. Default: the account's default EBS key. Volumes
    are always encrypted."""
    extra_volumes: Sequence[EbsVolume] = ()
    """More encrypted EBS volumes. Default: none."""
    detailed_monitoring: bool = False
    """One-minute CloudWatch metrics (billed). Default: five-minute basic monitoring."""
    target_group_arns: Sequence[pulumi.Input[str]] = ()
    """Load balancer target groups the instances register with. With any, the group's
    health check type is ELB. Default: none, EC2 status checks only."""
    health_check_type: str | None = None
    """``EC2`` or ``ELB``. Default: ELB with target groups, EC2 without."""
    health_check_grace_period: int = 300
    """Seconds after launch before health checks count, >= 0. Default: 300."""
    default_instance_warmup: int | None = None
    """Seconds before a new instance's metrics count, >= 0. Default: not set (the grace
    period applies)."""
    wait_for_elb_capacity: int | None = None
    """On create and on every update of the group, wait for exactly this many healthy
    instances in the target groups (overrides ``min_elb_capacity``). NOTE: the AWS provider
    waits on update only when min/desired change, and then for *exactly* this many: no
    health gate for a cutover (BlueGreenService has its own, ``{name}-{colour}-gate``).
    Default: no wait on load balancer health."""
    min_elb_capacity: int | None = None
    """On create, wait for at least this many healthy instances in the target groups.
    Default: no wait on load balancer health."""
    wait_for_capacity_timeout: str = "10m"
    """How long create waits for capacity (``"0"`` disables waiting). Default: ``10m``."""
    instance_maintenance_policy: InstanceMaintenancePolicy | None = None
    """Healthy-capacity bounds while the group replaces instances. Default: none set
    (AWS terminates, then launches; refreshes use their own preferences)."""
    refresh: RefreshPreferences = field(default_factory=RefreshPreferences)
    """How a release replaces instances (see ``RefreshPreferences``). Default: 90 % kept
    healthy, skip matching, auto rollback."""
    refresh_timeout_minutes: int = 60
    """How long ``pulumi up`` waits for a rollout before it fails. Default: 60."""
    refresh_role_arn: pulumi.Input[str] | None = None
    """A role the rollout assumes to call Auto Scaling, after the ``aws`` provider's own
    role chain. Default: none, the rollout acts as the group's ``aws`` provider (the stack's
    ``aws:`` config, or an explicit provider's region, profile and roles)."""
    region: str | None = None
    """The region of every resource. Default: the ``aws`` provider's region."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags on every resource, and on instances and volumes. Default: none."""
    launch_template_overrides: Mapping[str, Any] = field(default_factory=dict)
    """The escape hatch: raw ``aws.ec2.LaunchTemplate`` arguments (snake_case), merged last,
    a key replacing the component's value whole (e.g. ``{"ebs_optimized": "true"}``). Every
    change here is a new template version, i.e. a release. The component's secure defaults
    (IMDSv2, no public IP, encrypted volumes) are yours to keep when you override them.
    ``name``, ``name_prefix``, ``update_default_version`` and ``default_version`` are refused.
    Default: none."""

    # ----------------------------------------------------------------------------------
    def instance_types(self) -> list[str]:
        types = self.instance_type
        return [types] if isinstance(types, str) else list(types)

    def validate(self, check: Check) -> BootConfig:
        """Raise ComponentInputError for the first bad input; return the boot config."""
        image = self.image
        if not isinstance(image, GoldenImage):
            if image is None:
                check.fail("image", image, "a GoldenImage or an AMI id")
            check.ami_id("image", image)
        types = self.instance_type
        if not isinstance(types, str) and (
            not isinstance(types, Sequence) or not types or len(set(types)) != len(types)
        ):
            check.fail("instance_type", types, "an instance type, or a list of distinct ones")
        if not isinstance(types, str) and len(types) > MAX_INSTANCE_TYPES:
            check.fail(
                "instance_type",
                types,
                f"at most {MAX_INSTANCE_TYPES} types (a mixed instances policy's overrides)",
            )
        for index, item in enumerate(self.instance_types()):
            label = "instance_type" if isinstance(types, str) else f"instance_type[{index}]"
            check.instance_type(label, item)
        for index, subnet in enumerate(check.non_empty_list("subnet_ids", self.subnet_ids)):
            check.subnet_id(f"subnet_ids[{index}]", subnet)
        _list(check, "security_group_ids", self.security_group_ids)
        for index, group in enumerate(self.security_group_ids):
            check.security_group_id(f"security_group_ids[{index}]", group)
        if self.vpc_id is not None:
            check.vpc_id("vpc_id", self.vpc_id)
        self._validate_sizes(check)
        for label in ("version", "image_build_hash"):
            value = getattr(self, label)
            if value is not None:
                check.non_empty_str(label, value)
        self._validate_volumes(check)
        for label in ("detailed_monitoring",):
            if not isinstance(getattr(self, label), bool):
                check.fail(label, getattr(self, label), "True or False")
        _list(check, "target_group_arns", self.target_group_arns)
        for index, arn in enumerate(self.target_group_arns):
            check.arn(f"target_group_arns[{index}]", arn, service="elasticloadbalancing")
        _list(check, "role_policy_arns", self.role_policy_arns)
        for index, arn in enumerate(self.role_policy_arns):
            check.arn(f"role_policy_arns[{index}]", arn, service="iam")
        if self.instance_profile_name is not None:
            check.non_empty_str("instance_profile_name", self.instance_profile_name)
            if self.role_policy_arns:
                check.fail(
                    "role_policy_arns",
                    self.role_policy_arns,
                    "none when `instance_profile_name` is given (no role is created)",
                )
        self._validate_health(check)
        self._validate_maintenance(check)
        self.refresh.validate(check, "refresh")
        check.int_range("refresh_timeout_minutes", self.refresh_timeout_minutes, 1)
        if self.refresh_role_arn is not None:
            check.arn("refresh_role_arn", self.refresh_role_arn, service="iam")
        if self.region is not None:
            check.aws_region("region", self.region)
        check.string_map("tags", dict(self.tags) if isinstance(self.tags, Mapping) else self.tags)
        self._validate_overrides(check)
        if self.secrets_kms_key_arn is not None:
            check.arn("secrets_kms_key_arn", self.secrets_kms_key_arn, service="kms")
            if ":key/" not in self.secrets_kms_key_arn:
                check.fail(
                    "secrets_kms_key_arn",
                    self.secrets_kms_key_arn,
                    "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)",
                )
        max_b64 = None if "user_data" in self.launch_template_overrides else USER_DATA_MAX_BASE64
        return validate_boot_config(
            check,
            self.settings,
            self.secrets,
            self.env_file,
            self.restart_services,
            max_base64=max_b64,
        )

    def _validate_sizes(self, check: Check) -> None:
        check.int_range("min_size", self.min_size, 0)
        # max_size 0 is an empty fleet: a retired blue/green colour, a scale-to-zero.
        check.int_range("max_size", self.max_size, 0)
        if self.min_size > self.max_size:
            check.fail("min_size", self.min_size, f"<= max_size ({self.max_size})")
        if self.desired_capacity is not None:
            check.int_range("desired_capacity", self.desired_capacity, self.min_size, self.max_size)

    def _validate_volumes(self, check: Check) -> None:
        _volume(
            check,
            "root_volume",
            self.root_volume_type,
            self.root_volume_size_gib,
            self.root_volume_iops,
            self.root_volume_throughput,
        )
        if self.root_device_name is not None:
            check.matches(
                "root_device_name",
                self.root_device_name,
                ROOT_DEVICE,
                "a device name such as '/dev/xvda'",
            )
        if self.ebs_kms_key_id is not None:
            check.kms_key("ebs_kms_key_id", self.ebs_kms_key_id)
        _list(check, "extra_volumes", self.extra_volumes)
        seen: set[str] = set()
        for index, volume in enumerate(self.extra_volumes):
            label = f"extra_volumes[{index}]"
            if not isinstance(volume, EbsVolume):
                check.fail(label, volume, "an EbsVolume(...)")
            check.matches(
                f"{label}.device_name",
                volume.device_name,
                DEVICE_NAME,
                "a device name such as '/dev/sdf' or '/dev/xvdf'",
            )
            if volume.device_name in seen or volume.device_name == self.root_device_name:
                check.fail(f"{label}.device_name", volume.device_name, "a device not used yet")
            seen.add(volume.device_name)
            if volume.size_gib is None:
                check.fail(f"{label}.size_gib", None, "a size in GiB")
            _volume(
                check,
                label,
                volume.volume_type,
                volume.size_gib,
                volume.iops,
                volume.throughput,
                prefix=".",
            )

    def _validate_health(self, check: Check) -> None:
        if self.health_check_type is not None:
            check.one_of("health_check_type", self.health_check_type, ("EC2", "ELB"))
            if self.health_check_type == "ELB" and not self.target_group_arns:
                check.fail("health_check_type", "ELB", "'EC2' when no target groups are given")
        check.int_range("health_check_grace_period", self.health_check_grace_period, 0)
        if self.default_instance_warmup is not None:
            check.int_range("default_instance_warmup", self.default_instance_warmup, 0)
        for label in ("wait_for_elb_capacity", "min_elb_capacity"):
            value = getattr(self, label)
            if value is None:
                continue
            check.int_range(label, value, 0, self.max_size)
            if not self.target_group_arns:
                check.fail(label, value, "None unless `target_group_arns` are given")
        check.matches(
            "wait_for_capacity_timeout",
            self.wait_for_capacity_timeout,
            DURATION,
            "a duration such as '10m' or '0'",
        )

    def _validate_maintenance(self, check: Check) -> None:
        policy = self.instance_maintenance_policy
        if policy is None:
            return
        if not isinstance(policy, InstanceMaintenancePolicy):
            check.fail("instance_maintenance_policy", policy, "an InstanceMaintenancePolicy")
        low, high = policy.min_healthy_percentage, policy.max_healthy_percentage
        check.int_range("instance_maintenance_policy.min_healthy_percentage", low, 0, 100)
        check.int_range("instance_maintenance_policy.max_healthy_percentage", high, 100, 200)
        if high - low > 100:
            check.fail(
                "instance_maintenance_policy.max_healthy_percentage",
                high,
                f"at most 100 above min_healthy_percentage ({low})",
            )

    def _validate_overrides(self, check: Check) -> None:
        overrides = self.launch_template_overrides
        if not isinstance(overrides, Mapping):
            check.fail("launch_template_overrides", overrides, "a mapping of LaunchTemplate args")
        for key in overrides:
            if key in OWNED_FIELDS:
                check.fail(
                    f"launch_template_overrides[{key!r}]",
                    overrides[key],
                    "no value: the component owns the template's name and versions",
                )
            if key not in LAUNCH_TEMPLATE_FIELDS:
                check.fail(
                    "launch_template_overrides key",
                    key,
                    "an aws.ec2.LaunchTemplate argument name (snake_case)",
                )


def _list(check: Check, label: str, value: Any) -> None:
    if is_unknown(value):
        return
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        check.fail(label, value, "a list")


def _volume(
    check: Check,
    label: str,
    volume_type: Any,
    size: Any,
    iops: Any,
    throughput: Any,
    prefix: str = "_",
) -> None:
    def at(name: str) -> str:
        return f"{label}{prefix}{name}"

    check.one_of(at("type") if prefix == "_" else at("volume_type"), volume_type, VOLUME_TYPES)
    if size is not None:
        check.int_range(at("size_gib"), size, 1, 16384)
    if iops is not None:
        if volume_type not in ("gp3", "io1", "io2"):
            check.fail(at("iops"), iops, "None unless the volume type is gp3, io1 or io2")
        check.int_range(at("iops"), iops, 100, 256000)
    if throughput is not None:
        if volume_type != "gp3":
            check.fail(at("throughput"), throughput, "None unless the volume type is gp3")
        check.int_range(at("throughput"), throughput, 125, 1000)
