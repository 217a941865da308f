"""BlueGreenService on AWS: one load balancer, two colours, traffic by listener weights.

Resources, all children of the component (``name`` is the service's name):

``{name}-lb-sg``, ``{name}-fleet-sg``   the security groups, with separate rules
                                      (``{name}-lb-in-<port>-<i>``, ``{name}-lb-out``,
                                      ``{name}-fleet-in``, ``{name}-fleet-out-<i>``)
``{name}-alb``                        the application load balancer (unless one is given)
``{name}-blue-tg``, ``{name}-green-tg`` one target group per colour
``{name}-blue``, ``{name}-green``     a LaunchTemplateRelease per colour, its group in its
                                      colour's target group
``{name}-blue-gate``,                 a HealthGate (see :mod:`.gate`) per colour with
``{name}-green-gate``                 traffic (weight > 0) only: it waits for
                                      ``min_healthy_targets`` healthy targets in the
                                      colour's target group
``{name}-https`` / ``{name}-http``    the forwarding listener (weights), and the HTTP
                                      redirect when there is a certificate

The health gate: for each colour with weight > 0, ``{name}-{colour}-gate`` depends on that
colour's LaunchTemplateRelease (so it looks once the rollout is over), and the forwarding
listener depends on the gates. The gate's inputs carry the listener's whole split, so every
weight change (cutover, canary, rollback, a colour back from retirement) creates or updates
a gate, which waits for healthy targets (``DescribeTargetHealth``) before the listener
moves; a failed gate fails ``pulumi up`` and leaves the weights as they were. An ``up``
that changes no weight checks nothing and shows nothing.

A colour with weight 0 has no gate: there is nothing to protect while it takes no
traffic, and the gate it gets when traffic comes back is a create, which checks. Such a
colour's release is registered *after* the listener, depending on it, so it is scaled down
or rolled only once traffic has left it.

The groups keep ``health_check_type="ELB"`` but set none of the provider's capacity waits
(``wait_for_elb_capacity``, ``min_elb_capacity``; ``wait_for_capacity_timeout`` is ``"0"``):
on update the provider waits only when ``min_size`` or ``desired_capacity`` changes, and
then for *exactly* that many healthy instances (as recorded in the state, which scaling may
have moved), so it hung on a scaled-out or returning colour and checked nothing on a pure
weight change (hashicorp/terraform-provider-aws ``internal/service/autoscaling/group.go``,
``resourceGroupUpdate``, and ``group_waiting.go``, ``capacitySatisfiedUpdate``;
https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/autoscaling_group#waiting-for-capacity).
"""

import hashlib
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from .._aws_identity import provider_identity
from .._constants import MANAGED_BY
from .._passdown import child_options
from .._records import build
from .._validate import Check
from ..release import LaunchTemplateRelease, LaunchTemplateReleaseArgs, _lookups
from ._fleet import check_fleet, release_args_for
from ._security import security_groups
from .args import BlueGreenServiceArgs, gate_timeout_seconds, healthy_required, validate
from .gate import HealthGate, HealthGateArgs
from .traffic import COLORS, aws_name, weights

__all__ = ["BlueGreenService"]

TYPE_TOKEN = "immutable:index:BlueGreenService"  # noqa: S105 (a type token)
HTTP_PORT = 80
HTTPS_PORT = 443


class BlueGreenService(pulumi.ComponentResource):
    """A service on two fleets, blue and green, behind one application load balancer.

    Type token ``immutable:index:BlueGreenService``. See the README's BlueGreenService
    section.
    """

    load_balancer_arn: pulumi.Output[str]
    """The load balancer's ARN."""
    load_balancer_dns_name: pulumi.Output[str]
    """The name clients use (point a CNAME or alias record at it)."""
    load_balancer_security_group_id: pulumi.Output[str]
    """The load balancer's security group."""
    fleet_security_group_id: pulumi.Output[str]
    """The security group of both fleets."""
    listener_arn: pulumi.Output[str]
    """The listener whose weights follow ``live`` (HTTPS with a certificate, else HTTP)."""
    live_color: pulumi.Output[str]
    """``blue`` or ``green``: the colour taking the traffic."""
    blue_target_group_arn: pulumi.Output[str]
    """The blue colour's target group."""
    green_target_group_arn: pulumi.Output[str]
    """The green colour's target group."""
    blue_auto_scaling_group_name: pulumi.Output[str]
    """The blue fleet's Auto Scaling group."""
    green_auto_scaling_group_name: pulumi.Output[str]
    """The green fleet's Auto Scaling group."""
    blue_launch_template_version: pulumi.Output[int]
    """The launch template version blue runs."""
    green_launch_template_version: pulumi.Output[int]
    """The launch template version green runs."""

    def __init__(
        self,
        name: str,
        args: BlueGreenServiceArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        check = Check("BlueGreenService", name)
        # Python records and the provider's dicts alike; everything (the fleet included) is
        # checked before anything is registered.
        args = build(BlueGreenServiceArgs, args, check)
        validate(check, args, region=region_known_at_construction(opts))
        check_fleet(check, args)
        super().__init__(TYPE_TOKEN, name, None, opts)
        self._name, self._args, self._opts = name, args, opts
        # Physical names carry the stack, so dev and prod of one program share an account.
        self._physical = f"{pulumi.get_stack()}-{name}"
        self._tags: dict[str, Any] = {
            **(args.tags or {}),
            "ManagedBy": MANAGED_BY,
            "Service": name,
        }
        if args.stickiness_seconds is not None:
            pulumi.log.warn(
                f"stickiness ({args.stickiness_seconds} s) overrides the listener weights: "
                "during a cutover or canary, clients pinned to a colour stay on it until "
                "their AWSALBTG cookie expires, whatever the weights say",
                resource=self,
            )

        ports = [HTTP_PORT, HTTPS_PORT] if args.certificate_arn is not None else [HTTP_PORT]
        existing = args.load_balancer
        groups = security_groups(
            name,
            vpc_id=args.vpc_id,
            existing_id=existing.security_group_id if existing else None,
            listener_ports=ports,
            ingress_cidrs=args.ingress_cidrs,
            app_port=args.app_port,
            fleet_egress_cidrs=args.fleet_egress_cidrs or (),
            tags=self._tags,
            opts=self._child,
        )
        if existing is None:
            lb = self._load_balancer(groups.load_balancer_id)
            lb_arn, dns_name = lb.arn, lb.dns_name
        else:
            lb_arn = pulumi.Output.from_input(existing.arn)
            dns_name = pulumi.Output.from_input(existing.dns_name)
        target_groups = {color: self._target_group(color) for color in COLORS}

        split = weights(args.live, args.canary_weight)
        serving = [color for color in COLORS if split[color] > 0]
        releases = {
            color: self._release(color, target_groups[color], groups.fleet.id) for color in serving
        }
        gates: list[pulumi.Resource] = [
            self._gate(color, target_groups[color], split, releases[color]) for color in serving
        ]
        listener = self._listeners(lb_arn, target_groups, split, gate=gates)
        for color in COLORS:
            if color not in serving:
                releases[color] = self._release(
                    color, target_groups[color], groups.fleet.id, after=listener
                )

        self.load_balancer_arn = lb_arn
        self.load_balancer_dns_name = dns_name
        self.load_balancer_security_group_id = pulumi.Output.from_input(groups.load_balancer_id)
        self.fleet_security_group_id = groups.fleet.id
        self.listener_arn = listener.arn
        self.live_color = pulumi.Output.from_input(args.live)
        self.blue_target_group_arn = target_groups["blue"].arn
        self.green_target_group_arn = target_groups["green"].arn
        self.blue_auto_scaling_group_name = releases["blue"].auto_scaling_group_name
        self.green_auto_scaling_group_name = releases["green"].auto_scaling_group_name
        self.blue_launch_template_version = releases["blue"].launch_template_latest_version
        self.green_launch_template_version = releases["green"].launch_template_latest_version
        self.register_outputs({key: getattr(self, key) for key in BlueGreenService.__annotations__})

    # ----------------------------------------------------------------------------------
    def _child(self, args_type: type, **options: Any) -> pulumi.ResourceOptions:
        """Child options: parent, and the service's ``ignore_changes`` that apply."""
        return child_options(self, self._opts, args_type, **options)

    def _load_balancer(self, security_group_id: pulumi.Input[str]) -> aws.lb.LoadBalancer:
        args, name = self._args, self._name
        logs = None
        if args.access_logs_bucket is not None:
            logs = aws.lb.LoadBalancerAccessLogsArgs(
                bucket=args.access_logs_bucket,
                prefix=args.access_logs_prefix or name,
                enabled=True,
            )
        return aws.lb.LoadBalancer(
            f"{name}-alb",
            name=aws_name(self._physical, "alb"),
            load_balancer_type="application",
            internal=bool(args.internal),
            security_groups=[security_group_id],
            subnets=list(args.load_balancer_subnet_ids or ()),
            drop_invalid_header_fields=True,
            enable_deletion_protection=args.deletion_protection is not False,
            access_logs=logs,
            tags=self._tags,
            opts=self._child(aws.lb.LoadBalancerArgs),
        )

    def _target_group(self, color: str) -> aws.lb.TargetGroup:
        args, name = self._args, self._name
        check = args.health_check
        # Port, protocol and target type replace a target group: they are in its name, so a
        # replacement (created before the old one is deleted) never collides with it.
        settings = f"{args.app_port}/HTTP/instance"
        digest = hashlib.sha256(settings.encode()).hexdigest()[:4]
        return aws.lb.TargetGroup(
            f"{name}-{color}-tg",
            name=aws_name(self._physical, f"{color}-{digest}"),
            port=args.app_port,
            protocol="HTTP",
            target_type="instance",
            vpc_id=args.vpc_id,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                enabled=True,
                protocol="HTTP",
                port="traffic-port",
                path=check.path,
                matcher=check.matcher,
                interval=check.interval_seconds,
                timeout=check.timeout_seconds,
                healthy_threshold=check.healthy_threshold,
                unhealthy_threshold=check.unhealthy_threshold,
            ),
            tags={**self._tags, "Color": color},
            opts=self._child(aws.lb.TargetGroupArgs),
        )

    def _release(
        self,
        color: str,
        target_group: aws.lb.TargetGroup,
        fleet_group_id: pulumi.Input[str],
        after: pulumi.Resource | None = None,
    ) -> LaunchTemplateRelease:
        return LaunchTemplateRelease(
            f"{self._name}-{color}",
            release_args_for(
                self._args,
                color,
                target_group_arn=target_group.arn,
                security_group_id=fleet_group_id,
                tags={**self._tags, "Color": color},
            ),
            opts=self._child(
                LaunchTemplateReleaseArgs, depends_on=[after] if after is not None else None
            ),
        )

    def _gate(
        self,
        color: str,
        target_group: aws.lb.TargetGroup,
        split: dict[str, int],
        release: LaunchTemplateRelease,
    ) -> HealthGate:
        args = self._args
        # The target group's provider: an explicit one's settings reach the gate's process
        # (which knows only the stack's aws: config), as they reach the rollout.
        explicit = target_group.get_provider("aws:lb/targetGroup:TargetGroup")
        return HealthGate(
            f"{self._name}-{color}-gate",
            HealthGateArgs(
                target_group_arn=target_group.arn,
                color=color,
                weights=split,
                min_healthy_targets=healthy_required(args),
                timeout_seconds=gate_timeout_seconds(args),
                # The target group's region: that of the service's aws provider.
                region=_lookups.region(self),
                role_arn=args.fleet.refresh_role_arn,
                identity=provider_identity(explicit) if explicit is not None else None,
            ),
            opts=self._child(HealthGateArgs, depends_on=[release]),
        )

    def _listeners(
        self,
        lb_arn: pulumi.Input[str],
        target_groups: dict[str, aws.lb.TargetGroup],
        split: dict[str, int],
        gate: list[pulumi.Resource],
    ) -> aws.lb.Listener:
        args, name = self._args, self._name
        sticky = args.stickiness_seconds
        forward = aws.lb.ListenerDefaultActionArgs(
            type="forward",
            forward=aws.lb.ListenerDefaultActionForwardArgs(
                target_groups=[
                    aws.lb.ListenerDefaultActionForwardTargetGroupArgs(
                        arn=target_groups[color].arn, weight=split[color]
                    )
                    for color in COLORS
                ],
                # Always sent: an absent block diffs forever against what AWS reports.
                stickiness=aws.lb.ListenerDefaultActionForwardStickinessArgs(
                    enabled=sticky is not None, duration=sticky or 1
                ),
            ),
        )
        gated = self._child(aws.lb.ListenerArgs, depends_on=gate or None)
        if args.certificate_arn is None:
            return aws.lb.Listener(
                f"{name}-http",
                load_balancer_arn=lb_arn,
                port=HTTP_PORT,
                protocol="HTTP",
                default_actions=[forward],
                tags=self._tags,
                opts=gated,
            )
        https = aws.lb.Listener(
            f"{name}-https",
            load_balancer_arn=lb_arn,
            port=HTTPS_PORT,
            protocol="HTTPS",
            ssl_policy=args.ssl_policy,
            certificate_arn=args.certificate_arn,
            default_actions=[forward],
            tags=self._tags,
            opts=gated,
        )
        aws.lb.Listener(
            f"{name}-http",
            load_balancer_arn=lb_arn,
            port=HTTP_PORT,
            protocol="HTTP",
            default_actions=[
                aws.lb.ListenerDefaultActionArgs(
                    type="redirect",
                    redirect=aws.lb.ListenerDefaultActionRedirectArgs(
                        port=str(HTTPS_PORT), protocol="HTTPS", status_code="HTTP_301"
                    ),
                )
            ],
            tags=self._tags,
            opts=self._child(aws.lb.ListenerArgs),
        )
        return https


def region_known_at_construction(opts: pulumi.ResourceOptions | None) -> str | None:
    """The service's region when the program knows it before registering anything: the
    stack's ``aws:region``, unless an explicit ``aws`` provider (given, or inherited from
    the parent) decides it, whose region only the engine knows."""
    if opts is not None:
        provider = opts.provider
        if isinstance(provider, pulumi.ProviderResource) and provider.package == "aws":
            return None
        providers = opts.providers
        if isinstance(providers, Mapping):
            if "aws" in providers:
                return None
        elif providers and any(p.package == "aws" for p in providers):
            return None
        if opts.parent is not None and opts.parent.get_provider("aws::") is not None:
            return None
    return pulumi.Config("aws").get("region")
