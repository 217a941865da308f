"""InstanceRefresh: the provider's configure/create/diff/update/delete, its identity, and the
resource under mocks."""

from __future__ import annotations

import base64
import json

import dill
import pulumi
import pulumi.runtime.config
import pulumi.runtime.settings
import pytest
from moto import mock_aws
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc

from immutable_components._aws_identity import AssumeRole, Identity
from immutable_components.errors import (
    AwsIdentityError,
    ComponentInputError,
    RolloutFailed,
    RolloutTargetMissing,
    RolloutTimeout,
)
from immutable_components.release import refresh as refresh_module
from immutable_components.release.preferences import RefreshPreferences
from immutable_components.release.refresh import (
    InstanceRefresh,
    InstanceRefreshArgs,
    InstanceRefreshProvider,
    aws_session,
    session_name,
)

from .stubs import GROUP, REFRESH, TEMPLATE, describe_by_id, refresh

ROLE = "arn:aws:iam::123456789012:role/deployer"


def state(**changes):
    """Resource state as the engine hands it to the provider: camelCase, numbers as floats."""
    props = {
        "autoScalingGroupName": GROUP,
        "launchTemplateId": TEMPLATE,
        "launchTemplateVersion": 2.0,
        "preferences": {
            "MinHealthyPercentage": 90.0,
            "SkipMatching": True,
            "AutoRollback": True,
            "ScaleInProtectedInstances": "Wait",
            "StandbyInstances": "Wait",
        },
        "region": "us-east-1",
        "timeoutMinutes": 60.0,
        "pollSeconds": 10.0,
        "__provider": "serialized",
    }
    props.update(changes)
    return props


@pytest.fixture
def provider_client(client, monkeypatch, clock):
    """The provider's client is the stubbed one; its sleeping and clock are fake. Records the
    identity (and group) each session was made for."""
    made = []
    session = object()

    def fake_session(identity, group):
        made.append((identity, group))
        return session

    def fake_client(got):
        assert got is session
        return client

    monkeypatch.setattr(refresh_module, "aws_session", fake_session)
    monkeypatch.setattr(refresh_module, "autoscaling_client", fake_client)
    monkeypatch.setattr(refresh_module, "_sleep", clock.sleep)
    monkeypatch.setattr(refresh_module, "_clock", clock)
    return made


def described_group(name=GROUP):
    """One group as DescribeAutoScalingGroups returns it (the fields the model requires)."""
    return {
        "AutoScalingGroupName": name,
        "MinSize": 1,
        "MaxSize": 2,
        "DesiredCapacity": 1,
        "DefaultCooldown": 300,
        "AvailabilityZones": ["us-east-1a"],
        "HealthCheckType": "EC2",
        "CreatedTime": "2026-01-01T00:00:00Z",
    }


def test_first_deployment_checks_the_group_and_starts_nothing(stub, provider_client):
    stub.add_response(
        "describe_auto_scaling_groups",
        {"AutoScalingGroups": [described_group()]},
        {"AutoScalingGroupNames": [GROUP]},
    )
    result = InstanceRefreshProvider().create(state())

    assert result.id == GROUP
    assert result.outs["launchTemplateVersion"] == 2.0
    assert result.outs["lastRefreshId"] is None
    assert result.outs["lastRefreshStatus"] is None
    assert "__provider" not in result.outs
    # One describe call (the stub allows nothing else: no refresh was started).
    assert provider_client == [(Identity(region="us-east-1"), GROUP)]


def test_create_fails_when_the_identity_does_not_see_the_group(stub, provider_client):
    stub.add_response(
        "describe_auto_scaling_groups",
        {"AutoScalingGroups": [described_group("web-blue-2")]},  # a prefix match, not ours
        {"AutoScalingGroupNames": [GROUP]},
    )
    with pytest.raises(RolloutTargetMissing, match=f"'{GROUP}' is not in region us-east-1"):
        InstanceRefreshProvider().create(state())


def test_update_with_the_same_version_starts_nothing(stub, provider_client):
    olds = state(lastRefreshId="earlier", lastRefreshStatus="Successful")
    news = state(launchTemplateVersion=2, preferences={"MinHealthyPercentage": 50.0})

    result = InstanceRefreshProvider().update(GROUP, olds, news)

    assert result.outs["lastRefreshId"] == "earlier"
    assert result.outs["lastRefreshStatus"] == "Successful"
    assert result.outs["preferences"] == {"MinHealthyPercentage": 50.0}
    assert provider_client == []


def test_update_rolls_to_the_new_version_and_waits(stub, provider_client, clock):
    stub.add_response(
        "start_instance_refresh",
        {"InstanceRefreshId": REFRESH},
        {
            "AutoScalingGroupName": GROUP,
            "Strategy": "Rolling",
            "DesiredConfiguration": {
                "LaunchTemplate": {"LaunchTemplateId": TEMPLATE, "Version": "3"}
            },
            "Preferences": {
                "MinHealthyPercentage": 90,
                "SkipMatching": True,
                "AutoRollback": True,
                "ScaleInProtectedInstances": "Wait",
                "StandbyInstances": "Wait",
            },
        },
    )
    describe_by_id(stub, refresh("Pending", version="3"))
    describe_by_id(stub, refresh("InProgress", version="3", percent=50))
    describe_by_id(stub, refresh("Successful", version="3", percent=100))

    news = state(launchTemplateVersion=3.0, roleArn=ROLE)
    result = InstanceRefreshProvider().update(GROUP, state(), news)

    assert result.outs["lastRefreshId"] == REFRESH
    assert result.outs["lastRefreshStatus"] == "Successful"
    assert result.outs["launchTemplateVersion"] == 3.0
    assert provider_client == [
        (
            Identity(
                region="us-east-1",
                assume_roles=(
                    AssumeRole(role_arn=ROLE, session_name=f"immutable-refresh-{GROUP}"),
                ),
            ),
            GROUP,
        )
    ]
    assert clock.sleeps == [10, 15]


# As the engine hands it back: numbers as floats.
MIXED_STATE = {
    "LaunchTemplate": {"Overrides": [{"InstanceType": "m7g.large"}, {"InstanceType": "m6g.large"}]},
    "InstancesDistribution": {
        "OnDemandAllocationStrategy": "prioritized",
        "OnDemandBaseCapacity": 0.0,
        "OnDemandPercentageAboveBaseCapacity": 100.0,
    },
}


def mixed_start(version, types):
    return {
        "AutoScalingGroupName": GROUP,
        "Strategy": "Rolling",
        "DesiredConfiguration": {
            "MixedInstancesPolicy": {
                "LaunchTemplate": {
                    "LaunchTemplateSpecification": {
                        "LaunchTemplateId": TEMPLATE,
                        "Version": version,
                    },
                    "Overrides": [{"InstanceType": t} for t in types],
                },
                "InstancesDistribution": {
                    "OnDemandAllocationStrategy": "prioritized",
                    "OnDemandBaseCapacity": 0,
                    "OnDemandPercentageAboveBaseCapacity": 100,
                },
            }
        },
        "Preferences": {
            "MinHealthyPercentage": 90,
            "SkipMatching": True,
            "AutoRollback": True,
            "ScaleInProtectedInstances": "Wait",
            "StandbyInstances": "Wait",
        },
    }


def with_types(*types):
    return {**MIXED_STATE, "LaunchTemplate": {"Overrides": [{"InstanceType": t} for t in types]}}


def test_update_rolls_a_mixed_fleet_to_the_whole_policy(stub, provider_client):
    stub.add_response(
        "start_instance_refresh",
        {"InstanceRefreshId": REFRESH},
        mixed_start("3", ["m7g.large", "m6g.large"]),
    )
    describe_by_id(stub, refresh("Successful", version="3", percent=100))

    olds = state(mixedInstancesPolicy=MIXED_STATE)
    news = state(launchTemplateVersion=3.0, mixedInstancesPolicy=MIXED_STATE)
    result = InstanceRefreshProvider().update(GROUP, olds, news)

    assert result.outs["lastRefreshId"] == REFRESH
    assert result.outs["mixedInstancesPolicy"] == MIXED_STATE


def test_a_new_types_list_alone_rolls_on_the_same_version(stub, provider_client):
    stub.add_response(
        "start_instance_refresh",
        {"InstanceRefreshId": REFRESH},
        mixed_start("2", ["m7g.large", "c7g.large"]),
    )
    describe_by_id(stub, refresh("Successful", percent=100))

    olds = state(mixedInstancesPolicy=MIXED_STATE, lastRefreshId="earlier")
    news = state(mixedInstancesPolicy=with_types("m7g.large", "c7g.large"))
    result = InstanceRefreshProvider().update(GROUP, olds, news)

    assert result.outs["lastRefreshId"] == REFRESH
    assert provider_client == [(Identity(region="us-east-1"), GROUP)]


def test_update_fails_with_the_status_reason(stub, provider_client):
    stub.add_response("start_instance_refresh", {"InstanceRefreshId": REFRESH})
    describe_by_id(
        stub,
        refresh("RollbackSuccessful", version="3", reason="Instances failed ELB health checks"),
    )

    with pytest.raises(RolloutFailed, match="Instances failed ELB health checks"):
        InstanceRefreshProvider().update(GROUP, state(), state(launchTemplateVersion=3.0))


def test_update_times_out_after_timeout_minutes(stub, provider_client, clock):
    stub.add_response("start_instance_refresh", {"InstanceRefreshId": REFRESH})
    for _ in range(5):  # polls at 0, 10, 25, 47.5 and 60 s, then no more (the stub checks)
        describe_by_id(stub, refresh("InProgress", version="3"))

    with pytest.raises(RolloutTimeout, match="still running in AWS"):
        InstanceRefreshProvider().update(
            GROUP, state(), state(launchTemplateVersion=3.0, timeoutMinutes=1.0)
        )
    assert clock.sleeps == [10, 15, 22.5, 12.5]


def test_delete_does_nothing(stub, provider_client):
    assert InstanceRefreshProvider().delete(GROUP, state()) is None
    assert provider_client == []


@pytest.mark.parametrize(
    ("news", "changes", "replaces"),
    [
        (state(), False, []),
        (state(launchTemplateVersion=2), False, []),
        (state(launchTemplateVersion=3.0), True, []),
        (state(launchTemplateId="lt-0fedcba9876543210"), True, []),
        (state(launchTemplateVersion=rpc.UNKNOWN), True, []),
        (state(preferences={"MinHealthyPercentage": 50.0}), False, []),
        (state(timeoutMinutes=120.0, pollSeconds=30.0), False, []),
        (state(roleArn=ROLE), False, []),
        (state(identity={"region": "us-east-1", "profile": "ops"}), False, []),
        (state(__provider="re-serialized"), False, []),
        (state(autoScalingGroupName="web-blue-2"), True, ["autoScalingGroupName"]),
        (state(region="eu-west-1"), True, ["region"]),
        (state(autoScalingGroupName=rpc.UNKNOWN), True, ["autoScalingGroupName"]),
        # Old state without a policy: a list of types is a new target.
        (state(mixedInstancesPolicy=MIXED_STATE), True, []),
    ],
)
def test_diff_rolls_only_on_a_new_target(news, changes, replaces):
    olds = state(lastRefreshId=None, lastRefreshStatus=None)

    result = InstanceRefreshProvider().diff(GROUP, olds, news)

    assert result.changes is changes
    assert result.replaces == replaces
    assert result.delete_before_replace is False


@pytest.mark.parametrize(
    ("news", "changes"),
    [
        (state(mixedInstancesPolicy=MIXED_STATE), False),
        # The same policy as the program writes it (ints, tuples) is no change.
        (
            state(
                mixedInstancesPolicy={
                    "LaunchTemplate": {
                        "Overrides": (
                            {"InstanceType": "m7g.large"},
                            {"InstanceType": "m6g.large"},
                        )
                    },
                    "InstancesDistribution": {
                        "OnDemandAllocationStrategy": "prioritized",
                        "OnDemandBaseCapacity": 0,
                        "OnDemandPercentageAboveBaseCapacity": 100,
                    },
                }
            ),
            False,
        ),
        (state(mixedInstancesPolicy=with_types("m7g.large", "c7g.large")), True),
        (state(mixedInstancesPolicy=with_types("m6g.large", "m7g.large")), True),  # priority
        (state(mixedInstancesPolicy=with_types("m7g.large")), True),
        (
            state(
                mixedInstancesPolicy={
                    **MIXED_STATE,
                    "InstancesDistribution": {"OnDemandBaseCapacity": 1.0},
                }
            ),
            True,
        ),
        (state(), True),  # back to a single type: the launch template alone
        (state(mixedInstancesPolicy=MIXED_STATE, launchTemplateVersion=3.0), True),
        (state(mixedInstancesPolicy=MIXED_STATE, preferences={}), False),
    ],
)
def test_diff_of_a_mixed_fleet_rolls_on_a_new_policy(news, changes):
    olds = state(mixedInstancesPolicy=MIXED_STATE, lastRefreshId=None)

    result = InstanceRefreshProvider().diff(GROUP, olds, news)

    assert result.changes is changes
    assert result.replaces == []


def test_provider_pickles_by_reference():
    serialized = serialize_provider(InstanceRefreshProvider())
    payload = base64.b64decode(serialized)

    assert b"immutable_components.release.refresh" in payload
    assert len(payload) < 200  # a reference, not the class's code
    assert isinstance(dill.loads(payload), InstanceRefreshProvider)


# Credentials


@pytest.mark.parametrize(
    ("group", "name"),
    [
        ("web-blue", "immutable-refresh-web-blue"),
        ("web blue:prod/1", "immutable-refresh-web-blue-prod-1"),
        ("x" * 100, "immutable-refresh-" + "x" * 46),
    ],
)
def test_session_name_is_deterministic_and_valid(group, name):
    assert session_name(group) == name
    assert len(session_name(group)) <= 64


def test_without_a_role_the_process_credentials_are_used(aws_env):
    session = aws_session(Identity(region="eu-west-1"), GROUP)
    assert session.region_name == "eu-west-1"
    assert session.get_credentials().access_key == "testing"


def test_a_role_is_assumed_with_refreshing_credentials(aws_env):
    identity = InstanceRefreshProvider().identity(state(roleArn=ROLE))
    with mock_aws():
        session = aws_session(identity, GROUP)
        identity_seen = session.client("sts").get_caller_identity()
        credentials = session.get_credentials()

    assert identity_seen["Arn"].endswith(f":assumed-role/deployer/immutable-refresh-{GROUP}")
    assert credentials.method == "sts-assume-role"
    assert credentials.access_key != "testing"
    assert hasattr(credentials, "refresh_needed")


def test_the_autoscaling_client_retries(aws_env):
    client = refresh_module.autoscaling_client(aws_session(Identity(region="us-west-2"), GROUP))
    assert client.meta.region_name == "us-west-2"
    assert client.meta.config.retries == {"mode": "standard", "total_max_attempts": 10}


# Identity: the stack's config (configure), an explicit provider's settings (identity), role_arn

CHAIN = [
    {"roleArn": "arn:aws:iam::111111111111:role/hub", "sessionName": "ci", "duration": "2h"},
    {"roleArn": "arn:aws:iam::222222222222:role/deployer", "externalId": "ext-42"},
]


def configured(**config):
    provider = InstanceRefreshProvider()
    provider.configure(ConfigureRequest(Config(raw_config=config, project_name="project")))
    return provider


def test_configure_reads_the_stacks_aws_config():
    provider = configured(
        **{
            "aws:region": "eu-west-1",
            "aws:profile": "prod",
            "aws:sharedConfigFiles": '["~/work/aws-config"]',
            "aws:assumeRoles": json.dumps(CHAIN),
            "project:unrelated": "x",
        }
    )

    assert provider.identity(state(roleArn=ROLE)) == Identity(
        region="us-east-1",  # the resource's region input wins over aws:region
        profile="prod",
        shared_config_files=("~/work/aws-config",),
        assume_roles=(
            AssumeRole(
                role_arn="arn:aws:iam::111111111111:role/hub",
                session_name="ci",
                duration_seconds=7200,
            ),
            AssumeRole(role_arn="arn:aws:iam::222222222222:role/deployer", external_id="ext-42"),
            # role_arn, last, after the stack's chain
            AssumeRole(role_arn=ROLE, session_name=f"immutable-refresh-{GROUP}"),
        ),
    )


def test_configure_reads_v6s_single_assume_role():
    provider = configured(**{"aws:assumeRole": {"roleArn": ROLE, "durationSeconds": 1800}})
    assert provider.identity(state()).assume_roles == (
        AssumeRole(role_arn=ROLE, duration_seconds=1800),
    )


def test_without_configure_or_config_the_default_chain_acts():
    assert InstanceRefreshProvider().identity(state()) == Identity(region="us-east-1")
    assert configured().identity(state()) == Identity(region="us-east-1")


def test_an_explicit_providers_identity_replaces_the_stack_config():
    provider = configured(**{"aws:profile": "stack-profile", "aws:assumeRoles": json.dumps(CHAIN)})
    explicit = {
        "region": "eu-west-1",
        "assumeRoles": [{"roleArn": ROLE, "durationSeconds": 3600.0}],  # engine floats
    }

    identity = provider.identity(state(region="eu-west-1", identity=explicit))

    # An explicit provider reads no aws: config: no stack profile, no stack chain.
    assert identity == Identity(
        region="eu-west-1", assume_roles=(AssumeRole(role_arn=ROLE, duration_seconds=3600),)
    )


def test_configure_fails_on_a_bad_setting_naming_it():
    with pytest.raises(AwsIdentityError, match=r"`aws:assumeRoles\[1\]\.roleArn` = 'deployer'"):
        configured(**{"aws:assumeRoles": json.dumps([CHAIN[0], {"roleArn": "deployer"}])})


# create against moto: the group is looked up where the identity points


@pytest.fixture
def moto_group(aws_env, monkeypatch):
    """A group named GROUP in us-east-1 of moto's default account 123456789012."""
    import boto3

    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    with mock_aws():
        ec2 = boto3.client("ec2", region_name="us-east-1")
        template = ec2.create_launch_template(
            LaunchTemplateName="web",
            LaunchTemplateData={"ImageId": "ami-0123456789abcdef0", "InstanceType": "t3.micro"},
        )["LaunchTemplate"]
        boto3.client("autoscaling", region_name="us-east-1").create_auto_scaling_group(
            AutoScalingGroupName=GROUP,
            MinSize=0,
            MaxSize=1,
            AvailabilityZones=["us-east-1a"],
            LaunchTemplate={"LaunchTemplateId": template["LaunchTemplateId"], "Version": "1"},
        )
        yield


def test_create_succeeds_when_the_group_is_there(moto_group):
    result = InstanceRefreshProvider().create(state())
    assert result.id == GROUP
    assert result.outs["lastRefreshId"] is None


def test_create_fails_in_another_region_naming_group_region_and_account(moto_group):
    with pytest.raises(RolloutTargetMissing) as caught:
        InstanceRefreshProvider().create(state(region="eu-west-1"))

    message = str(caught.value)
    assert f"Auto Scaling group '{GROUP}' is not in region eu-west-1 of account 123456789012" in (
        message
    )
    assert (caught.value.group, caught.value.region, caught.value.account) == (
        GROUP,
        "eu-west-1",
        "123456789012",
    )


def test_create_fails_in_another_account_naming_the_assumed_role(moto_group):
    provider = configured(
        **{"aws:assumeRoles": json.dumps([{"roleArn": "arn:aws:iam::999999999999:role/other"}])}
    )
    with pytest.raises(RolloutTargetMissing) as caught:
        provider.create(state())

    assert caught.value.account == "999999999999"
    assert (
        f"'{GROUP}' is not in region us-east-1 of account 999999999999 "
        f"(arn:aws:sts::999999999999:assumed-role/other/immutable-refresh-{GROUP})"
    ) in str(caught.value)


# The resource under Pulumi's mocks


class RecordingMocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.registrations: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args):
        self.registrations.append(args)
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args):
        raise AssertionError(f"unexpected invoke {args.token}")


@pytest.fixture
def mocks():
    saved_settings = pulumi.runtime.settings.SETTINGS
    saved_config = dict(pulumi.runtime.config.CONFIG.get())
    recorder = RecordingMocks()
    pulumi.runtime.set_mocks(recorder, preview=False)
    yield recorder
    pulumi.runtime.settings.configure(saved_settings)
    pulumi.runtime.config.set_all_config(saved_config)


def args(**changes):
    values = {
        "auto_scaling_group_name": GROUP,
        "launch_template_id": TEMPLATE,
        "launch_template_version": 3,
        "region": "us-east-1",
    }
    values.update(changes)
    return InstanceRefreshArgs(**values)


@pulumi.runtime.test
def test_registration_type_and_inputs(mocks):
    resource = InstanceRefresh(
        "web-blue-rollout",
        args(
            preferences=RefreshPreferences(checkpoint_percentages=[50, 100], checkpoint_delay=300),
            role_arn=ROLE,
        ),
    )

    def check(outputs):
        (registration,) = mocks.registrations
        assert registration.typ == "pulumi-python:dynamic/immutable:InstanceRefresh"
        assert registration.name == "web-blue-rollout"
        inputs = dict(registration.inputs)
        provider = inputs.pop("__provider")
        assert isinstance(dill.loads(base64.b64decode(provider)), InstanceRefreshProvider)
        assert inputs == {
            "autoScalingGroupName": GROUP,
            "launchTemplateId": TEMPLATE,
            "launchTemplateVersion": 3.0,
            "preferences": {
                "MinHealthyPercentage": 90.0,
                "SkipMatching": True,
                "AutoRollback": True,
                "ScaleInProtectedInstances": "Wait",
                "StandbyInstances": "Wait",
                "CheckpointPercentages": [50.0, 100.0],
                "CheckpointDelay": 300.0,
            },
            "region": "us-east-1",
            "roleArn": ROLE,
            "timeoutMinutes": 60.0,
            "pollSeconds": 10.0,
        }
        version, group, refresh_id, resource_id = outputs
        assert (version, group, refresh_id, resource_id) == (
            3.0,
            GROUP,
            None,
            "web-blue-rollout-id",
        )

    return pulumi.Output.all(
        resource.launch_template_version,
        resource.auto_scaling_group_name,
        resource.last_refresh_id,
        resource.id,
    ).apply(check)


@pulumi.runtime.test
def test_registration_carries_the_mixed_policy_plain(mocks):
    policy = {
        "LaunchTemplate": {
            "Overrides": ({"InstanceType": "m7g.large"}, {"InstanceType": "m6g.large"})
        },
        "InstancesDistribution": {"OnDemandBaseCapacity": 2},
    }
    resource = InstanceRefresh("r", args(mixed_instances_policy=policy))

    def check(output):
        registered = mocks.registrations[0].inputs["mixedInstancesPolicy"]
        expected = {
            "LaunchTemplate": {
                "Overrides": [{"InstanceType": "m7g.large"}, {"InstanceType": "m6g.large"}]
            },
            "InstancesDistribution": {"OnDemandBaseCapacity": 2},
        }
        assert registered == expected
        assert output == expected

    return resource.mixed_instances_policy.apply(check)


@pulumi.runtime.test
def test_region_defaults_to_the_aws_region_config(mocks):
    pulumi.runtime.config.set_config("aws:region", "eu-central-1")
    resource = InstanceRefresh("r", args(region=None))

    def check(region):
        assert region == "eu-central-1"
        assert mocks.registrations[0].inputs["region"] == "eu-central-1"

    return resource.region.apply(check)


@pulumi.runtime.test
def test_an_explicit_identity_is_an_input_and_gives_the_region(mocks):
    identity = Identity(
        region="ap-southeast-2",
        profile="ops",
        assume_roles=(AssumeRole(role_arn=ROLE, duration_seconds=3600),),
    )
    resource = InstanceRefresh("r", args(region=None, identity=identity))

    def check(region):
        inputs = mocks.registrations[0].inputs
        assert region == "ap-southeast-2"
        assert inputs["region"] == "ap-southeast-2"
        assert inputs["identity"] == {
            "region": "ap-southeast-2",
            "profile": "ops",
            "assumeRoles": [{"roleArn": ROLE, "durationSeconds": 3600.0}],
        }

    return resource.region.apply(check)


@pulumi.runtime.test
def test_identity_props_that_are_outputs_pass_unvalidated(mocks):
    props = pulumi.Output.from_input({"region": "eu-west-1", "profile": "ops"})
    resource = InstanceRefresh("r", args(identity=props))

    def check(_):
        assert mocks.registrations[0].inputs["identity"] == {
            "region": "eu-west-1",
            "profile": "ops",
        }

    return resource.id.apply(check)


@pulumi.runtime.test
def test_unknown_inputs_are_not_validated(mocks):
    version = pulumi.Output.from_input(7)
    InstanceRefresh("r", args(launch_template_version=version, launch_template_id=version))


BAD_ARGS = [
    ("auto_scaling_group_name", {"auto_scaling_group_name": ""}, "non-empty string"),
    ("auto_scaling_group_name", {"auto_scaling_group_name": "g" * 256}, "at most 255"),
    ("launch_template_id", {"launch_template_id": "lt-xyz"}, "'lt-' and 8 or 17 hex"),
    ("launch_template_id", {"launch_template_id": "my-template"}, "'lt-' and 8 or 17 hex"),
    ("launch_template_version", {"launch_template_version": "$Latest"}, "version number >= 1"),
    ("launch_template_version", {"launch_template_version": "$Default"}, "version number >= 1"),
    ("launch_template_version", {"launch_template_version": "3"}, "version number >= 1"),
    ("launch_template_version", {"launch_template_version": 0}, "version number >= 1"),
    ("launch_template_version", {"launch_template_version": 2.5}, "version number >= 1"),
    ("launch_template_version", {"launch_template_version": True}, "version number >= 1"),
    ("region", {"region": "mars-1"}, "AWS region"),
    ("region", {"region": None}, "or the stack config `aws:region`"),
    ("role_arn", {"role_arn": "deployer"}, "ARN of the iam service"),
    ("role_arn", {"role_arn": "arn:aws:s3:::bucket/deployer"}, "ARN of the iam service"),
    ("identity", {"identity": "prod"}, "an Identity, or its props"),
    (
        r"identity\.assumeRoles\[0\]\.roleArn",
        {"identity": {"assumeRoles": [{"roleArn": "deployer"}]}},
        "a role ARN",
    ),
    (r"identity\.profiles", {"identity": {"profiles": ["a"]}}, "no such key"),
    (
        r"identity\.sharedConfigFiles",
        {"identity": Identity(shared_config_files=("a", "b"))},
        "at most one path",
    ),
    (r"identity\.region", {"identity": Identity(region="mars")}, "AWS region"),
    ("timeout_minutes", {"timeout_minutes": 0}, ">= 1"),
    ("timeout_minutes", {"timeout_minutes": 1.5}, "whole number"),
    (
        "timeout_minutes",
        {
            "timeout_minutes": 60,
            "preferences": RefreshPreferences(checkpoint_percentages=[50, 100]),
        },
        r"more than the 3600 s .* >= 61",
    ),
    ("poll_seconds", {"poll_seconds": 0}, "from 1 to 300"),
    ("poll_seconds", {"poll_seconds": 301}, "from 1 to 300"),
    *(
        (rf"mixed_instances_policy{field}", {"mixed_instances_policy": policy}, accepted)
        for field, policy, accepted in [
            ("", ["m7g.large"], "a plain mapping"),
            ("", pulumi.Output.from_input({}), "a plain mapping"),
            (r"\.LaunchTemplate", {}, "a mapping with the key 'Overrides'"),
            (r"\.Types", {"LaunchTemplate": {"Overrides": []}, "Types": 1}, "no such key"),
            (
                r"\.LaunchTemplate\.LaunchTemplateSpecification",
                {"LaunchTemplate": {"LaunchTemplateSpecification": {}, "Overrides": []}},
                "filled in from launch_template_id",
            ),
            (r"\.LaunchTemplate\.Overrides", {"LaunchTemplate": {}}, "1 to 40 overrides"),
            (
                r"\.LaunchTemplate\.Overrides",
                {"LaunchTemplate": {"Overrides": []}},
                "1 to 40 overrides",
            ),
            (
                r"\.LaunchTemplate\.Overrides",
                {"LaunchTemplate": {"Overrides": [{"InstanceType": "t3.micro"}] * 41}},
                "1 to 40 overrides",
            ),
            (
                r"\.LaunchTemplate\.Overrides\[0\]",
                {"LaunchTemplate": {"Overrides": ["m7g.large"]}},
                "a mapping",
            ),
            (
                r"\.LaunchTemplate\.Overrides\[1\]",
                {"LaunchTemplate": {"Overrides": [{"InstanceType": "m7g.large"}, {}]}},
                "a mapping",
            ),
            (
                r"\.LaunchTemplate\.Overrides\[0\]\.InstanceType",
                {"LaunchTemplate": {"Overrides": [{"InstanceType": "m7g large"}]}},
                "EC2 instance type",
            ),
            (
                r"\.LaunchTemplate\.Overrides\[0\]\.InstanceType",
                {
                    "LaunchTemplate": {
                        "Overrides": [{"InstanceType": pulumi.Output.from_input("m7g.large")}]
                    }
                },
                "not an Output",
            ),
            (
                r"\.LaunchTemplate\.Overrides\[1\]\.InstanceType",
                {
                    "LaunchTemplate": {
                        "Overrides": [{"InstanceType": "m7g.large"}, {"InstanceType": "m7g.large"}]
                    }
                },
                "not listed before",
            ),
            (
                r"\.LaunchTemplate\.Overrides\[0\]\.WeightedCapacity",
                {
                    "LaunchTemplate": {
                        "Overrides": [{"InstanceType": "m7g.large", "WeightedCapacity": "2"}]
                    }
                },
                "accepted: InstanceType",
            ),
            (
                r"\.InstancesDistribution",
                {
                    "LaunchTemplate": {"Overrides": [{"InstanceType": "m7g.large"}]},
                    "InstancesDistribution": "spot",
                },
                "a mapping",
            ),
            *(
                (
                    rf"\.InstancesDistribution\.{key}",
                    {
                        "LaunchTemplate": {"Overrides": [{"InstanceType": "m7g.large"}]},
                        "InstancesDistribution": {key: value},
                    },
                    accepted,
                )
                for key, value, accepted in [
                    ("OnDemandAllocationStrategy", "cheapest", "one of 'prioritized'"),
                    ("SpotAllocationStrategy", "cheapest", "one of 'capacity-optimized'"),
                    ("OnDemandBaseCapacity", -1, ">= 0"),
                    ("OnDemandBaseCapacity", 1.5, "whole number"),
                    ("OnDemandPercentageAboveBaseCapacity", 101, "from 0 to 100"),
                    ("SpotInstancePools", 21, "from 1 to 20"),
                    ("SpotMaxPrice", 0.05, "at most 255 characters"),
                    ("OnDemandBaseCapacity", pulumi.Output.from_input(1), "not an Output"),
                    ("CapacityRebalance", True, "no such key"),
                ]
            ),
        ]
    ),
    (
        r"preferences\.min_healthy_percentage",
        {"preferences": RefreshPreferences(min_healthy_percentage=101)},
        "from 0 to 100",
    ),
]


@pytest.mark.parametrize(("field", "changes", "accepted"), BAD_ARGS)
def test_bad_input_is_rejected_before_registration(mocks, field, changes, accepted):
    with pytest.raises(ComponentInputError, match=rf"`{field}` = .*{accepted}") as caught:
        InstanceRefresh("web-blue-rollout", args(**changes))

    assert caught.value.component == "InstanceRefresh 'web-blue-rollout'"
    assert mocks.registrations == []


def test_long_timeouts_with_pauses_are_accepted(mocks):
    prefs = RefreshPreferences(checkpoint_percentages=[50, 100], checkpoint_delay=600)
    InstanceRefreshArgs(
        auto_scaling_group_name=GROUP,
        launch_template_id=TEMPLATE,
        launch_template_version=3,
        preferences=prefs,
        timeout_minutes=11,
    ).validate(refresh_module.Check("InstanceRefresh", "r"), "us-east-1")
