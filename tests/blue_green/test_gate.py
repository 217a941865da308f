"""HealthGate: the provider's create/diff/update/delete against a stubbed elbv2, and the
resource under the recording mocks."""

from __future__ import annotations

import base64
import dataclasses

import boto3
import dill
import pulumi
import pytest
from botocore.stub import Stubber
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc

from immutable_components._aws_identity import Identity
from immutable_components.blue_green import gate as gate_module
from immutable_components.blue_green.gate import HealthGate, HealthGateArgs, HealthGateProvider
from immutable_components.errors import ComponentInputError, HealthGateTimeout

from ..release.stubs import FakeClock

TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/stack-web-green-1835/23b7"
LB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/stack-web-alb/dc92"
ROLE = "arn:aws:iam::123456789012:role/deployer"
GATE = "pulumi-python:dynamic/immutable:HealthGate"


def state(**changes):
    """Gate state as the engine hands it to the provider: camelCase, numbers as floats."""
    props = {
        "targetGroupArn": TG,
        "color": "green",
        "weight": 100.0,
        "weights": {"blue": 0.0, "green": 100.0},
        "minHealthyTargets": 2.0,
        "timeoutSeconds": 60.0,
        "pollSeconds": 10.0,
        "region": "us-east-1",
        "__provider": "serialized",
    }
    props.update(changes)
    return props


def target(instance, state_, reason=None, description=None):
    health = {"State": state_}
    if reason is not None:
        health["Reason"] = reason
    if description is not None:
        health["Description"] = description
    return {"Target": {"Id": instance, "Port": 8080}, "TargetHealth": health}


HEALTHY_1 = target("i-0000000000000000a", "healthy")
HEALTHY_2 = target("i-0000000000000000b", "healthy")
STARTING = target(
    "i-0000000000000000b",
    "initial",
    "Elb.InitialHealthChecking",
    "Initial health checks in progress",
)
FAILING = target(
    "i-0000000000000000b",
    "unhealthy",
    "Target.ResponseCodeMismatch",
    "Health checks failed with these codes: [503]",
)


def not_in_use(instance):
    return target(
        instance,
        "unused",
        "Target.NotInUse",
        "Target group is not configured to receive traffic from the load balancer",
    )


@pytest.fixture
def client():
    return boto3.client("elbv2", region_name="us-east-1")


@pytest.fixture
def stub(client):
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def made(client, monkeypatch, clock):
    """The provider's client is the stubbed one; its sleeping and clock are fake."""
    calls = []

    def fake_client(props, stack=None):
        calls.append((props.get("region"), props.get("roleArn"), props["targetGroupArn"]))
        return client

    monkeypatch.setattr(gate_module, "_client", fake_client)
    monkeypatch.setattr(gate_module, "_sleep", clock.sleep)
    monkeypatch.setattr(gate_module, "_clock", clock)
    return calls


def health(stub, *targets):
    stub.add_response(
        "describe_target_health",
        {"TargetHealthDescriptions": list(targets)},
        {"TargetGroupArn": TG},
    )


def attached_to(stub, *load_balancers):
    stub.add_response(
        "describe_target_groups",
        {"TargetGroups": [{"TargetGroupArn": TG, "LoadBalancerArns": list(load_balancers)}]},
        {"TargetGroupArns": [TG]},
    )


# --------------------------------------------------------------------------------------
# create / update: polling


def test_create_waits_until_enough_targets_are_healthy(stub, made, clock):
    health(stub)  # nothing registered yet
    health(stub, HEALTHY_1, STARTING)
    health(stub, HEALTHY_1, HEALTHY_2)

    result = HealthGateProvider().create(state())

    assert result.id == TG
    # Deterministic outputs: the inputs, nothing measured.
    assert result.outs == {k: v for k, v in state().items() if k != "__provider"}
    assert clock.sleeps == [10, 10]
    assert made == [("us-east-1", None, TG)]


def test_more_healthy_targets_than_required_pass_at_once(stub, made, clock):
    health(stub, HEALTHY_1, HEALTHY_2, target("i-0000000000000000c", "healthy"))

    HealthGateProvider().create(state())

    assert clock.sleeps == []


def test_update_checks_again_with_the_new_inputs(stub, made, clock):
    health(stub, FAILING)
    health(stub, HEALTHY_1)  # enough for the new threshold
    news = state(
        weight=10.0,
        weights={"blue": 90.0, "green": 10.0},
        minHealthyTargets=1.0,
        roleArn=ROLE,
    )

    result = HealthGateProvider().update(TG, state(), news)

    assert result.outs["weights"] == {"blue": 90.0, "green": 10.0}
    assert result.outs["roleArn"] == ROLE
    assert clock.sleeps == [10]
    assert made == [("us-east-1", ROLE, TG)]


def test_a_timeout_names_the_target_group_and_what_it_saw(stub, made, clock):
    for _ in range(4):  # at 0, 10, 20 and 30 s: the last look is at the deadline
        health(stub, HEALTHY_1, FAILING)

    with pytest.raises(HealthGateTimeout) as caught:
        HealthGateProvider().update(TG, state(weight=0.0), state(timeoutSeconds=30.0))

    assert str(caught.value) == (
        f"health gate of green: target group {TG} has 1 healthy target(s), 2 required, after "
        "30 s; it saw 2 target(s): healthy 1, unhealthy 1; reasons: "
        "Target.ResponseCodeMismatch: Health checks failed with these codes: [503] (x1). "
        "The listener keeps its weights: fix the colour (or wait for it) and run `pulumi up` "
        "again"
    )
    error = caught.value
    assert (error.target_group_arn, error.color, error.required, error.healthy) == (
        TG,
        "green",
        2,
        1,
    )
    assert error.states == {"healthy": 1, "unhealthy": 1}
    assert error.reasons == {
        "Target.ResponseCodeMismatch: Health checks failed with these codes: [503]": 1
    }
    assert clock.sleeps == [10, 10, 10]


def test_the_last_pause_ends_at_the_deadline(stub, made, clock):
    for _ in range(4):
        health(stub, STARTING)

    with pytest.raises(HealthGateTimeout, match="it saw 1 target"):
        HealthGateProvider().create(state(timeoutSeconds=25.0))

    assert clock.sleeps == [10, 10, 5]


def test_an_empty_target_group_says_so(stub, made, clock):
    health(stub)
    health(stub)

    with pytest.raises(HealthGateTimeout) as caught:
        HealthGateProvider().create(state(timeoutSeconds=5.0, pollSeconds=5.0))

    assert "has 0 healthy target(s), 2 required, after 5 s; it saw no registered targets" in str(
        caught.value
    )
    assert caught.value.states == {}


def test_a_group_on_no_load_balancer_yet_passes_once_its_targets_are_registered(stub, made, clock):
    # The first deployment: the listener is created after the gate, so nothing is
    # health-checked yet; the load balancer checks each target before routing to it.
    health(stub, not_in_use("i-0000000000000000a"))
    health(stub, not_in_use("i-0000000000000000a"), not_in_use("i-0000000000000000b"))
    attached_to(stub)

    HealthGateProvider().create(state())

    assert clock.sleeps == [10]


def test_targets_not_in_use_on_an_attached_group_do_not_count(stub, made, clock):
    # Attached, but the targets' zone is not enabled on the load balancer: not healthy.
    health(stub, not_in_use("i-0000000000000000a"), not_in_use("i-0000000000000000b"))
    attached_to(stub, LB)
    health(stub, HEALTHY_1, HEALTHY_2)

    HealthGateProvider().create(state())

    assert clock.sleeps == [10]


def test_reasons_are_counted_per_reason_and_description(stub, made, clock):
    timeout = ("Target.Timeout", "Request timed out")
    for _ in range(2):  # at 0 and at the deadline
        health(
            stub,
            target("i-0000000000000000a", "unhealthy", *timeout),
            target("i-0000000000000000b", "unhealthy", *timeout),
            target("i-0000000000000000c", "draining", "Target.DeregistrationInProgress"),
        )

    with pytest.raises(HealthGateTimeout) as caught:
        HealthGateProvider().create(state(timeoutSeconds=1.0, pollSeconds=1.0))

    assert caught.value.states == {"unhealthy": 2, "draining": 1}
    assert caught.value.reasons == {
        "Target.Timeout: Request timed out": 2,
        "Target.DeregistrationInProgress": 1,
    }
    assert "draining 1, unhealthy 2" in str(caught.value)


def test_delete_calls_nothing(stub, made):
    HealthGateProvider().delete(TG, state())
    assert made == []


# --------------------------------------------------------------------------------------
# diff: when a gate is checked again


@pytest.mark.parametrize(
    ("news", "changes", "replaces"),
    [
        # A no-op `up`: the same weights (ints from the program, floats from the state).
        (state(weight=100, weights={"blue": 0, "green": 100}), False, []),
        # Cutover, canary or rollback: this colour's weight moves.
        (state(weight=90.0, weights={"blue": 10.0, "green": 90.0}), True, []),
        # Only the other colour's weight moves: the split is an input too.
        (state(weights={"blue": 20.0, "green": 100.0}), True, []),
        # Settings alone move no traffic: nothing to check, so no change.
        (state(minHealthyTargets=1.0), False, []),
        (state(timeoutSeconds=120.0, pollSeconds=5.0), False, []),
        (state(roleArn=ROLE), False, []),
        # Unknown weights in a preview: shown as a change.
        (state(weights=rpc.UNKNOWN), True, []),
        # A new target group or region: a new gate, whose create checks the new group.
        (state(targetGroupArn=TG.replace("23b7", "99aa")), True, ["targetGroupArn"]),
        (state(targetGroupArn=rpc.UNKNOWN), True, ["targetGroupArn"]),
        (state(region="eu-west-1"), True, ["region"]),
    ],
)
def test_diff_checks_again_on_every_weight_change_and_only_then(news, changes, replaces):
    result = HealthGateProvider().diff(TG, state(), news)

    assert result.changes is changes
    assert result.replaces == replaces
    assert result.delete_before_replace is False


def test_provider_pickles_by_reference():
    payload = base64.b64decode(serialize_provider(HealthGateProvider()))

    assert b"immutable_components.blue_green.gate" in payload
    assert len(payload) < 200  # a reference, not the class's code
    assert isinstance(dill.loads(payload), HealthGateProvider)


# --------------------------------------------------------------------------------------
# the one client


def test_the_client_is_made_in_one_place_with_the_gates_identity(monkeypatch):
    sessions = []
    real = gate_module.aws_session

    def recording(identity, name):
        sessions.append((identity.region, [r.role_arn for r in identity.assume_roles], name))
        return real(dataclasses.replace(identity, assume_roles=()), name)

    monkeypatch.setattr(gate_module, "aws_session", recording)
    stack = Identity(region="us-east-1", profile=None)
    client = gate_module._client(state(region="eu-west-1", roleArn=ROLE), stack)

    assert sessions == [("eu-west-1", [ROLE], "stack-web-green-1835")]
    assert client.meta.service_model.service_name == "elbv2"
    assert client.meta.region_name == "eu-west-1"
    assert client.meta.config.retries == {"mode": "standard", "total_max_attempts": 10}


# --------------------------------------------------------------------------------------
# the resource under the recording mocks


def args(**changes):
    values = {
        "target_group_arn": TG,
        "color": "green",
        "weights": {"blue": 90, "green": 10},
        "min_healthy_targets": 2,
        "region": "us-east-1",
    }
    values.update(changes)
    return HealthGateArgs(**values)


def test_registration_type_inputs_and_outputs(pulumi_mocks):
    gate = HealthGate("web-green-gate", args(role_arn=ROLE, timeout_seconds=300))

    registration = pulumi_mocks.one(GATE, "web-green-gate")
    inputs = dict(registration.inputs)
    provider = inputs.pop("__provider")
    assert isinstance(dill.loads(base64.b64decode(provider)), HealthGateProvider)
    assert inputs == {
        "targetGroupArn": TG,
        "color": "green",
        "weight": 10,
        "weights": {"blue": 90, "green": 10},
        "minHealthyTargets": 2,
        "timeoutSeconds": 300,
        "pollSeconds": 10,
        "region": "us-east-1",
        "roleArn": ROLE,
    }
    assert [
        pulumi_mocks.resolve(output)
        for output in (
            gate.target_group_arn,
            gate.color,
            gate.weight,
            gate.weights,
            gate.min_healthy_targets,
        )
    ] == [TG, "green", 10, {"blue": 90, "green": 10}, 2]


def test_the_region_defaults_to_the_stack_config(pulumi_mocks):
    pulumi.runtime.set_config("aws:region", "eu-west-2")
    HealthGate("g", args(region=None))
    assert pulumi_mocks.one(GATE).inputs["region"] == "eu-west-2"


def test_an_unknown_target_group_is_left_to_the_engine(pulumi_mocks):
    arn = pulumi.Output.from_input(TG).apply(lambda v: v)
    HealthGate("g", args(target_group_arn=arn))
    assert pulumi_mocks.one(GATE).inputs["targetGroupArn"] == TG


BAD = [
    ("target_group_arn", {"target_group_arn": LB}, "a target group ARN"),
    ("color", {"color": "red"}, "one of 'blue', 'green'"),
    ("weights", {"weights": {"green": 10}}, "a mapping of both colours"),
    ("weights['blue']", {"weights": {"blue": 1000, "green": 10}}, "from 0 to 999"),
    ("weights['green']", {"weights": {"blue": 100, "green": 0}}, "nothing to gate"),
    ("weights['green']", {"weights": {"blue": 90, "green": 10.5}}, "a whole number"),
    ("min_healthy_targets", {"min_healthy_targets": 0}, ">= 1"),
    ("timeout_seconds", {"timeout_seconds": 0}, ">= 1"),
    ("poll_seconds", {"poll_seconds": 301}, "from 1 to 300"),
    ("region", {"region": None}, "the stack config `aws:region`"),
    ("region", {"region": "mars-1"}, "an AWS region"),
    ("role_arn", {"role_arn": "arn:aws:s3:::bucket"}, "the iam service"),
]


@pytest.mark.parametrize(("field", "changes", "accepted"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_rejected_before_registration(pulumi_mocks, field, changes, accepted):
    with pytest.raises(ComponentInputError) as caught:
        HealthGate("web-green-gate", args(**changes))

    assert caught.value.component == "HealthGate 'web-green-gate'"
    assert caught.value.field == field
    assert accepted in caught.value.accepted
    assert pulumi_mocks.resources == []


def test_args_of_another_type_are_refused(pulumi_mocks):
    with pytest.raises(ComponentInputError, match=r"`args` = .* a HealthGateArgs"):
        HealthGate("g", {"target_group_arn": TG})  # type: ignore[arg-type]


def test_the_gate_acts_with_the_stack_aws_identity(monkeypatch):
    """The provider runs in the engine's dynamic-provider process: it reads the stack's
    aws: settings in configure() and acts with them (region, profile, role chain)."""
    seen = []
    monkeypatch.setattr(
        gate_module, "wait_for_healthy", lambda client, *a, **k: seen.append(client)
    )
    monkeypatch.setattr(gate_module, "_client", lambda props, stack: (props.get("region"), stack))
    provider = gate_module.HealthGateProvider()
    provider.configure(
        pulumi.dynamic.ConfigureRequest(
            config={
                "aws:region": "eu-west-1",
                "aws:profile": "ops",
                "aws:assumeRoles": '[{"roleArn": "arn:aws:iam::210987654321:role/deploy"}]',
            }
        )
    )
    provider.create(state())
    [(_region, identity)] = seen
    assert identity.profile == "ops"
    assert identity.region == "eu-west-1"
    assert [r.role_arn for r in identity.assume_roles] == ["arn:aws:iam::210987654321:role/deploy"]


def test_an_explicit_identity_wins_over_the_stack_config(monkeypatch):
    sessions = []
    monkeypatch.setattr(
        gate_module,
        "aws_session",
        lambda identity, name: sessions.append(identity) or boto3.Session(),
    )
    props = state(identity={"region": "ap-south-1", "profile": "deploy"})
    gate_module._client(props, Identity(region="us-east-1", profile="stack"))
    assert sessions[0].profile == "deploy"
