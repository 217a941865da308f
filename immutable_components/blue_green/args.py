"""Inputs of :class:`~immutable_components.blue_green.BlueGreenService`, and their checks."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi

from .._validate import Check, is_unknown
from ..golden_image import GoldenImage
from ..release import LaunchTemplateReleaseArgs
from .traffic import COLORS, weights

__all__ = [
    "DEFAULT_SSL_POLICY",
    "OWNED_RELEASE_FIELDS",
    "BlueGreenColor",
    "BlueGreenServiceArgs",
    "ExistingLoadBalancer",
    "HealthCheck",
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
DURATION = re.compile(r"^\d+[smh](\d+[sm])?(\d+s)?$")
BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
RELEASE_FIELDS = frozenset(LaunchTemplateReleaseArgs.__dataclass_fields__)
#: What the service decides for each colour's LaunchTemplateRelease. The capacity waits
#: (``wait_for_elb_capacity``, ``min_elb_capacity``) are left unset on purpose and may not be
#: set through ``release_args``: the health gate replaces them (see ``gate.py``).
OWNED_RELEASE_FIELDS = frozenset(
    {
        "image",
        "image_id",
        "instance_types",
        "version",
        "subnet_ids",
        "security_group_ids",
        "vpc_id",
        "instance_type",
        "min_size",
        "max_size",
        "desired_capacity",
        "target_group_arns",
        "health_check_type",
        "wait_for_elb_capacity",
        "min_elb_capacity",
        "wait_for_capacity_timeout",
        "tags",
    }
)


@dataclass(frozen=True, kw_only=True)
class BlueGreenColor:
    """What one colour runs."""

    image: GoldenImage | pulumi.Input[str]
    """Its image: a GoldenImage (tagged with its build hash) or an AMI id."""
    version: str | None = None
    """A release label, tagged ``Version`` on its template and instances. Default: none."""

    def validate(self, check: Check, label: str) -> None:
        if not isinstance(self, BlueGreenColor):
            check.fail(label, self, "a BlueGreenColor(image=..., version=...)")
        if not isinstance(self.image, GoldenImage):
            if self.image is None:
                check.fail(f"{label}.image", None, "a GoldenImage or an AMI id")
            check.ami_id(f"{label}.image", self.image)
        if self.version is not None:
            check.non_empty_str(f"{label}.version", self.version)


@dataclass(frozen=True, kw_only=True)
class HealthCheck:
    """How the load balancer decides that an instance is healthy (both target groups)."""

    path: str = "/healthz"
    """The HTTP path probed on the app port. Default: ``/healthz``."""
    matcher: str = "200"
    """Status codes that count as healthy: ``200``, ``200,302`` or ``200-299``.
    Default: only 200."""
    interval_seconds: int = 15
    """Seconds between probes, 5 to 300. Default: 15."""
    timeout_seconds: int = 5
    """Seconds before a probe fails, 2 to 120, below the interval. Default: 5."""
    healthy_threshold: int = 3
    """Consecutive successes before an instance takes traffic, 2 to 10. Default: 3 (45 s
    at the default interval)."""
    unhealthy_threshold: int = 3
    """Consecutive failures before an instance stops taking traffic, 2 to 10. Default: 3."""

    def validate(self, check: Check) -> None:
        check.matches(
            "health_check.path", self.path, HEALTH_PATH, "a path starting with '/', at most 1024"
        )
        check.matches(
            "health_check.matcher",
            self.matcher,
            MATCHER,
            "HTTP codes such as '200', '200,302' or '200-299'",
        )
        codes = [int(c) for c in re.findall(r"\d{3}", self.matcher)]
        if any(not 200 <= c <= 499 for c in codes):
            check.fail("health_check.matcher", self.matcher, "codes from 200 to 499")
        check.int_range("health_check.interval_seconds", self.interval_seconds, 5, 300)
        check.int_range("health_check.timeout_seconds", self.timeout_seconds, 2, 120)
        if self.timeout_seconds >= self.interval_seconds:
            check.fail(
                "health_check.timeout_seconds",
                self.timeout_seconds,
                f"less than interval_seconds ({self.interval_seconds})",
            )
        check.int_range("health_check.healthy_threshold", self.healthy_threshold, 2, 10)
        check.int_range("health_check.unhealthy_threshold", self.unhealthy_threshold, 2, 10)


@dataclass(frozen=True, kw_only=True)
class ExistingLoadBalancer:
    """An application load balancer the service uses instead of creating one."""

    arn: pulumi.Input[str]
    """Its ARN (``...:loadbalancer/app/<name>/<id>``)."""
    security_group_id: pulumi.Input[str]
    """A security group attached to it. The service adds its listener-port ingress rules
    and the egress rule to the fleets to this group."""
    dns_name: pulumi.Input[str]
    """Its DNS name, passed through to ``load_balancer_dns_name``."""


@dataclass(frozen=True, kw_only=True)
class BlueGreenServiceArgs:
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
    load_balancer_subnet_ids: Sequence[pulumi.Input[str]] = ()
    """Subnets of the new load balancer: at least two, in two availability zones (public
    subnets for an internet-facing one). Required unless ``load_balancer`` is given."""
    live: str = "blue"
    """The colour that takes the traffic: ``"blue"`` or ``"green"``. Moving it changes
    the listener's weights and nothing else. Default: blue."""
    canary_weight: int = 0
    """Percent of requests (0 to 100) sent to the idle colour; the live colour gets the
    rest. Default: 0, the idle colour takes no traffic."""
    retire_idle: bool = False
    """Scale the idle colour to zero instances (min = desired = max = 0). Setting it back
    to False restores its capacity. Refused with a canary weight above 0. Default: the
    idle colour is kept warm, so rollback is an instant weight change."""
    app_port: int = 8080
    """The port the app listens on, on each instance. Default: 8080."""
    health_check: HealthCheck = field(default_factory=HealthCheck)
    """The target groups' health check. Default: ``GET /healthz`` answers 200, every 15 s,
    3 in a row to become healthy or unhealthy."""
    certificate_arn: pulumi.Input[str] | None = None
    """An ACM (or IAM server) certificate ARN. With it, port 443 serves HTTPS and port 80
    redirects to it (301). Default: no certificate, port 80 serves plain HTTP."""
    ssl_policy: str = DEFAULT_SSL_POLICY
    """The HTTPS listener's TLS policy, an ``ELBSecurityPolicy-TLS13-...`` name.
    Default: ``ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09`` (TLS 1.3 and 1.2)."""
    instance_type: str = "t3.micro"
    """The fleets' instance type. Default: t3.micro."""
    min_size: int = 2
    """Fewest instances of a serving colour, at least 1 (a colour with traffic and no
    instance is refused; ``retire_idle`` scales the idle colour to zero). Default: 2 (one per
    zone in two zones)."""
    max_size: int = 2
    """Most instances of a serving colour, at least ``min_size`` and 1. Default: 2."""
    desired_capacity: int | None = None
    """Instances a colour is created with (after that, scaling owns it; a colour brought
    back from retirement starts at ``min_size``). Default: ``min_size``."""
    min_healthy_targets: int | None = None
    """The health gate (``{name}-{colour}-gate``): before any weight change that gives a
    colour traffic or changes the split (cutover, canary, rollback, a colour back from
    retirement), ``pulumi up`` waits until that colour's target group has at least this
    many healthy targets, and only then moves the listener. 1 to ``min_size`` (a colour at
    its minimum size must be able to pass), so never above ``max_size``. Default:
    ``min_size``, every instance of a colour at its minimum."""
    health_gate_timeout: str = "15m"
    """How long the health gate waits before the update fails, leaving the weights as they
    were (a Go duration such as ``"15m"`` or ``"1h30m"``, above zero). Default: 15
    minutes."""
    stickiness_seconds: int | None = None
    """Pin each client to one colour for this many seconds (1 to 604800). Stickiness
    overrides the weights: during a cutover, pinned clients stay on the old colour until
    their cookie expires (a warning says so). Default: no stickiness."""
    fleet_egress_cidrs: Sequence[str] = ()
    """Where instances may open HTTPS (443) connections, e.g. ``["0.0.0.0/0"]`` for AWS APIs
    through a NAT gateway. Default: none, instances only answer the load balancer (a
    baked image needs nothing at boot)."""
    load_balancer: ExistingLoadBalancer | None = None
    """Use this application load balancer instead of creating one. Default: the service
    creates its own, with its own security group."""
    internal: bool = False
    """Create an internal load balancer. Default: internet-facing."""
    deletion_protection: bool = True
    """Protect the load balancer from deletion (AWS refuses to delete it until this is
    turned off). Default: on; set False before ``pulumi destroy``."""
    access_logs_bucket: pulumi.Input[str] | None = None
    """An S3 bucket for access logs (its policy must let the ELB service write). Default:
    no access logs."""
    access_logs_prefix: str | None = None
    """The key prefix of access logs. Default: the service's name."""
    release_args: Mapping[str, Any] = field(default_factory=dict)
    """The escape hatch: more ``LaunchTemplateReleaseArgs`` fields for both colours
    (``settings``, ``secrets``, ``role_policy_arns``, ``refresh``, ...). The fields the
    service owns (image, subnets, security groups, sizes, target groups, the group's
    capacity waits, which the health gate replaces, tags) are refused. Default: the
    release's own defaults."""
    tags: Mapping[str, str] | None = None
    """Tags for every resource that takes them. Default: only the ones the service sets."""

    def desired(self) -> int:
        return self.min_size if self.desired_capacity is None else self.desired_capacity

    def healthy_required(self) -> int:
        required = self.min_healthy_targets
        return self.min_size if required is None else required

    def gate_timeout_seconds(self) -> int:
        """``health_gate_timeout`` in seconds (``"1h30m"`` is 5400)."""
        units = {"h": 3600, "m": 60, "s": 1}
        found = re.findall(r"(\d+)([hms])", self.health_gate_timeout)
        return sum(int(count) * units[unit] for count, unit in found)

    def validate(self, check: Check) -> None:
        """Raise ComponentInputError for the first bad input (unknown Outputs are skipped)."""
        check.one_of("live", self.live, COLORS)
        check.int_range("canary_weight", self.canary_weight, 0, 100)
        if not isinstance(self.retire_idle, bool):
            check.fail("retire_idle", self.retire_idle, "True or False")
        if self.retire_idle and self.canary_weight > 0:
            check.fail(
                "retire_idle",
                self.retire_idle,
                f"False while canary_weight ({self.canary_weight}) sends traffic to the idle "
                "colour; set canary_weight to 0 first",
            )
        check.vpc_id("vpc_id", self.vpc_id)
        for i, subnet in enumerate(check.non_empty_list("fleet_subnet_ids", self.fleet_subnet_ids)):
            check.subnet_id(f"fleet_subnet_ids[{i}]", subnet)
        for color in COLORS:
            BlueGreenColor.validate(getattr(self, color), check, color)
        for i, cidr in enumerate(check.non_empty_list("ingress_cidrs", self.ingress_cidrs)):
            check.cidr(f"ingress_cidrs[{i}]", cidr)
        for i, cidr in enumerate(self.fleet_egress_cidrs):
            check.cidr(f"fleet_egress_cidrs[{i}]", cidr)
        self._validate_load_balancer(check)
        check.int_range("app_port", self.app_port, 1, 65535)
        self.health_check.validate(check)
        if self.certificate_arn is not None:
            check.matches(
                "certificate_arn",
                self.certificate_arn,
                CERTIFICATE_ARN,
                "an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>) "
                "or an IAM server certificate ARN",
            )
        check.matches(
            "ssl_policy", self.ssl_policy, SSL_POLICY, "an 'ELBSecurityPolicy-TLS13-...' name"
        )
        check.instance_type("instance_type", self.instance_type)
        self._validate_capacity(check)
        check.matches(
            "health_gate_timeout", self.health_gate_timeout, DURATION, "a duration such as '15m'"
        )
        if isinstance(self.health_gate_timeout, str) and not re.search(
            r"[1-9]", self.health_gate_timeout
        ):
            # A zero timeout would fail the health gate before its first look.
            check.fail("health_gate_timeout", self.health_gate_timeout, "a duration above zero")
        if self.stickiness_seconds is not None:
            check.int_range("stickiness_seconds", self.stickiness_seconds, 1, 604_800)
        check.string_map("tags", self.tags)
        if not isinstance(self.release_args, Mapping):
            check.fail("release_args", self.release_args, "a mapping of LaunchTemplateReleaseArgs")
        for key in self.release_args:
            if key in OWNED_RELEASE_FIELDS or key not in RELEASE_FIELDS:
                check.fail(
                    "release_args key",
                    key,
                    "a LaunchTemplateReleaseArgs field the service does not set itself",
                )

    def _validate_load_balancer(self, check: Check) -> None:
        if self.load_balancer is not None:
            check.matches(
                "load_balancer.arn",
                self.load_balancer.arn,
                ALB_ARN,
                "an application load balancer ARN (...:loadbalancer/app/<name>/<id>)",
            )
            check.security_group_id(
                "load_balancer.security_group_id", self.load_balancer.security_group_id
            )
            check.non_empty_str("load_balancer.dns_name", self.load_balancer.dns_name)
        else:
            subnets = check.non_empty_list(
                "load_balancer_subnet_ids", self.load_balancer_subnet_ids
            )
            for i, subnet in enumerate(subnets):
                check.subnet_id(f"load_balancer_subnet_ids[{i}]", subnet)
            known = [s for s in subnets if not is_unknown(s)]
            if not is_unknown(self.load_balancer_subnet_ids) and (
                len(subnets) < 2 or len(set(known)) < len(known)
            ):
                check.fail(
                    "load_balancer_subnet_ids",
                    list(subnets),
                    "at least two different subnets, in two availability zones "
                    "(an application load balancer needs two zones)",
                )
            if self.access_logs_bucket is not None:
                check.matches(
                    "access_logs_bucket",
                    self.access_logs_bucket,
                    BUCKET,
                    "an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)",
                )
        if not isinstance(self.internal, bool):
            check.fail("internal", self.internal, "True or False")
        if not isinstance(self.deletion_protection, bool):
            check.fail("deletion_protection", self.deletion_protection, "True or False")

    def _validate_capacity(self, check: Check) -> None:
        check.int_range("min_size", self.min_size, 0, 1000)
        if self.min_size == 0:
            # Both colours share min_size, and one of them always has weight > 0 (and a
            # retired colour has weight 0), so a 0 here is a serving colour with no instance.
            split = weights(self.live, self.canary_weight)
            color = next(c for c in COLORS if split[c] > 0)
            check.fail(
                "min_size",
                0,
                f"at least 1: {color} (weight {split[color]}) takes traffic and would send it "
                "to an empty group (retire_idle scales only the idle colour to zero)",
            )
        check.int_range("max_size", self.max_size, max(1, self.min_size), 1000)
        check.int_range("desired_capacity", self.desired(), self.min_size, self.max_size)
        # The gate may not be switched off, nor wait for more targets than a colour at its
        # minimum size has (it would wait until the timeout).
        required = self.healthy_required()
        check.int_range("min_healthy_targets", required, 1)
        if isinstance(self.min_size, int) and required > self.min_size:
            check.fail(
                "min_healthy_targets",
                required,
                f"at most min_size ({self.min_size}; max_size is {self.max_size}): a colour "
                "at its minimum size must be able to pass the health gate",
            )
