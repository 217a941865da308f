"""Inputs of the three releases (pure data records), and their checks.

:class:`LaunchTemplateReleaseArgs` (AWS), :class:`GcpInstanceGroupReleaseArgs` and
:class:`AzureScaleSetReleaseArgs`, with the records inside them (:class:`EbsVolume`,
:class:`InstanceMaintenancePolicy`, and :class:`~.preferences.RefreshPreferences`). The
records are what Pulumi's component analyzer publishes as the schema; the checks are
functions (``validate_*``, taking ``(check, args)``) run by each component after
:func:`~immutable_components._records.build`, so a provider's dict and a Python record are
checked alike. No cloud SDK is imported here.
"""

import functools
import inspect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi

from .._constants import MAX_INSTANCE_TYPES
from .._patterns import DURATION, ISO_DURATION
from .._records import Defaulted, Record
from .._validate import Check, is_unknown
from .boot_config import USER_DATA_MAX_BASE64, BootConfig, validate_boot_config
from .preferences import RefreshPreferences, validate_preferences

__all__ = [
    "AzureScaleSetReleaseArgs",
    "EbsVolume",
    "GcpInstanceGroupReleaseArgs",
    "InstanceMaintenancePolicy",
    "LaunchTemplateReleaseArgs",
    "instance_types",
    "launch_template_fields",
    "validate_azure_release",
    "validate_gcp_release",
    "validate_launch_template_release",
]

DEVICE_NAME = re.compile(r"^/dev/(sd[b-z]|xvd[b-z][a-z]?)$")
ROOT_DEVICE = re.compile(r"^/dev/[a-z0-9]+$")
# Fields the component owns: overriding them would rename (replace) the template or unpin it.
OWNED_FIELDS = frozenset({"name", "name_prefix", "update_default_version", "default_version"})


@dataclass(frozen=True)
class VolumeLimits:
    """What EC2 accepts for one volume type (``LaunchTemplateEbsBlockDeviceRequest`` in the
    botocore ``ec2`` model, and the EBS user guide for the IOPS-per-GiB ratios)."""

    size: tuple[int, int]
    iops: tuple[int, int] | None = None
    """None: no provisioned IOPS for this type."""
    iops_per_gib: int | None = None
    iops_required: bool = False
    throughput: tuple[int, int] | None = None
    """None: no provisioned throughput for this type."""


#: Volume type -> limits. gp3's since September 2025: 64 TiB, 80,000 IOPS, 2,000 MiB/s.
VOLUME_LIMITS: Mapping[str, VolumeLimits] = {
    "gp3": VolumeLimits(
        size=(1, 65536), iops=(3000, 80000), iops_per_gib=500, throughput=(125, 2000)
    ),
    "gp2": VolumeLimits(size=(1, 16384)),
    "io1": VolumeLimits(size=(4, 16384), iops=(100, 64000), iops_per_gib=50, iops_required=True),
    "io2": VolumeLimits(size=(4, 65536), iops=(100, 256000), iops_per_gib=1000, iops_required=True),
    "st1": VolumeLimits(size=(125, 16384)),
    "sc1": VolumeLimits(size=(125, 16384)),
    "standard": VolumeLimits(size=(1, 1024)),
}
VOLUME_TYPES = tuple(VOLUME_LIMITS)
#: gp3: at most 0.25 MiB/s of throughput per provisioned IOPS (3,000 IOPS: 750 MiB/s).
GP3_THROUGHPUT_PER_IOPS = 0.25
GP3_BASELINE_IOPS = 3000


@dataclass(frozen=True, kw_only=True)
class EbsVolume(Record):
    """An extra EBS volume on every instance (always encrypted, deleted with the instance)."""

    device_name: str
    """Where it appears, e.g. ``/dev/sdf`` or ``/dev/xvdf``."""
    size_gib: int
    """Size in GiB: gp2 1-16384, gp3 1-65536, io1 4-16384, io2 4-65536, st1/sc1 125-16384,
    standard 1-1024."""
    volume_type: Defaulted[str] = "gp3"
    """gp3, gp2, io1, io2, st1, sc1 or standard. Default: gp3."""
    iops: int | None = None
    """Provisioned IOPS: gp3 3000-80000 (500 per GiB), io1 100-64000 (50 per GiB, required),
    io2 100-256000 (1000 per GiB, required); no other type takes IOPS. Default: gp3's
    baseline, 3000."""
    throughput: int | None = None
    """Throughput in MiB/s, 125 to 2000 and at most a quarter of the IOPS (gp3 only).
    Default: 125."""


@dataclass(frozen=True, kw_only=True)
class InstanceMaintenancePolicy(Record):
    """How the group replaces instances (health checks, rebalancing, refreshes without their
    own preferences): the share of desired capacity kept healthy and the most it may reach."""

    min_healthy_percentage: Defaulted[int] = 100
    """0 to 100. Default: 100, never below desired capacity while replacing."""
    max_healthy_percentage: Defaulted[int] = 110
    """100 to 200, at most 100 above the minimum. Default: 110, launch before terminating."""


@dataclass(frozen=True, kw_only=True)
class LaunchTemplateReleaseArgs(Record):
    """Inputs of :class:`~immutable_components.LaunchTemplateRelease`.

    Every value is checked when the component is constructed (unknown Outputs are skipped);
    a bad one raises ``ComponentInputError`` naming the field.
    """

    image_id: pulumi.Input[str]
    """The AMI to release, e.g. a GoldenImage's ``image_id`` (an Output) or ``ami-...``."""
    subnet_ids: Sequence[pulumi.Input[str]]
    """Subnets the fleet runs in (the group's ``vpc_zone_identifiers``), one or more, usually
    private ones in several availability zones. Instances never get a public IP."""
    image_build_hash: pulumi.Input[str] | None = None
    """The image's build hash (a GoldenImage's ``build_hash``), tagged ``ImageBuildHash`` on
    the template, instances and volumes. Default: no tag."""
    instance_type: Defaulted[str] = "t3.micro"
    """The instance type of a fleet of one type. Default: ``t3.micro``."""
    instance_types: Sequence[str] | None = None
    """Instance types in order of preference, instead of ``instance_type``: two or more (at
    most 40) give the group a mixed instances policy (all On-Demand, first type preferred);
    a list of one is that type alone. Not together with ``instance_type``. Default: one
    type, ``instance_type``."""
    security_group_ids: Defaulted[Sequence[pulumi.Input[str]]] = ()
    """Security groups of the instances. Default: a new group in the subnets' VPC with no
    inbound rules and all outbound traffic (secrets and packages are fetched over HTTPS)."""
    vpc_id: pulumi.Input[str] | None = None
    """The VPC for the default security group. Default: looked up from the first subnet
    (only when no ``security_group_ids`` are given)."""
    min_size: Defaulted[int] = 1
    """Fewest instances, >= 0. Default: 1."""
    max_size: Defaulted[int] = 2
    """Most instances, >= ``min_size``; 0 is an empty fleet. Default: 2."""
    desired_capacity: int | None = None
    """Instances at creation, between ``min_size`` and ``max_size``. It is under
    ``ignore_changes``: after creation, scaling policies own it and ``pulumi up`` never resets
    it. Default: ``min_size``."""
    version: str | None = None
    """A release label, tagged ``Version`` on the template, its instances and volumes.
    Default: no version tag."""
    settings: Defaulted[Mapping[str, pulumi.Input[str]]] = field(default_factory=dict)
    """Plain settings written to the env file at boot (``NAME=value``). They are visible in
    user data: never put a secret here. Default: none."""
    secrets: Defaulted[Mapping[str, str]] = field(default_factory=dict)
    """Environment variable name -> secret reference: ``ssm:/path/name`` (SSM parameter,
    decrypted) or ``secretsmanager:<name or ARN>`` (its SecretString). Fetched at boot with the
    instance role, which may read exactly these. Default: none."""
    secrets_kms_key_arn: pulumi.Input[str] | None = None
    """A customer managed KMS key that encrypts the referenced parameters or secrets: the
    role may then ``kms:Decrypt`` with it, via SSM and Secrets Manager only. Default: no KMS
    permission (AWS managed keys need none)."""
    env_file: Defaulted[str] = "/etc/immutable/app.env"
    """Where the settings are written, mode 0600, root-owned; read it with systemd's
    ``EnvironmentFile=``. Default: ``/etc/immutable/app.env``."""
    restart_services: Defaulted[Sequence[str]] = ()
    """systemd units restarted once the env file is written, so they read it. Default: none
    (a unit started before user data ran keeps its old environment)."""
    instance_profile_name: pulumi.Input[str] | None = None
    """An existing instance profile. Then no role is created, and that role must be allowed
    to read the ``secrets``. Default: a new role (EC2 trust, exactly the secrets) and profile."""
    role_policy_arns: Defaulted[Sequence[pulumi.Input[str]]] = ()
    """Managed policies attached to the new role, the account's or AWS's, e.g.
    ``arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore`` for Session Manager.
    Default: none."""
    root_volume_size_gib: int | None = None
    """Root volume size in GiB, within the volume type's limits (see ``EbsVolume``).
    Default: the image's size."""
    root_volume_type: Defaulted[str] = "gp3"
    """gp3, gp2, io1, io2, st1, sc1 or standard. Default: gp3."""
    root_volume_iops: int | None = None
    """Provisioned IOPS (gp3, io1, io2; see ``EbsVolume.iops``). Default: the volume type's
    baseline."""
    root_volume_throughput: int | None = None
    """MiB/s, 125 to 2000 (gp3). Default: 125."""
    root_device_name: str | None = None
    """The image's root device, e.g. ``/dev/xvda`` (Amazon Linux) or ``/dev/sda1`` (Ubuntu).
    Default: looked up from the image (``aws.ec2.get_ami``)."""
    ebs_kms_key_id: pulumi.Input[str] | None = None
    """KMS key for the volumes' encryption. Default: the account's default EBS key. Volumes
    are always encrypted."""
    extra_volumes: Defaulted[Sequence[EbsVolume]] = ()
    """More encrypted EBS volumes. Default: none."""
    detailed_monitoring: Defaulted[bool] = False
    """One-minute CloudWatch metrics (billed). Default: five-minute basic monitoring."""
    target_group_arns: Defaulted[Sequence[pulumi.Input[str]]] = ()
    """Load balancer target groups the instances register with. With any, the group's
    health check type is ELB. Default: none, EC2 status checks only."""
    health_check_type: str | None = None
    """``EC2`` or ``ELB``. Default: ELB with target groups, EC2 without."""
    health_check_grace_period: Defaulted[int] = 300
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
    wait_for_capacity_timeout: Defaulted[str] = "10m"
    """How long create waits for capacity (``"0"`` disables waiting). Default: ``10m``."""
    instance_maintenance_policy: InstanceMaintenancePolicy | None = None
    """Healthy-capacity bounds while the group replaces instances. Default: none set
    (AWS terminates, then launches; refreshes use their own preferences)."""
    refresh: Defaulted[RefreshPreferences] = field(default_factory=RefreshPreferences)
    """How a release replaces instances (see ``RefreshPreferences``). Default: 90 % kept
    healthy, skip matching, auto rollback."""
    refresh_timeout_minutes: Defaulted[int] = 60
    """How long ``pulumi up`` waits for a rollout before it fails. Default: 60."""
    refresh_role_arn: pulumi.Input[str] | None = None
    """A role the rollout assumes to call Auto Scaling, after the ``aws`` provider's own
    role chain. Default: none, the rollout acts as the group's ``aws`` provider (the stack's
    ``aws:`` config, or an explicit provider's region, profile and roles)."""
    region: str | None = None
    """The region of every resource (one of botocore's). Default: the ``aws`` provider's
    region."""
    tags: Defaulted[Mapping[str, str]] = field(default_factory=dict)
    """Tags on every resource, and on instances and volumes. Default: none."""
    launch_template_overrides: Mapping[str, Any] | None = None
    """The escape hatch: raw ``aws.ec2.LaunchTemplate`` arguments (snake_case), merged last,
    a key replacing the component's value whole (e.g. ``{"ebs_optimized": "true"}``). Every
    change here is a new template version, i.e. a release. The component's secure defaults
    (IMDSv2, no public IP, encrypted volumes) are yours to keep when you override them.
    ``name``, ``name_prefix``, ``update_default_version`` and ``default_version`` are refused;
    ``user_data`` is refused together with ``settings``, ``secrets`` or ``restart_services``
    (the boot script is the user data). Default: none."""


# ----------------------------------------------------------------------------------------
# LaunchTemplateRelease


def instance_types(args: LaunchTemplateReleaseArgs) -> list[str]:
    """The fleet's instance types, in order of preference (one unless ``instance_types``)."""
    if args.instance_types:
        return list(args.instance_types)
    return [args.instance_type]


@functools.cache
def launch_template_fields() -> frozenset[str]:
    """``aws.ec2.LaunchTemplate``'s argument names, read only when overrides are given
    (``pulumi_aws.ec2`` is some 180 modules)."""
    import pulumi_aws as aws

    return frozenset(inspect.signature(aws.ec2.LaunchTemplateArgs).parameters)


#: Fields that are collections: ``None`` there is an error naming the field, not a TypeError.
_LT_COLLECTIONS = (
    "security_group_ids",
    "settings",
    "secrets",
    "restart_services",
    "role_policy_arns",
    "extra_volumes",
    "target_group_arns",
    "tags",
)


def validate_launch_template_release(check: Check, args: LaunchTemplateReleaseArgs) -> BootConfig:
    """Raise ComponentInputError for the first bad input; return the boot config."""
    if args.image_id is None:
        check.fail("image_id", None, "an AMI id ('ami-...') or an Output of one")
    check.ami_id("image_id", args.image_id)
    check.present("subnet_ids", args.subnet_ids, "a non-empty list of subnet ids")
    for name in _LT_COLLECTIONS:
        check.present(name, getattr(args, name))
        check.items_present(name, getattr(args, name))
    check.items_present("subnet_ids", args.subnet_ids)
    _validate_instance_types(check, args)
    for index, subnet in enumerate(check.non_empty_list("subnet_ids", args.subnet_ids)):
        check.subnet_id(f"subnet_ids[{index}]", subnet)
    _list(check, "security_group_ids", args.security_group_ids)
    for index, group in enumerate(args.security_group_ids):
        check.security_group_id(f"security_group_ids[{index}]", group)
    if args.vpc_id is not None:
        check.vpc_id("vpc_id", args.vpc_id)
    _validate_sizes(check, args)
    for label in ("version", "image_build_hash"):
        value = getattr(args, label)
        if value is not None:
            check.non_empty_str(label, value)
    _validate_volumes(check, args)
    if not isinstance(args.detailed_monitoring, bool):
        check.fail("detailed_monitoring", args.detailed_monitoring, "True or False")
    _list(check, "target_group_arns", args.target_group_arns)
    for index, arn in enumerate(args.target_group_arns):
        check.arn(f"target_group_arns[{index}]", arn, service="elasticloadbalancing")
    _list(check, "role_policy_arns", args.role_policy_arns)
    for index, arn in enumerate(args.role_policy_arns):
        check.iam_policy_arn(f"role_policy_arns[{index}]", arn)
    if args.instance_profile_name is not None:
        check.non_empty_str("instance_profile_name", args.instance_profile_name)
        if args.role_policy_arns:
            check.fail(
                "role_policy_arns",
                args.role_policy_arns,
                "none when `instance_profile_name` is given (no role is created)",
            )
    _validate_health(check, args)
    _validate_maintenance(check, args.instance_maintenance_policy)
    if not isinstance(args.refresh, RefreshPreferences):
        check.fail("refresh", args.refresh, "a RefreshPreferences(...)")
    validate_preferences(check, args.refresh, "refresh")
    check.int_range("refresh_timeout_minutes", args.refresh_timeout_minutes, 1)
    pauses = args.refresh.minimum_wait_seconds()
    if args.refresh_timeout_minutes * 60 <= pauses:
        # Else the rollout (a child) would refuse it, after the fleet was registered.
        check.fail(
            "refresh_timeout_minutes",
            args.refresh_timeout_minutes,
            f"more than the {pauses} s every refresh pauses for checkpoints and bake time "
            f"(`refresh`), i.e. >= {pauses // 60 + 1}",
        )
    if args.refresh_role_arn is not None:
        check.arn("refresh_role_arn", args.refresh_role_arn, service="iam")
    if args.region is not None:
        check.aws_region("region", args.region)
    check.string_map("tags", dict(args.tags) if isinstance(args.tags, Mapping) else args.tags)
    overrides = _validate_overrides(check, args)
    key = args.secrets_kms_key_arn
    if key is not None:
        check.arn("secrets_kms_key_arn", key, service="kms")
        if isinstance(key, str) and ":key/" not in key:
            check.fail(
                "secrets_kms_key_arn",
                key,
                "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)",
            )
    max_b64 = None if "user_data" in overrides else USER_DATA_MAX_BASE64
    return validate_boot_config(
        check,
        args.settings,
        args.secrets,
        args.env_file,
        args.restart_services,
        max_base64=max_b64,
    )


def _validate_instance_types(check: Check, args: LaunchTemplateReleaseArgs) -> None:
    types = args.instance_types
    if types is None:
        check.instance_type("instance_type", args.instance_type)
        return
    if args.instance_type != "t3.micro":
        check.fail(
            "instance_types",
            types,
            f"no value together with `instance_type` ({args.instance_type!r}): give one "
            "type in `instance_type` or two or more in `instance_types`",
        )
    if (
        isinstance(types, (str, bytes))
        or not isinstance(types, Sequence)
        or not types
        or len(set(types)) != len(types)
    ):
        check.fail("instance_types", types, "a non-empty list of distinct instance types")
    if len(types) > MAX_INSTANCE_TYPES:
        check.fail(
            "instance_types",
            types,
            f"at most {MAX_INSTANCE_TYPES} types (a mixed instances policy's overrides)",
        )
    for index, item in enumerate(types):
        check.instance_type(f"instance_types[{index}]", item)


def _validate_sizes(check: Check, args: LaunchTemplateReleaseArgs) -> None:
    check.int_range("min_size", args.min_size, 0)
    # max_size 0 is an empty fleet: a retired blue/green colour, a scale-to-zero.
    check.int_range("max_size", args.max_size, 0)
    if args.min_size > args.max_size:
        check.fail("min_size", args.min_size, f"<= max_size ({args.max_size})")
    if args.desired_capacity is not None:
        check.int_range("desired_capacity", args.desired_capacity, args.min_size, args.max_size)


def _validate_volumes(check: Check, args: LaunchTemplateReleaseArgs) -> None:
    validate_volume(
        check,
        "root_volume",
        args.root_volume_type,
        args.root_volume_size_gib,
        args.root_volume_iops,
        args.root_volume_throughput,
    )
    if args.root_device_name is not None:
        check.matches(
            "root_device_name",
            args.root_device_name,
            ROOT_DEVICE,
            "a device name such as '/dev/xvda'",
        )
    if args.ebs_kms_key_id is not None:
        check.kms_key("ebs_kms_key_id", args.ebs_kms_key_id)
    _list(check, "extra_volumes", args.extra_volumes)
    seen: set[str] = set()
    for index, volume in enumerate(args.extra_volumes):
        label = f"extra_volumes[{index}]"
        if not isinstance(volume, EbsVolume):
            check.fail(label, volume, "an EbsVolume(...)")
        check.matches(
            f"{label}.device_name",
            volume.device_name,
            DEVICE_NAME,
            "a device name such as '/dev/sdf' or '/dev/xvdf'",
        )
        if volume.device_name in seen or volume.device_name == args.root_device_name:
            check.fail(f"{label}.device_name", volume.device_name, "a device not used yet")
        seen.add(volume.device_name)
        if volume.size_gib is None:
            check.fail(f"{label}.size_gib", None, "a size in GiB")
        validate_volume(
            check,
            label,
            volume.volume_type,
            volume.size_gib,
            volume.iops,
            volume.throughput,
            prefix=".",
        )


def validate_volume(
    check: Check,
    label: str,
    volume_type: Any,
    size: Any,
    iops: Any,
    throughput: Any,
    prefix: str = "_",
) -> None:
    """One volume's type, size, IOPS and throughput against :data:`VOLUME_LIMITS`; fields
    are named ``<label>_type``/``<label>_size_gib``... (root volume) or ``<label>.volume_type``
    (``prefix="."``, an :class:`EbsVolume`)."""

    def at(name: str) -> str:
        return f"{label}{prefix}{name}"

    check.one_of(at("type") if prefix == "_" else at("volume_type"), volume_type, VOLUME_TYPES)
    limits = VOLUME_LIMITS[volume_type]
    if size is not None:
        low, high = limits.size
        check.int_range(at("size_gib"), size, low, high)
    if iops is None:
        if limits.iops_required:
            check.fail(at("iops"), None, f"provisioned IOPS: {volume_type} volumes require them")
    else:
        if limits.iops is None:
            check.fail(at("iops"), iops, "None unless the volume type is gp3, io1 or io2")
        low, high = limits.iops
        check.int_range(at("iops"), iops, low, high)
        ratio = limits.iops_per_gib
        if ratio and size is not None and iops > max(ratio * size, limits.iops[0]):
            check.fail(
                at("iops"),
                iops,
                f"at most {ratio} IOPS per GiB for {volume_type} "
                f"({max(ratio * size, low)} for {size} GiB)",
            )
    if throughput is not None:
        if limits.throughput is None:
            check.fail(at("throughput"), throughput, "None unless the volume type is gp3")
        low, high = limits.throughput
        check.int_range(at("throughput"), throughput, low, high)
        provisioned = GP3_BASELINE_IOPS if iops is None else iops
        most = int(provisioned * GP3_THROUGHPUT_PER_IOPS)
        if throughput > most:
            check.fail(
                at("throughput"),
                throughput,
                f"at most {GP3_THROUGHPUT_PER_IOPS} MiB/s per IOPS: <= {most} with "
                f"{provisioned} IOPS (raise the IOPS for more)",
            )


def _validate_health(check: Check, args: LaunchTemplateReleaseArgs) -> None:
    if args.health_check_type is not None:
        check.one_of("health_check_type", args.health_check_type, ("EC2", "ELB"))
        if args.health_check_type == "ELB" and not args.target_group_arns:
            check.fail("health_check_type", "ELB", "'EC2' when no target groups are given")
    check.int_range("health_check_grace_period", args.health_check_grace_period, 0)
    if args.default_instance_warmup is not None:
        check.int_range("default_instance_warmup", args.default_instance_warmup, 0)
    for label in ("wait_for_elb_capacity", "min_elb_capacity"):
        value = getattr(args, label)
        if value is None:
            continue
        check.int_range(label, value, 0, args.max_size)
        if not args.target_group_arns:
            check.fail(label, value, "None unless `target_group_arns` are given")
    check.matches(
        "wait_for_capacity_timeout",
        args.wait_for_capacity_timeout,
        DURATION,
        "a duration such as '10m' or '0'",
    )


def _validate_maintenance(check: Check, policy: Any) -> None:
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


def _validate_overrides(check: Check, args: LaunchTemplateReleaseArgs) -> Mapping[str, Any]:
    overrides = args.launch_template_overrides
    if overrides is None:
        return {}
    if is_unknown(overrides) or not isinstance(overrides, Mapping):
        check.fail("launch_template_overrides", overrides, "a mapping of LaunchTemplate args")
    for key in overrides:
        if key in OWNED_FIELDS:
            check.fail(
                f"launch_template_overrides[{key!r}]",
                overrides[key],
                "no value: the component owns the template's name and versions",
            )
        if key not in launch_template_fields():
            check.fail(
                "launch_template_overrides key",
                key,
                "an aws.ec2.LaunchTemplate argument name (snake_case)",
            )
    if "user_data" in overrides:
        boot = [n for n in ("settings", "secrets", "restart_services") if getattr(args, n)]
        if boot:
            check.fail(
                "launch_template_overrides['user_data']",
                "<user data>",
                "no user data override together with "
                + ", ".join(f"`{n}`" for n in boot)
                + " (their boot script is the user data): drop one or the other",
            )
    return overrides


def _list(check: Check, label: str, value: Any) -> None:
    if is_unknown(value):
        return
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        check.fail(label, value, "a list")


# ----------------------------------------------------------------------------------------
# GcpInstanceGroupRelease

GCP_SECRET = re.compile(r"^(projects/[a-z0-9-]+/secrets/)?[A-Za-z0-9_-]{1,255}$")
MACHINE_TYPE = re.compile(r"^[a-z][a-z0-9]*-[a-z0-9-]+$")
GCP_REGION = re.compile(r"^[a-z]+-[a-z]+\d$")
GCP_NAME = re.compile(r"^[a-z][-a-z0-9]{1,18}[a-z0-9]$")
_GCP_LINK = r"^(https://www\.googleapis\.com/compute/v1/)?projects/[a-z][-a-z0-9.:]*[a-z0-9]/"
GCP_IMAGE = re.compile(_GCP_LINK + r"global/images/(family/)?[a-z]([-a-z0-9]*[a-z0-9])?$")
GCP_NETWORK = re.compile(_GCP_LINK + r"global/networks/[a-z]([-a-z0-9]*[a-z0-9])?$")
GCP_SUBNETWORK = re.compile(
    _GCP_LINK + r"regions/[a-z]+-[a-z]+\d/subnetworks/[a-z]([-a-z0-9]*[a-z0-9])?$"
)


@dataclass(frozen=True, kw_only=True)
class GcpInstanceGroupReleaseArgs(Record):
    """Inputs of :class:`~immutable_components.GcpInstanceGroupRelease`."""

    image_id: pulumi.Input[str]
    """The image: a GoldenImage's ``image_id`` on GCP, or ``projects/<p>/global/images/<n>``."""
    region: str
    """The region of the managed instance group, e.g. ``europe-west1``."""
    network: pulumi.Input[str]
    """The VPC network (for the health-check firewall rule)."""
    subnetwork: pulumi.Input[str]
    """The subnetwork the instances use. Instances get no external IP."""
    image_build_hash: pulumi.Input[str] | None = None
    """The image's build hash, labelled ``image-build-hash`` on the template (its first 63
    characters). Default: no label."""
    project: str | None = None
    """Default: the provider's project."""
    machine_type: Defaulted[str] = "e2-small"
    """Default: ``e2-small``."""
    disk_size_gb: int | None = None
    """Boot disk size, 10 to 65536. Default: the image's size."""
    disk_type: Defaulted[str] = "pd-balanced"
    """pd-balanced, pd-ssd or pd-standard. Default: ``pd-balanced``."""
    target_size: Defaulted[int] = 3
    """Instances, >= 0. Default: 3 (one per zone)."""
    zone_count: Defaulted[int] = 3
    """Zones the regional group spreads over (GCP's default is 3); fixed surge and
    unavailability must be 0 or at least this. Default: 3."""
    max_surge: Defaulted[int] = 3
    """Extra instances created during a rollout: 0 or >= ``zone_count``. Default: 3."""
    max_unavailable: Defaulted[int] = 0
    """Instances that may be down during a rollout: 0 or >= ``zone_count``; not 0 together
    with ``max_surge``. Default: 0, capacity never drops."""
    min_ready_sec: Defaulted[int] = 60
    """Seconds a new instance must be ready before the rollout continues, 0-3600. Default: 60."""
    health_check_port: Defaulted[int] = 8080
    """Default: 8080."""
    health_check_path: Defaulted[str] = "/healthz"
    """Default: ``/healthz``."""
    initial_delay_sec: Defaulted[int] = 300
    """Seconds after boot before auto-healing judges an instance, 0-3600. Default: 300."""
    settings: Defaulted[Mapping[str, pulumi.Input[str]]] = field(default_factory=dict)
    """Plain settings, in instance metadata (``immutable-config``). Never secrets.
    Default: none."""
    secrets: Defaulted[Mapping[str, str]] = field(default_factory=dict)
    """Env name -> Secret Manager secret (``name`` or ``projects/<p>/secrets/<name>``); the
    latest version is read at boot. The service account may access exactly these.
    Default: none."""
    env_file: Defaulted[str] = "/etc/immutable/app.env"
    """Default: ``/etc/immutable/app.env`` (mode 0600)."""
    restart_services: Defaulted[Sequence[str]] = ()
    """systemd units restarted after the env file is written. Default: none."""
    labels: Defaulted[Mapping[str, str]] = field(default_factory=dict)
    """Labels on the template and its instances. Default: none."""
    timeout_minutes: Defaulted[int] = 30
    """How long ``pulumi up`` waits for the group to be UPDATED. Default: 30."""


def validate_gcp_release(check: Check, args: GcpInstanceGroupReleaseArgs, name: str) -> None:
    """Raise ComponentInputError for the first bad input (the component's ``name`` too: it
    names the service account)."""
    if not GCP_NAME.match(name):
        check.fail(
            "name",
            name,
            "3-20 characters: lower-case letters, digits and '-', starting with a letter",
        )
    for label in ("settings", "secrets", "restart_services", "labels"):
        check.present(label, getattr(args, label))
        check.items_present(label, getattr(args, label))
    check.non_empty_str("image_id", args.image_id)
    check.matches(
        "image_id",
        args.image_id,
        GCP_IMAGE,
        "an image link, 'projects/<project>/global/images/<name>' (or its self link), not a "
        "bare name",
    )
    if args.image_build_hash is not None:
        check.non_empty_str("image_build_hash", args.image_build_hash)
    check.matches(
        "network",
        args.network,
        GCP_NETWORK,
        "a network link, 'projects/<project>/global/networks/<name>' (or its self link)",
    )
    check.matches(
        "subnetwork",
        args.subnetwork,
        GCP_SUBNETWORK,
        "a subnetwork link, 'projects/<project>/regions/<region>/subnetworks/<name>' (or its "
        "self link)",
    )
    check.matches("region", args.region, GCP_REGION, "a GCP region such as 'europe-west1'")
    subnetwork = args.subnetwork
    if isinstance(subnetwork, str) and GCP_SUBNETWORK.match(subnetwork):
        region = subnetwork.split("/regions/", 1)[1].split("/", 1)[0]
        if region != args.region:
            check.fail("subnetwork", subnetwork, f"a subnetwork in `region` ({args.region})")
    check.matches("machine_type", args.machine_type, MACHINE_TYPE, "e.g. 'e2-small'")
    if args.disk_size_gb is not None:
        check.int_range("disk_size_gb", args.disk_size_gb, 10, 65536)
    check.one_of("disk_type", args.disk_type, ("pd-balanced", "pd-ssd", "pd-standard"))
    check.int_range("target_size", args.target_size, 0)
    check.int_range("zone_count", args.zone_count, 1)
    for label in ("max_surge", "max_unavailable"):
        value = getattr(args, label)
        check.int_range(label, value, 0)
        if 0 < value < args.zone_count:
            check.fail(label, value, f"0 or >= zone_count ({args.zone_count})")
    if args.max_surge == 0 and args.max_unavailable == 0:
        check.fail("max_unavailable", 0, "> 0 when max_surge is 0 (else nothing can roll)")
    check.int_range("min_ready_sec", args.min_ready_sec, 0, 3600)
    check.int_range("health_check_port", args.health_check_port, 1, 65535)
    if not isinstance(args.health_check_path, str) or not args.health_check_path.startswith("/"):
        check.fail("health_check_path", args.health_check_path, "a path starting with '/'")
    check.int_range("initial_delay_sec", args.initial_delay_sec, 0, 3600)
    check.int_range("timeout_minutes", args.timeout_minutes, 1)
    for key, secret in args.secrets.items():
        check.matches(f"secrets[{key!r}]", secret, GCP_SECRET, "a Secret Manager secret name")
    check.string_map("labels", dict(args.labels))
    # names, env file and units as on AWS (no user data limit: metadata allows 256 KB)
    validate_boot_config(
        check, args.settings, {}, args.env_file, args.restart_services, max_base64=None
    )
    for key in args.secrets:
        if key in args.settings:
            check.fail(f"secrets[{key!r}]", args.secrets[key], "a name not in `settings`")


# ----------------------------------------------------------------------------------------
# AzureScaleSetRelease

#: An Azure resource id of a type: ``/subscriptions/<id>/resourceGroups/<rg>/providers/<type>/...``.
AZURE_ID = re.compile(
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/(?P<type>[^/]+/[^/]+)/.+$"
)
#: What each id field is, by resource provider namespace and type (its first segment).
AZURE_ID_TYPES: Mapping[str, tuple[str, ...]] = {
    "image_id": ("Microsoft.Compute/images", "Microsoft.Compute/galleries"),
    "subnet_id": ("Microsoft.Network/virtualNetworks",),
    "key_vault_id": ("Microsoft.KeyVault/vaults",),
    "load_balancer_probe_id": ("Microsoft.Network/loadBalancers",),
    "load_balancer_backend_pool_ids": ("Microsoft.Network/loadBalancers",),
}
SECRET_URI = re.compile(r"^https://[a-z0-9-]{3,24}\.vault\.azure\.net/secrets/[A-Za-z0-9-]{1,127}$")
VM_SIZE = re.compile(r"^Standard_[A-Za-z0-9_]+$")


@dataclass(frozen=True, kw_only=True)
class AzureScaleSetReleaseArgs(Record):
    """Inputs of :class:`~immutable_components.AzureScaleSetRelease`."""

    resource_group_name: pulumi.Input[str]
    """The resource group of the scale set and the identity."""
    image_id: pulumi.Input[str]
    """The image: a managed image or gallery image version resource id."""
    subnet_id: pulumi.Input[str]
    """The subnet the instances use. Instances get no public IP."""
    image_build_hash: pulumi.Input[str] | None = None
    """The image's build hash, tagged ``ImageBuildHash`` on the scale set. Default: no tag."""
    ssh_public_key: pulumi.Input[str] | None = None
    """The admin user's SSH public key; password login is always disabled. Default: a
    key generated for the scale set (``{name}-admin-key``) whose private half is never
    exported, so nobody can log in (Azure requires a key when passwords are off)."""
    location: str | None = None
    """Default: the resource group's location."""
    admin_username: Defaulted[str] = "azureuser"
    """Default: ``azureuser``."""
    vm_size: Defaulted[str] = "Standard_B2s"
    """Default: ``Standard_B2s``."""
    capacity: Defaulted[int] = 2
    """Instances, 0 to 1000. Default: 2."""
    zones: Defaulted[Sequence[str]] = ()
    """Availability zones. Default: none (regional)."""
    max_batch_instance_percent: Defaulted[int] = 20
    """Share of instances upgraded per batch, 5-100. Default: 20."""
    max_unhealthy_instance_percent: Defaulted[int] = 20
    """The upgrade stops when more of all instances are unhealthy, 5-100. Default: 20."""
    max_unhealthy_upgraded_instance_percent: Defaulted[int] = 20
    """The upgrade stops when more of the upgraded instances are unhealthy, 0-100. Default: 20."""
    pause_time_between_batches: Defaulted[str] = "PT0S"
    """ISO 8601 pause after each batch, e.g. ``PT2M``. Default: no pause."""
    rollback_failed_instances_on_policy_breach: Defaulted[bool] = True
    """On a breach, put failed instances back on the previous model. Default: on."""
    max_surge: Defaulted[bool] = True
    """Create new instances before deleting old ones. Default: on (capacity never drops)."""
    health_port: Defaulted[int] = 8080
    """Port of the Application Health extension's probe. Default: 8080."""
    health_path: Defaulted[str] = "/healthz"
    """Path of the Application Health extension's probe. Default: ``/healthz``."""
    load_balancer_probe_id: pulumi.Input[str] | None = None
    """A load balancer probe as the health signal instead of the extension. Default: none."""
    load_balancer_backend_pool_ids: Defaulted[Sequence[pulumi.Input[str]]] = ()
    """Load balancer backend pools the instances join. Default: none."""
    settings: Defaulted[Mapping[str, pulumi.Input[str]]] = field(default_factory=dict)
    """Plain settings written to the env file by custom data. Never secrets. Default: none."""
    secrets: Defaulted[Mapping[str, str]] = field(default_factory=dict)
    """Env name -> Key Vault secret URI (``https://<vault>.vault.azure.net/secrets/<name>``,
    latest version); fetched at boot with the identity, which may read exactly these.
    Default: none."""
    key_vault_id: pulumi.Input[str] | None = None
    """The vault's resource id, the scope of the per-secret role assignments. Required with
    ``secrets``."""
    env_file: Defaulted[str] = "/etc/immutable/app.env"
    """Default: ``/etc/immutable/app.env`` (mode 0600)."""
    restart_services: Defaulted[Sequence[str]] = ()
    """systemd units restarted after the env file is written. Default: none."""
    tags: Defaulted[Mapping[str, str]] = field(default_factory=dict)
    """Tags on the identity and the scale set. Default: none."""


def validate_azure_release(check: Check, args: AzureScaleSetReleaseArgs) -> None:
    """Raise ComponentInputError for the first bad input."""
    for label in (
        "zones",
        "load_balancer_backend_pool_ids",
        "settings",
        "secrets",
        "restart_services",
        "tags",
    ):
        check.present(label, getattr(args, label))
        check.items_present(label, getattr(args, label))
    for label in ("resource_group_name", "image_id", "subnet_id"):
        check.non_empty_str(label, getattr(args, label))
    for label in ("image_id", "subnet_id", "key_vault_id", "load_balancer_probe_id"):
        _azure_id(check, label, getattr(args, label))
    for index, pool in enumerate(args.load_balancer_backend_pool_ids):
        _azure_id(check, f"load_balancer_backend_pool_ids[{index}]", pool)
    if args.image_build_hash is not None:
        check.non_empty_str("image_build_hash", args.image_build_hash)
    key = args.ssh_public_key
    if (
        key is not None
        and not is_unknown(key)
        and (not isinstance(key, str) or not key.startswith("ssh-"))
    ):
        check.fail("ssh_public_key", key, "an OpenSSH public key ('ssh-...')")
    check.matches("vm_size", args.vm_size, VM_SIZE, "e.g. 'Standard_B2s'")
    check.int_range("capacity", args.capacity, 0, 1000)
    check.int_range("max_batch_instance_percent", args.max_batch_instance_percent, 5, 100)
    check.int_range("max_unhealthy_instance_percent", args.max_unhealthy_instance_percent, 5, 100)
    check.int_range(
        "max_unhealthy_upgraded_instance_percent",
        args.max_unhealthy_upgraded_instance_percent,
        0,
        100,
    )
    check.matches(
        "pause_time_between_batches",
        args.pause_time_between_batches,
        ISO_DURATION,
        "an ISO 8601 duration such as 'PT0S' or 'PT2M'",
    )
    for label in ("rollback_failed_instances_on_policy_breach", "max_surge"):
        if not isinstance(getattr(args, label), bool):
            check.fail(label, getattr(args, label), "True or False")
    check.int_range("health_port", args.health_port, 1, 65535)
    if not isinstance(args.health_path, str) or not args.health_path.startswith("/"):
        check.fail("health_path", args.health_path, "a path starting with '/'")
    for key_name, uri in args.secrets.items():
        check.matches(f"secrets[{key_name!r}]", uri, SECRET_URI, "a Key Vault secret URI")
    if args.secrets and args.key_vault_id is None:
        check.fail("key_vault_id", None, "the vault's resource id when `secrets` are given")
    check.string_map("tags", dict(args.tags))
    validate_boot_config(
        check, args.settings, {}, args.env_file, args.restart_services, max_base64=None
    )


def _azure_id(check: Check, label: str, value: Any) -> None:
    """A resource id of the field's type, not a name (``subnets/app`` or ``app``)."""
    if value is None or is_unknown(value):
        return
    types = AZURE_ID_TYPES[label.split("[", 1)[0]]
    match = AZURE_ID.match(value) if isinstance(value, str) else None
    if match is None or match.group("type").lower() not in {t.lower() for t in types}:
        check.fail(
            label,
            value,
            "a resource id, '/subscriptions/<id>/resourceGroups/<group>/providers/"
            + " or ".join(types)
            + "/...', not a name",
        )
