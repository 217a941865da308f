"""``HealthGate``: a Pulumi dynamic resource that waits for healthy targets before traffic moves.

BlueGreenService registers one gate, ``{name}-{colour}-gate``, for each colour the listener
sends traffic to (weight > 0). The gate depends on that colour's LaunchTemplateRelease (so
it looks once the rollout is over) and the listener depends on the gate (so the weights
change only once it passed):

- **create** waits until the colour's target group has at least ``min_healthy_targets``
  targets in the ``healthy`` state (elbv2 ``DescribeTargetHealth``). A colour that starts
  taking traffic (cutover, canary, rollback, a colour back from retirement) gets a new gate,
  so that is a create.
- **diff** proposes an update whenever the listener's weights change (this colour's weight or
  the other's), and so does the engine's preview; a new target group or region replaces the
  gate (the replacement's create waits on the new group). A change of the threshold,
  timeout, poll interval or role alone is *no change*: traffic does not move, so there is
  nothing to gate; the new values are used by the next check. A ``pulumi up`` that changes
  no weight shows nothing.
- **update** waits again, with the new inputs.
- **delete** and **read** do nothing: a gate has nothing in AWS. A colour that stops taking
  traffic loses its gate (a delete, after the listener moved).

Waiting: the target group is described every ``poll_seconds`` until enough targets are
healthy, or until ``timeout_seconds`` pass; then :class:`~immutable_components.errors.
HealthGateTimeout` fails the gate, and so ``pulumi up``, with a message naming the target
group and what it saw (targets by state, AWS's reason codes and descriptions). The listener
depends on the gate, so it keeps its old weights.

A target group that no listener rule names yet has no health checks at all: its targets are
``unused`` with reason ``Target.NotInUse`` ("the target group is not used by any load
balancer", `TargetHealth
<https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html>`_;
"health checks are performed on all targets registered to a target group that is specified
in a listener rule", `Target groups
<https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html>`_).
That happens once per target group: on the first deployment (the listener is created after
the gate) and after a change that replaces a target group (the app port). Health cannot be
seen before the listener names the group, so then the gate passes once ``min_healthy_targets``
targets are registered and ``DescribeTargetGroups`` shows the group on no load balancer; the
load balancer routes to a new target only after it passed its first health check. Ever
after, the forward action names both colours' groups (weight 0 included), so both are
health-checked and every weight change is gated on real health.

Why not the Auto Scaling group's ``wait_for_elb_capacity``: the AWS provider waits on update
only when ``min_size`` or ``desired_capacity`` changes, and then for *exactly* that many
healthy instances (``resourceGroupUpdate`` sets ``shouldWaitForCapacity`` only for those two;
``capacitySatisfiedUpdate`` demands ``haveELB == wantELB``: hashicorp/terraform-provider-aws,
``internal/service/autoscaling/group.go`` and ``group_waiting.go``; docs: "wait for exactly
this number of healthy instances", https://registry.terraform.io/providers/hashicorp/aws/
latest/docs/resources/autoscaling_group#waiting-for-capacity). So a pure weight change
checked nothing, and a colour scaled out, brought back from retirement, or asked for fewer
healthy targets than its size waited until the timeout.

Where it runs: a dynamic provider runs in a separate process with the Pulumi CLI's
environment only (the default boto3 chain: environment, ``AWS_PROFILE``, SSO, instance
role), not with the ``aws`` provider's configuration; ``role_arn`` acts as another role. The
client is made in one place, :func:`_client`. ``region`` is an explicit input; when it is not
given, the stack's ``aws:region`` config. The provider is pickled by reference (module-level
class, no state), so this library must be importable where ``pulumi up`` runs. It needs
``elasticloadbalancing:DescribeTargetHealth`` and ``elasticloadbalancing:DescribeTargetGroups``.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from .._aws_identity import Identity, acting_as
from .._validate import Check
from ..errors import HealthGateTimeout
from ..release.mixed_policy import plain
from ..release.refresh import aws_session, identity_props
from .traffic import COLORS

__all__ = [
    "HealthGate",
    "HealthGateArgs",
    "HealthGateProvider",
    "TargetHealthSeen",
    "look",
    "wait_for_healthy",
]

TARGET_GROUP_ARN = re.compile(
    r"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup/[^/]+/[0-9a-f]+$"
)
#: A forward action's weights are 0 to 999.
MAX_WEIGHT = 999
NOT_IN_USE = "Target.NotInUse"

# Python attribute name -> property name on the wire (what the engine, mocks and plans see).
_WIRE = {
    "target_group_arn": "targetGroupArn",
    "color": "color",
    "weight": "weight",
    "weights": "weights",
    "min_healthy_targets": "minHealthyTargets",
    "timeout_seconds": "timeoutSeconds",
    "poll_seconds": "pollSeconds",
    "region": "region",
    "role_arn": "roleArn",
    "identity": "identity",
}
_PYTHON = {wire: name for name, wire in _WIRE.items()}
_REPLACE_ON = ("targetGroupArn", "region")
_CHECK_ON = ("weight", "weights")

# Looked up at call time, so tests can swap them.
_sleep = time.sleep
_clock = time.monotonic


@dataclass(frozen=True, kw_only=True)
class HealthGateArgs:
    """Inputs of :class:`HealthGate`."""

    target_group_arn: pulumi.Input[str]
    """The colour's target group (``...:targetgroup/<name>/<id>``)."""

    color: str
    """The colour it gates, ``blue`` or ``green``."""

    weights: Mapping[str, int]
    """The listener's whole split, e.g. ``{"blue": 90, "green": 10}``: both colours, 0 to
    999 each; this colour's weight above 0 (a colour without traffic needs no gate). Any
    change of it re-checks the gate."""

    min_healthy_targets: int
    """Healthy targets the group must have, at least 1."""

    timeout_seconds: int = 900
    """How long a check waits before it fails the update, at least 1. Default: 15 minutes."""

    poll_seconds: int = 10
    """Seconds between two looks at the target group, 1 to 300. Default: 10."""

    region: pulumi.Input[str] | None = None
    """The target group's region. Default: the stack's ``aws:region`` config."""

    role_arn: pulumi.Input[str] | None = None
    """An IAM role to assume for the elbv2 calls, after the identity's own role chain.
    Default: none, the identity acts itself."""

    identity: Identity | pulumi.Input[Mapping[str, Any]] | None = None
    """An explicit ``aws.Provider``'s settings (``provider_identity(provider)``), as the
    rollout takes them. Default: the stack's ``aws:`` config, read by the provider's
    ``configure()``."""

    def validate(self, check: Check, region: Any) -> None:
        """Raise ComponentInputError for the first bad input (unknown Outputs are skipped)."""
        check.matches(
            "target_group_arn",
            self.target_group_arn,
            TARGET_GROUP_ARN,
            "a target group ARN (arn:aws:elasticloadbalancing:<region>:<account>:"
            "targetgroup/<name>/<id>)",
        )
        check.one_of("color", self.color, COLORS)
        if not isinstance(self.weights, Mapping) or sorted(self.weights) != sorted(COLORS):
            check.fail("weights", self.weights, "a mapping of both colours to their weights")
        for color in COLORS:
            check.int_range(f"weights[{color!r}]", self.weights[color], 0, MAX_WEIGHT)
        if self.weights[self.color] == 0:
            check.fail(
                f"weights[{self.color!r}]",
                0,
                "above 0: a colour without traffic has nothing to gate",
            )
        check.int_range("min_healthy_targets", self.min_healthy_targets, 1)
        check.int_range("timeout_seconds", self.timeout_seconds, 1)
        check.int_range("poll_seconds", self.poll_seconds, 1, 300)
        if region is None:
            check.fail("region", region, "an AWS region, or the stack config `aws:region`")
        check.aws_region("region", region)
        if self.role_arn is not None:
            check.arn("role_arn", self.role_arn, service="iam")
        identity_props(check, self.identity)


@dataclass(frozen=True)
class TargetHealthSeen:
    """One look at a target group: how many targets, in which state, and why."""

    target_group_arn: str
    states: dict[str, int]
    """Targets per state (``healthy``, ``initial``, ``unhealthy``, ``unused``, ...)."""
    reasons: dict[str, int]
    """Targets per ``<Reason>: <Description>`` (AWS gives none for healthy targets)."""
    not_in_use: int
    """Targets ``unused`` because the group is on no load balancer (or their zone is not)."""

    @property
    def total(self) -> int:
        return sum(self.states.values())

    @property
    def healthy(self) -> int:
        return self.states.get("healthy", 0)

    def describe(self) -> str:
        """``3 target(s): healthy 1, unhealthy 2; reasons: ...`` (what a failure reports)."""
        if not self.total:
            return "no registered targets"
        states = ", ".join(f"{state} {count}" for state, count in sorted(self.states.items()))
        text = f"{self.total} target(s): {states}"
        if self.reasons:
            text += "; reasons: " + ", ".join(
                f"{reason} (x{count})" for reason, count in sorted(self.reasons.items())
            )
        return text


def look(client: Any, target_group_arn: str) -> TargetHealthSeen:
    """``DescribeTargetHealth`` of every target of the group, counted by state and reason."""
    answer = client.describe_target_health(TargetGroupArn=target_group_arn)
    states: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    not_in_use = 0
    for item in answer.get("TargetHealthDescriptions", []):
        health = item.get("TargetHealth") or {}
        states[health.get("State", "unknown")] += 1
        reason = health.get("Reason")
        if reason:
            description = health.get("Description")
            reasons[f"{reason}: {description}" if description else reason] += 1
        if reason == NOT_IN_USE:
            not_in_use += 1
    return TargetHealthSeen(target_group_arn, dict(states), dict(reasons), not_in_use)


def _on_no_load_balancer(client: Any, target_group_arn: str) -> bool:
    answer = client.describe_target_groups(TargetGroupArns=[target_group_arn])
    return all(not group.get("LoadBalancerArns") for group in answer.get("TargetGroups", []))


def wait_for_healthy(
    client: Any,
    target_group_arn: str,
    required: int,
    *,
    color: str,
    timeout_seconds: float,
    poll_seconds: float,
    sleep: Any,
    clock: Any,
) -> TargetHealthSeen:
    """Look every ``poll_seconds`` until ``required`` targets are healthy; raise
    :class:`HealthGateTimeout` once ``timeout_seconds`` pass (the last look is at the end).

    A group on no load balancer yet (see the module docstring) passes once ``required``
    targets are registered.
    """
    deadline = clock() + timeout_seconds
    while True:
        seen = look(client, target_group_arn)
        if seen.healthy >= required:
            return seen
        if (
            seen.not_in_use
            and seen.healthy + seen.not_in_use >= required
            and _on_no_load_balancer(client, target_group_arn)
        ):
            return seen
        remaining = deadline - clock()
        if remaining <= 0:
            raise HealthGateTimeout(
                f"health gate of {color}: target group {target_group_arn} has {seen.healthy} "
                f"healthy target(s), {required} required, after {timeout_seconds:g} s; it "
                f"saw {seen.describe()}. The listener keeps its weights: fix the colour (or "
                "wait for it) and run `pulumi up` again",
                target_group_arn=target_group_arn,
                color=color,
                required=required,
                healthy=seen.healthy,
                states=seen.states,
                reasons=seen.reasons,
            )
        sleep(min(poll_seconds, remaining))


class HealthGateProvider(pulumi.dynamic.ResourceProvider):
    """The dynamic provider behind :class:`HealthGate` (see the module docstring).

    Stateless and module-level, so Pulumi's serializer (dill) pickles it by reference; the
    boto3 client is made inside each call.
    """

    serialize_as_secret_always = False  # it captures nothing secret

    _stack_identity: Identity | None = None

    def configure(self, req: pulumi.dynamic.ConfigureRequest) -> None:
        """Read the stack's ``aws:`` config: the default provider's identity (this provider
        runs in the engine's dynamic-provider process, which knows nothing else of it)."""
        self._stack_identity = Identity.from_stack_config(req.config)

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        """Wait for the colour's healthy targets; record the inputs."""
        _check(props, self._stack_identity)
        return pulumi.dynamic.CreateResult(id_=str(props["targetGroupArn"]), outs=_inputs(props))

    def diff(
        self, _id: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> pulumi.dynamic.DiffResult:
        """Check again on new weights; replace on a new target group or region."""
        replaces = [key for key in _REPLACE_ON if olds.get(key) != news.get(key)]
        changes = bool(replaces) or _weights_changed(olds, news)
        return pulumi.dynamic.DiffResult(
            changes=changes, replaces=replaces, delete_before_replace=False
        )

    def update(
        self, _id: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> pulumi.dynamic.UpdateResult:
        """Wait again for the colour's healthy targets (the weights changed)."""
        _check(news, self._stack_identity)
        return pulumi.dynamic.UpdateResult(outs=_inputs(news))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Nothing to delete: the gate has nothing in AWS."""


def _inputs(props: dict[str, Any]) -> dict[str, Any]:
    # Deterministic: the inputs only, nothing measured (no counts, no times).
    return {key: props[key] for key in _PYTHON if key in props}


def _weights_changed(olds: dict[str, Any], news: dict[str, Any]) -> bool:
    # Engine numbers are floats; unknown news (preview) differ from any old value.
    return any(plain(olds.get(key)) != plain(news.get(key)) for key in _CHECK_ON)


def _check(props: dict[str, Any], stack: Identity | None = None) -> TargetHealthSeen:
    arn = str(props["targetGroupArn"])
    return wait_for_healthy(
        _client(props, stack),
        arn,
        int(props["minHealthyTargets"]),
        color=str(props.get("color")),
        timeout_seconds=float(props.get("timeoutSeconds") or 900),
        poll_seconds=float(props.get("pollSeconds") or 10),
        sleep=_sleep,
        clock=_clock,
    )


def _client(props: dict[str, Any], stack: Identity | None = None) -> Any:
    """The elbv2 client of every gate call, with standard retries (throttling while polling):
    the stack's ``aws:`` identity (region, profile, role chain), in the gate's region, then
    ``roleArn`` assumed last, as the rollout does."""
    from botocore.config import Config  # only where the gate runs (the dynamic provider)

    config = Config(retries={"mode": "standard", "total_max_attempts": 10})
    group = str(props["targetGroupArn"]).split("/")[-2]  # the target group's name
    identity = acting_as(props, stack)
    return aws_session(identity, group).client("elbv2", config=config)


class HealthGate(pulumi.dynamic.Resource, module="immutable", name="HealthGate"):
    """Waits, during ``pulumi up``, until a colour's target group has enough healthy targets.

    Type token ``pulumi-python:dynamic/immutable:HealthGate``. Inputs are validated here,
    before anything is registered (ComponentInputError names the field).
    """

    target_group_arn: pulumi.Output[str]
    """The target group it checks."""
    color: pulumi.Output[str]
    """The colour it gates."""
    weight: pulumi.Output[int]
    """The colour's weight it was last checked for."""
    weights: pulumi.Output[dict[str, int]]
    """The listener's split it was last checked for."""
    min_healthy_targets: pulumi.Output[int]
    """Healthy targets required (as of the last check)."""

    def __init__(
        self,
        name: str,
        args: HealthGateArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        check = Check("HealthGate", name)
        if not isinstance(args, HealthGateArgs):
            check.fail("args", args, "a HealthGateArgs")
        region = args.region if args.region is not None else pulumi.Config("aws").get("region")
        args.validate(check, region)
        weights = {color: args.weights[color] for color in COLORS}
        props: dict[str, Any] = {
            "target_group_arn": args.target_group_arn,
            "color": args.color,
            "weight": weights[args.color],
            "weights": weights,
            "min_healthy_targets": args.min_healthy_targets,
            "timeout_seconds": args.timeout_seconds,
            "poll_seconds": args.poll_seconds,
            "region": region,
            "role_arn": args.role_arn,
            "identity": identity_props(Check("HealthGate", name), args.identity),
        }
        super().__init__(HealthGateProvider(), name, props, opts)

    def translate_input_property(self, prop: str) -> str:
        return _WIRE.get(prop, prop)

    def translate_output_property(self, prop: str) -> str:
        return _PYTHON.get(prop, prop)
