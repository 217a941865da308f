"""Inputs of :class:`~immutable_components.blue_green.BlueGreenService`, and their checks.

The records are pure data (see :mod:`immutable_components._records`): the same shape for a
Python program and for the component provider's dicts. Their checks are the functions below;
:func:`validate` runs them all, on a built :class:`BlueGreenServiceArgs`, before the service
registers anything.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Optional

import pulumi

from .._patterns import DURATION
from .._records import Defaulted, Record
from .._validate import Check, is_unknown
from ..release import EbsVolume, InstanceMaintenancePolicy, RefreshPreferences
from .traffic import COLORS, weights

__all__ = [
    "DEFAULT_SSL_POLICY",
    "BlueGreenColor",
    "BlueGreenFleet",
    "BlueGreenServiceArgs",
    "ExistingLoadBalancer",
    "HealthCheck",
    "desired",
    "gate_timeout_seconds",
    "healthy_required",
    "validate",
]

#: AWS's recommended ALB policy (the console's default since 2025-09): TLS 1.3 and 1.2 with
#: restricted ciphers, and hybrid post-quantum key exchange for clients that offer it.
DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
SSL_POLICY = re.compile(r"^ELBSecurityPolicy-TLS13-[A-Za-z0-9-]+$")
CERTIFICATE_ARN = re.compile(
    r"^arn:aws[a-z-]*:(acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]{36}"
    r"|iam::\d{12}:server-certificate/.+)$"
)
ALB_ARN = re.compile(
    r"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer/app/[^/]+/[0-9a-f]+$"
)
HEALTH_PATH = re.compile(r"^/[\x21-\x7e]{0,1023}$")
MATCHER = re.compile(r"^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$")
BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


@dataclass(frozen=True, kw_only=True)
class BlueGreenColor(Record):
    """What one colour runs."""

    image_id: pulumi.Input[str]
    """Its AMI id, e.g. a GoldenImage's ``image_id``."""
    image_build_hash: Optional[pulumi.Input[str]] = None
    """The image's build hash (a GoldenImage's ``build_hash``), tagged ``ImageBuildHash`` on
    its instances and volumes. Default: no such tag."""
    version: Optional[str] = None
    """A release label, tagged ``Version`` on its template and instances. Default: none."""


@dataclass(frozen=True, kw_only=True)
class HealthCheck(Record):
    """How the load balancer decides that an instance is healthy (both target groups)."""

    path: Defaulted[str] = "/healthz"
    """The HTTP path probed on the app port. Default: ``/healthz``."""
    matcher: Defaulted[str] = "200"
    """Status codes that count as healthy: ``200``, ``200,302`` or ``200-299``.
    Default: only 200."""
    interval_seconds: Defaulted[int] = 15
    """Seconds between probes, 5 to 300. Default: 15."""
    timeout_seconds: Defaulted[int] = 5
    """Seconds before a probe fails, 2 to 120, below the interval. Default: 5."""
    healthy_threshold: Defaulted[int] = 3
    """Consecutive successes before an instance takes traffic, 2 to 10. Default: 3 (45 s
    at the default interval)."""
    unhealthy_threshold: Defaulted[int] = 3
    """Consecutive failures before an instance stops taking traffic, 2 to 10. Default: 3."""


@dataclass(frozen=True, kw_only=True)
class ExistingLoadBalancer(Record):
    """An application load balancer the service uses instead of creating one."""

    arn: pulumi.Input[str]
    """Its ARN (``...:loadbalancer/app/<name>/<id>``)."""
    security_group_id: pulumi.Input[str]
    """A security group attached to it. The service adds its listener-port ingress rules
    and the egress rule to the fleets to this group."""
    dns_name: pulumi.Input[str]
    """Its DNS name, passed through to ``load_balancer_dns_name``."""


@dataclass(frozen=True, kw_only=True)
class BlueGreenFleet(Record):
    """The fleet settings of both colours that the service does not decide itself.

    Each is the LaunchTemplateRelease input of the same name, for both colours. The service
    owns the rest (image, version, subnets, security groups, instance type, sizes, target
    groups, health check type, capacity waits, which the health gate replaces, tags and
    region, which is the service's ``aws`` provider's). Every value is checked before the
    service registers anything; a bad one fails under the service's name, field
    ``fleet.<name>``.
    """

    settings: Optional[Mapping[str, pulumi.Input[str]]] = None
    """Plain settings written to the env file at boot (``NAME=value``). They are visible in
    user data: never put a secret here. Default: none."""
    secrets: Optional[Mapping[str, str]] = None
    """Environment variable name -> secret reference: ``ssm:/path/name`` (SSM parameter,
    decrypted) or ``secretsmanager:<name or ARN>`` (its SecretString), fetched at boot with
    the instance role, which may read exactly these. Default: none."""
    secrets_kms_key_arn: Optional[str] = None
    """A customer managed KMS key that encrypts the referenced secrets: the role may then
    ``kms:Decrypt`` with it, via SSM and Secrets Manager only. Default: no KMS permission
    (AWS managed keys need none)."""
    env_file: Defaulted[str] = "/etc/immutable/app.env"
    """Where the settings are written, mode 0600, root-owned. Default:
    ``/etc/immutable/app.env``."""
    restart_services: Optional[Sequence[str]] = None
    """systemd units restarted once the env file is written, so they read it. Default:
    none."""
    instance_profile_name: Optional[pulumi.Input[str]] = None
    """An existing instance profile. Then no role is created, and that role must be allowed
    to read the ``secrets``. Default: a new role (EC2 trust, exactly the secrets) and
    profile per colour."""
    role_policy_arns: Optional[Sequence[pulumi.Input[str]]] = None
    """Managed policies attached to each colour's new role, e.g. AmazonSSMManagedInstanceCore.
    Default: none."""
    root_volume_size_gib: Optional[int] = None
    """Root volume size, 1 to 16384 GiB. Default: the image's size."""
    root_volume_type: Defaulted[str] = "gp3"
    """gp3, gp2, io1, io2, st1, sc1 or standard. Default: gp3."""
    root_volume_iops: Optional[int] = None
    """Provisioned IOPS (gp3, io1, io2). Default: the volume type's baseline."""
    root_volume_throughput: Optional[int] = None
    """MiB/s, 125 to 1000 (gp3). Default: 125."""
    root_device_name: Optional[str] = None
    """The image's root device, e.g. ``/dev/xvda``. Default: looked up from each colour's
    image."""
    ebs_kms_key_id: Optional[str] = None
    """KMS key for the volumes' encryption. Default: the account's default EBS key. Volumes
    are always encrypted."""
    extra_volumes: Optional[Sequence[EbsVolume]] = None
    """More encrypted EBS volumes on every instance. Default: none."""
    detailed_monitoring: Defaulted[bool] = False
    """One-minute CloudWatch metrics (billed). Default: five-minute basic monitoring."""
    health_check_grace_period: Defaulted[int] = 300
    """Seconds after launch before health checks count, >= 0. Default: 300."""
    default_instance_warmup: Optional[int] = None
    """Seconds before a new instance's metrics count, >= 0. Default: not set (the grace
    period applies)."""
    instance_maintenance_policy: Optional[InstanceMaintenancePolicy] = None
    """Healthy-capacity bounds while a group replaces instances. Default: none set."""
    refresh: Defaulted[RefreshPreferences] = field(default_factory=RefreshPreferences)
    """How a release replaces a colour's instances. Default: 90 % kept healthy, skip
    matching, auto rollback."""
    refresh_timeout_minutes: Defaulted[int] = 60
    """How long ``pulumi up`` waits for a rollout before it fails. Default: 60."""
    refresh_role_arn: Optional[pulumi.Input[str]] = None
    """A role the rollouts and the health gates assume, after the ``aws`` provider's own
    role chain. Default: none, they act as the service's ``aws`` provider."""
    launch_template_overrides: Optional[Mapping[str, str]] = None
    """The escape hatch: raw ``aws.ec2.LaunchTemplate`` arguments (snake_case), merged
    last into both colours' templates, a key replacing the release's value whole (e.g.
    ``{"ebs_optimized": "true"}``). ``name``, ``name_prefix``, ``update_default_version`` and
    ``default_version`` are refused. Default: none."""


@dataclass(frozen=True, kw_only=True)
class BlueGreenServiceArgs(Record):
    """Inputs of :class:`~immutable_components.blue_green.BlueGreenService`."""

    vpc_id: pulumi.Input[str]
    """The VPC of the load balancer, target groups and fleets."""
    fleet_subnet_ids: Sequence[pulumi.Input[str]]
    """Subnets the fleets launch in (private subnets are usual). At least one; both colours
    use the same subnets."""
    blue: BlueGreenColor
    """What the blue colour runs (its image and version label)."""
    green: BlueGreenColor
    """What the green colour runs. Release a new version to whichever colour is idle."""
    ingress_cidrs: Sequence[str]
    """Who may reach the listeners (ports 80 and, with a certificate, 443). Required: no
    default opens the service to the world; write ``["0.0.0.0/0", "::/0"]`` to mean it."""
    load_balancer_subnet_ids: Optional[Sequence[pulumi.Input[str]]] = None
    """Subnets of the new load balancer: at least two, in two availability zones (public
    subnets for an internet-facing one). Required unless ``load_balancer`` is given, refused
    with it."""
    live: Defaulted[str] = "blue"
    """The colour that takes the traffic: ``"blue"`` or ``"green"``. Moving it changes
    the listener's weights and nothing else. Default: blue."""
    canary_weight: Defaulted[int] = 0
    """Percent of requests (0 to 100) sent to the idle colour; the live colour gets the
    rest. Default: 0, the idle colour takes no traffic."""
    retire_idle: Defaulted[bool] = False
    """Scale the idle colour to zero instances (min = desired = max = 0). Setting it back
    to False restores its capacity. Refused with a canary weight above 0. Default: the
    idle colour is kept warm, so rollback is an instant weight change."""
    app_port: Defaulted[int] = 8080
    """The port the app listens on, on each instance. Default: 8080."""
    health_check: Defaulted[HealthCheck] = field(default_factory=HealthCheck)
    """The target groups' health check. Default: ``GET /healthz`` answers 200, every 15 s,
    3 in a row to become healthy or unhealthy."""
    certificate_arn: Optional[pulumi.Input[str]] = None
    """An ACM (or IAM server) certificate ARN, an ACM one in the load balancer's region.
    With it, port 443 serves HTTPS and port 80 redirects to it (301). Default: no
    certificate, port 80 serves plain HTTP."""
    ssl_policy: Defaulted[str] = DEFAULT_SSL_POLICY
    """The HTTPS listener's TLS policy, an ``ELBSecurityPolicy-TLS13-...`` name.
    Default: ``ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09`` (TLS 1.3 and 1.2)."""
    instance_type: Defaulted[str] = "t3.micro"
    """The fleets' instance type. Default: t3.micro."""
    min_size: Defaulted[int] = 2
    """Fewest instances of a serving colour, at least 1 (a colour with traffic and no
    instance is refused; ``retire_idle`` scales the idle colour to zero). Default: 2 (one per
    zone in two zones)."""
    max_size: Defaulted[int] = 2
    """Most instances of a serving colour, at least ``min_size`` and 1. Default: 2."""
    desired_capacity: Optional[int] = None
    """Instances a colour is created with (after that, scaling owns it; a colour brought
    back from retirement starts at ``min_size``). Default: ``min_size``."""
    min_healthy_targets: Optional[int] = None
    """The health gate (``{name}-{colour}-gate``): before any weight change that gives a
    colour traffic or changes the split (cutover, canary, rollback, a colour back from
    retirement), ``pulumi up`` waits until that colour's target group has at least this
    many healthy targets, and only then moves the listener. 1 to ``min_size`` (a colour at
    its minimum size must be able to pass), so never above ``max_size``. Default:
    ``min_size``, every instance of a colour at its minimum."""
    health_gate_timeout: Defaulted[str] = "15m"
    """How long the health gate waits before the update fails, leaving the weights as they
    were (a Go duration such as ``"15m"`` or ``"1h30m"``, above zero). Default: 15
    minutes."""
    stickiness_seconds: Optional[int] = None
    """Pin each client to one colour for this many seconds (1 to 604800). Stickiness
    overrides the weights: during a cutover, pinned clients stay on the old colour until
    their cookie expires (a warning says so). Default: no stickiness."""
    fleet_egress_cidrs: Optional[Sequence[str]] = None
    """Where instances may open HTTPS (443) connections, e.g. ``["0.0.0.0/0"]`` for AWS APIs
    through a NAT gateway. Default: none, instances only answer the load balancer (a
    baked image needs nothing at boot)."""
    load_balancer: Optional[ExistingLoadBalancer] = None
    """Use this application load balancer instead of creating one; then
    ``load_balancer_subnet_ids``, ``internal``, ``deletion_protection`` and the access log
    settings are refused (they are the existing load balancer's own). Default: the service
    creates its own, with its own security group."""
    internal: Optional[bool] = None
    """Create an internal load balancer. Default: internet-facing."""
    deletion_protection: Optional[bool] = None
    """Protect the load balancer from deletion (AWS refuses to delete it until this is
    turned off). Default: on; set False before ``pulumi destroy``."""
    access_logs_bucket: Optional[pulumi.Input[str]] = None
    """An S3 bucket for access logs (its policy must let the ELB service write). Default:
    no access logs."""
    access_logs_prefix: Optional[str] = None
    """The key prefix of access logs. Default: the service's name."""
    fleet: Defaulted[BlueGreenFleet] = field(default_factory=BlueGreenFleet)
    """Fleet settings of both colours (boot settings and secrets, role policies, volumes,
    rollout preferences, ...; see ``BlueGreenFleet``). Default: the release's own
    defaults."""
    tags: Optional[Mapping[str, pulumi.Input[str]]] = None
    """Tags for every resource that takes them. Default: only the ones the service sets."""


# --------------------------------------------------------------------------------------
# Derived values


def desired(args: BlueGreenServiceArgs) -> int:
    """The instances a serving colour is created with."""
    return args.min_size if args.desired_capacity is None else args.desired_capacity


def healthy_required(args: BlueGreenServiceArgs) -> int:
    """The health gate's threshold."""
    required = args.min_healthy_targets
    return args.min_size if required is None else required


def gate_timeout_seconds(args: BlueGreenServiceArgs) -> int:
    """``health_gate_timeout`` in seconds (``"1h30m"`` is 5400)."""
    units = {"h": 3600, "m": 60, "s": 1}
    found = re.findall(r"(\d+)([hms])", args.health_gate_timeout)
    return sum(int(count) * units[unit] for count, unit in found)


def certificate_region(arn: Any) -> Optional[str]:
    """The region of an ACM certificate ARN; None for an IAM one (global) or an unknown."""
    if not isinstance(arn, str) or ":acm:" not in arn:
        return None
    return arn.split(":")[3]


# --------------------------------------------------------------------------------------
# Checks


def validate(check: Check, args: BlueGreenServiceArgs, region: Optional[str] = None) -> None:
    """Raise ComponentInputError for the first bad input (unknown Outputs are skipped).

    ``region`` is the service's region when it is known at construction (the stack's
    ``aws:region`` with no explicit provider), else None; the existing load balancer's ARN
    tells it too. The fleet (``args.fleet``) is checked by ``_fleet.check_fleet``.
    """
    check.one_of("live", args.live, COLORS)
    check.int_range("canary_weight", args.canary_weight, 0, 100)
    _bool(check, "retire_idle", args.retire_idle)
    if args.retire_idle and args.canary_weight > 0:
        check.fail(
            "retire_idle",
            args.retire_idle,
            f"False while canary_weight ({args.canary_weight}) sends traffic to the idle "
            "colour; set canary_weight to 0 first",
        )
    check.vpc_id("vpc_id", args.vpc_id)
    for i, subnet in enumerate(_non_empty(check, "fleet_subnet_ids", args.fleet_subnet_ids)):
        check.subnet_id(f"fleet_subnet_ids[{i}]", subnet)
    for color in COLORS:
        validate_color(check, color, getattr(args, color))
    for i, cidr in enumerate(_non_empty(check, "ingress_cidrs", args.ingress_cidrs)):
        check.cidr(f"ingress_cidrs[{i}]", cidr)
    for i, cidr in enumerate(_list(check, "fleet_egress_cidrs", args.fleet_egress_cidrs)):
        check.cidr(f"fleet_egress_cidrs[{i}]", cidr)
    validate_load_balancer(check, args)
    check.int_range("app_port", args.app_port, 1, 65535)
    validate_health_check(check, args.health_check)
    validate_certificate(check, args, region)
    check.matches(
        "ssl_policy", args.ssl_policy, SSL_POLICY, "an 'ELBSecurityPolicy-TLS13-...' name"
    )
    check.instance_type("instance_type", args.instance_type)
    validate_capacity(check, args)
    validate_gate_timeout(check, args.health_gate_timeout)
    if args.stickiness_seconds is not None:
        check.int_range("stickiness_seconds", args.stickiness_seconds, 1, 604_800)
    if args.tags is not None and not is_unknown(args.tags):
        if not isinstance(args.tags, Mapping):
            check.fail("tags", args.tags, "a mapping of strings to strings")
        check.string_map("tags", dict(args.tags))


def validate_color(check: Check, label: str, color: Any) -> None:
    if not isinstance(color, BlueGreenColor):
        check.fail(
            label, color, "a BlueGreenColor(image_id=..., image_build_hash=..., version=...)"
        )
    if color.image_id is None:
        check.fail(f"{label}.image_id", None, "an AMI id, e.g. a GoldenImage's image_id")
    check.ami_id(f"{label}.image_id", color.image_id)
    if color.image_build_hash is not None:
        check.non_empty_str(f"{label}.image_build_hash", color.image_build_hash)
    if color.version is not None:
        check.non_empty_str(f"{label}.version", color.version)


def validate_health_check(check: Check, health: HealthCheck) -> None:
    check.matches(
        "health_check.path", health.path, HEALTH_PATH, "a path starting with '/', at most 1024"
    )
    check.matches(
        "health_check.matcher",
        health.matcher,
        MATCHER,
        "HTTP codes such as '200', '200,302' or '200-299'",
    )
    codes = [int(c) for c in re.findall(r"\d{3}", health.matcher)]
    if any(not 200 <= c <= 499 for c in codes):
        check.fail("health_check.matcher", health.matcher, "codes from 200 to 499")
    check.int_range("health_check.interval_seconds", health.interval_seconds, 5, 300)
    check.int_range("health_check.timeout_seconds", health.timeout_seconds, 2, 120)
    if health.timeout_seconds >= health.interval_seconds:
        check.fail(
            "health_check.timeout_seconds",
            health.timeout_seconds,
            f"less than interval_seconds ({health.interval_seconds})",
        )
    check.int_range("health_check.healthy_threshold", health.healthy_threshold, 2, 10)
    check.int_range("health_check.unhealthy_threshold", health.unhealthy_threshold, 2, 10)


#: The settings of a load balancer the service creates, refused with an existing one.
NEW_LOAD_BALANCER_ONLY = (
    "load_balancer_subnet_ids",
    "internal",
    "deletion_protection",
    "access_logs_bucket",
    "access_logs_prefix",
)


def validate_load_balancer(check: Check, args: BlueGreenServiceArgs) -> None:
    existing = args.load_balancer
    if existing is not None:
        check.matches(
            "load_balancer.arn",
            existing.arn,
            ALB_ARN,
            "an application load balancer ARN (...:loadbalancer/app/<name>/<id>)",
        )
        check.security_group_id("load_balancer.security_group_id", existing.security_group_id)
        check.non_empty_str("load_balancer.dns_name", existing.dns_name)
        for name in NEW_LOAD_BALANCER_ONLY:
            value = getattr(args, name)
            empty = isinstance(value, Sequence) and not isinstance(value, str) and not value
            if value is not None and not empty:
                check.fail(
                    name,
                    value,
                    "None with `load_balancer`: the existing load balancer keeps its own "
                    "subnets, scheme, deletion protection and access logs",
                )
        return
    if args.load_balancer_subnet_ids is None:
        check.fail(
            "load_balancer_subnet_ids",
            None,
            "at least two subnets in two availability zones, unless `load_balancer` is given",
        )
    subnets = _non_empty(check, "load_balancer_subnet_ids", args.load_balancer_subnet_ids)
    for i, subnet in enumerate(subnets):
        check.subnet_id(f"load_balancer_subnet_ids[{i}]", subnet)
    known = [s for s in subnets if not is_unknown(s)]
    if not is_unknown(args.load_balancer_subnet_ids) and (
        len(subnets) < 2 or len(set(known)) < len(known)
    ):
        check.fail(
            "load_balancer_subnet_ids",
            list(subnets),
            "at least two different subnets, in two availability zones "
            "(an application load balancer needs two zones)",
        )
    if args.access_logs_bucket is not None:
        check.matches(
            "access_logs_bucket",
            args.access_logs_bucket,
            BUCKET,
            "an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)",
        )
    if args.access_logs_prefix is not None:
        check.non_empty_str("access_logs_prefix", args.access_logs_prefix)
    for name in ("internal", "deletion_protection"):
        if getattr(args, name) is not None:
            _bool(check, name, getattr(args, name))


def validate_certificate(
    check: Check, args: BlueGreenServiceArgs, region: Optional[str] = None
) -> None:
    """The certificate's shape, and an ACM certificate in the load balancer's region (when
    both are known: ACM certificates are regional and a listener takes only its own)."""
    arn = args.certificate_arn
    if arn is None:
        return
    check.matches(
        "certificate_arn",
        arn,
        CERTIFICATE_ARN,
        "an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>) "
        "or an IAM server certificate ARN",
    )
    existing = args.load_balancer
    if existing is not None and isinstance(existing.arn, str):
        region = existing.arn.split(":")[3]
    where = certificate_region(arn)
    if region is not None and where is not None and where != region:
        check.fail(
            "certificate_arn",
            arn,
            f"an ACM certificate in the load balancer's region {region} (this one is in "
            f"{where}; ACM certificates are regional: request or import one in {region})",
        )


def validate_capacity(check: Check, args: BlueGreenServiceArgs) -> None:
    check.int_range("min_size", args.min_size, 0, 1000)
    if args.min_size == 0:
        # Both colours share min_size, and one of them always has weight > 0 (and a
        # retired colour has weight 0), so a 0 here is a serving colour with no instance.
        split = weights(args.live, args.canary_weight)
        color = next(c for c in COLORS if split[c] > 0)
        check.fail(
            "min_size",
            0,
            f"at least 1: {color} (weight {split[color]}) takes traffic and would send it "
            "to an empty group (retire_idle scales only the idle colour to zero)",
        )
    check.int_range("max_size", args.max_size, max(1, args.min_size), 1000)
    check.int_range("desired_capacity", desired(args), args.min_size, args.max_size)
    # The gate may not be switched off, nor wait for more targets than a colour at its
    # minimum size has (it would wait until the timeout).
    required = healthy_required(args)
    check.int_range("min_healthy_targets", required, 1)
    if required > args.min_size:
        check.fail(
            "min_healthy_targets",
            required,
            f"at most min_size ({args.min_size}; max_size is {args.max_size}): a colour "
            "at its minimum size must be able to pass the health gate",
        )


def validate_gate_timeout(check: Check, timeout: Any) -> None:
    check.matches("health_gate_timeout", timeout, DURATION, "a duration such as '15m'")
    if not re.search(r"[1-9]", timeout):
        # A zero timeout would fail the health gate before its first look.
        check.fail("health_gate_timeout", timeout, "a duration above zero, such as '15m'")


def _bool(check: Check, label: str, value: Any) -> None:
    if not isinstance(value, bool):
        check.fail(label, value, "True or False")


def _list(check: Check, label: str, value: Any) -> Sequence[Any]:
    """``value`` as a list to check item by item (None is an empty one; an unknown list
    has no items to check); a string or a non-list fails naming the field."""
    if value is None or is_unknown(value):
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        check.fail(label, value, "a list")
    for i, item in enumerate(value):
        if item is None:
            check.fail(f"{label}[{i}]", None, "a value, not None")
    return value


def _non_empty(check: Check, label: str, value: Any) -> Sequence[Any]:
    if value is None:
        check.fail(label, None, "a non-empty list, not None")
    if is_unknown(value):
        return []
    items = _list(check, label, value)
    if not items:
        check.fail(label, value, "a non-empty list")
    return items
