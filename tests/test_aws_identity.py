"""``_aws_identity``: provider settings -> Identity (every key, bad shapes), props round
trips, the boto3 session (profile, shared files, role chain, refresh), and an explicit
provider's settings read from its state."""

from __future__ import annotations

import ast
import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pulumi
import pytest
from moto import mock_aws
from pulumi.dynamic import Config

from immutable_components import _aws_identity
from immutable_components._aws_identity import AssumeRole, Identity, caller, provider_identity
from immutable_components.errors import AwsIdentityError
from immutable_components.testing import mocked

HUB = "arn:aws:iam::111111111111:role/hub"
DEPLOYER = "arn:aws:iam::222222222222:role/deployer"


@pytest.fixture
def aws_env(monkeypatch, tmp_path):
    """Fake credentials and no shared files: nothing can reach a real account."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def stack(**values):
    """The config a dynamic provider's configure() receives: full keys, JSON text values."""
    return Config(raw_config={f"aws:{k}": v for k, v in values.items()}, project_name="project")


# Parsing: every key


def test_every_stack_key_is_read():
    config = stack(
        region="eu-west-1",
        profile="prod",
        stsRegion="eu-central-1",
        sharedConfigFiles='["~/work/config"]',
        sharedCredentialsFiles='["~/work/credentials"]',
        assumeRoles=json.dumps(
            [
                {
                    "roleArn": HUB,
                    "sessionName": "ci-run",
                    "externalId": "ext-42",
                    "duration": "1h30m",
                    "policy": '{"Version": "2012-10-17"}',
                    "policyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                    "sourceIdentity": "alice",
                    "tags": {"Team": "web", "Env": "prod"},
                    "transitiveTagKeys": ["Team"],
                },
                {"roleArn": DEPLOYER},
            ]
        ),
    )
    config._props["project:other"] = "ignored"

    assert Identity.from_stack_config(config) == Identity(
        region="eu-west-1",
        profile="prod",
        sts_region="eu-central-1",
        shared_config_files=("~/work/config",),
        shared_credentials_files=("~/work/credentials",),
        assume_roles=(
            AssumeRole(
                role_arn=HUB,
                session_name="ci-run",
                external_id="ext-42",
                duration_seconds=5400,
                policy='{"Version": "2012-10-17"}',
                policy_arns=("arn:aws:iam::aws:policy/ReadOnlyAccess",),
                source_identity="alice",
                tags=(("Env", "prod"), ("Team", "web")),
                transitive_tag_keys=("Team",),
            ),
            AssumeRole(role_arn=DEPLOYER),
        ),
    )


def test_no_config_is_the_default_identity():
    assert Identity.from_stack_config(stack()) == Identity()
    assert Identity.from_stack_config({}) == Identity()


def test_structured_values_may_come_parsed():
    config = {"aws:assumeRoles": [{"roleArn": HUB}], "aws:sharedConfigFiles": ["/c"]}
    assert Identity.from_stack_config(config) == Identity(
        shared_config_files=("/c",), assume_roles=(AssumeRole(role_arn=HUB),)
    )


def test_a_pulumi_config_of_the_aws_namespace_is_read_with_plain_keys():
    with mocked(config={"aws:region": "ap-south-1", "aws:profile": "ops"}):
        identity = Identity.from_stack_config(pulumi.Config("aws"))
    assert identity == Identity(region="ap-south-1", profile="ops")


def test_v6s_single_assume_role_is_a_chain_of_one():
    config = stack(assumeRole=json.dumps({"roleArn": HUB, "durationSeconds": 1800}))
    assert Identity.from_stack_config(config).assume_roles == (
        AssumeRole(role_arn=HUB, duration_seconds=1800),
    )


def test_snake_case_role_keys_are_read_alike():
    """A provider given plain Python dicts keeps their keys in its state."""
    settings = {
        "assumeRoles": json.dumps([{"role_arn": HUB, "session_name": "ci", "duration": "1h"}])
    }
    assert Identity.from_settings(settings, "aws.Provider 'p'").assume_roles == (
        AssumeRole(role_arn=HUB, session_name="ci", duration_seconds=3600),
    )


@pytest.mark.parametrize(
    ("duration", "seconds"),
    [
        ("15m", 900),
        ("1h", 3600),
        ("90m", 5400),
        ("1h30m", 5400),
        ("1.5h", 5400),
        ("3600s", 3600),
        ("12h", 43200),
        ("2h0m0s", 7200),
    ],
)
def test_go_durations(duration, seconds):
    identity = Identity.from_stack_config(
        stack(assumeRoles=json.dumps([{"roleArn": HUB, "duration": duration}]))
    )
    assert identity.assume_roles[0].duration_seconds == seconds


BAD = [
    ({"region": "mars-1"}, "aws:region", "an AWS region"),
    ({"region": 5}, "aws:region", "an AWS region"),
    ({"stsRegion": "Europe"}, "aws:stsRegion", "an AWS region"),
    ({"profile": 7}, "aws:profile", "a profile name"),
    ({"sharedConfigFiles": '["/a", "/b"]'}, "aws:sharedConfigFiles", "at most one path"),
    ({"sharedConfigFiles": "/a"}, "aws:sharedConfigFiles", "a list or object"),
    ({"sharedCredentialsFiles": "[1]"}, "aws:sharedCredentialsFiles", "a list of paths"),
    ({"assumeRoles": json.dumps({"roleArn": HUB})}, "aws:assumeRoles", "a list of role objects"),
    ({"assumeRoles": json.dumps([HUB])}, r"aws:assumeRoles\[0\]", "a role object"),
    ({"assumeRoles": "[{}]"}, r"aws:assumeRoles\[0\]\.roleArn", "a role ARN"),
    (
        {"assumeRoles": json.dumps([{"roleArn": "arn:aws:s3:::bucket"}])},
        r"aws:assumeRoles\[0\]\.roleArn",
        "a role ARN",
    ),
    (
        {"assumeRoles": json.dumps([{"roleArn": HUB}, {"roleArn": HUB, "mfa": "x"}])},
        r"aws:assumeRoles\[1\]\.mfa",
        "no such key; accepted: \\('roleArn'",
    ),
    (
        {"assumeRoles": json.dumps([{"roleArn": HUB, "sessionName": "x"}])},
        r"aws:assumeRoles\[0\]\.sessionName",
        "2 to 64",
    ),
    (
        {"assumeRoles": json.dumps([{"roleArn": HUB, "sessionName": "a b"}])},
        r"aws:assumeRoles\[0\]\.sessionName",
        "2 to 64",
    ),
    (
        {"assumeRoles": json.dumps([{"roleArn": HUB, "externalId": "has space"}])},
        r"aws:assumeRoles\[0\]\.externalId",
        "2 to 1224",
    ),
    (
        {"assumeRoles": json.dumps([{"roleArn": HUB, "duration": "1 hour"}])},
        r"aws:assumeRoles\[0\]\.duration",
        "a duration such as",
    ),
    (
        {"assumeRoles": json.dumps([{"roleArn": HUB, "duration": "10m"}])},
        r"aws:assumeRoles\[0\]\.duration",
        "from 15 minutes to 12 hours",
    ),
    (
        {"assumeRoles": json.dumps([{"roleArn": HUB, "duration": "13h"}])},
        r"aws:assumeRoles\[0\]\.duration",
        "from 15 minutes to 12 hours",
    ),
    (
        {"assumeRoles": json.dumps([{"roleArn": HUB, "duration": "1h", "durationSeconds": 3600}])},
        r"aws:assumeRoles\[0\]\.durationSeconds",
        "unset when",
    ),
    (
        {"assumeRole": json.dumps({"roleArn": HUB, "durationSeconds": 1800.5})},
        r"aws:assumeRole\.durationSeconds",
        "a whole number",
    ),
    (
        {"assumeRole": json.dumps({"roleArn": HUB, "durationSeconds": True})},
        r"aws:assumeRole\.durationSeconds",
        "a whole number",
    ),
    (
        {"assumeRoles": json.dumps([{"roleArn": HUB, "tags": {"Team": 1}}])},
        r"aws:assumeRoles\[0\]\.tags",
        "a mapping of tag keys",
    ),
    (
        {"assumeRoles": json.dumps([{"roleArn": HUB, "policyArns": ["ReadOnly"]}])},
        r"aws:assumeRoles\[0\]\.policyArns\[0\]",
        "a policy ARN",
    ),
    (
        {"assumeRoles": json.dumps([{"roleArn": HUB, "transitiveTagKeys": "Team"}])},
        r"aws:assumeRoles\[0\]\.transitiveTagKeys",
        "a list or object",
    ),
    (
        {"assumeRoles": json.dumps([{"roleArn": HUB}]), "assumeRole": json.dumps({"roleArn": HUB})},
        "aws:assumeRole",
        "unset when `aws:assumeRoles` is set",
    ),
]


@pytest.mark.parametrize(("values", "setting", "accepted"), BAD)
def test_bad_shapes_fail_naming_the_setting(values, setting, accepted):
    with pytest.raises(AwsIdentityError, match=rf"^`{setting}` = .* is not accepted: {accepted}"):
        Identity.from_stack_config(stack(**values))


def test_an_explicit_providers_errors_name_the_provider():
    with pytest.raises(AwsIdentityError, match=r"^`aws.Provider 'ireland' region` = 'mars'") as e:
        Identity.from_settings({"region": "mars"}, "aws.Provider 'ireland'")
    assert (e.value.setting, e.value.value) == ("aws.Provider 'ireland' region", "mars")


# Props


FULL = Identity(
    region="eu-west-1",
    profile="prod",
    sts_region="eu-central-1",
    shared_config_files=("/c",),
    shared_credentials_files=("/k",),
    assume_roles=(
        AssumeRole(
            role_arn=HUB,
            session_name="ci",
            external_id="ext-42",
            duration_seconds=3600,
            policy="{}",
            policy_arns=("arn:aws:iam::aws:policy/ReadOnlyAccess",),
            source_identity="alice",
            tags=(("Team", "web"),),
            transitive_tag_keys=("Team",),
        ),
        AssumeRole(role_arn=DEPLOYER),
    ),
)


def test_props_are_camel_case_and_round_trip():
    props = FULL.to_props()
    assert props == {
        "region": "eu-west-1",
        "profile": "prod",
        "stsRegion": "eu-central-1",
        "sharedConfigFiles": ["/c"],
        "sharedCredentialsFiles": ["/k"],
        "assumeRoles": [
            {
                "roleArn": HUB,
                "sessionName": "ci",
                "externalId": "ext-42",
                "durationSeconds": 3600,
                "policy": "{}",
                "sourceIdentity": "alice",
                "policyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                "tags": {"Team": "web"},
                "transitiveTagKeys": ["Team"],
            },
            {"roleArn": DEPLOYER},
        ],
    }
    assert Identity.from_props(props) == FULL
    assert json.loads(json.dumps(props)) == props  # plain JSON


def test_props_come_back_from_the_engine_with_floats():
    props = {"assumeRoles": [{"roleArn": HUB, "durationSeconds": 3600.0}]}
    assert Identity.from_props(props).assume_roles[0].duration_seconds == 3600


def test_default_props_are_empty():
    assert Identity().to_props() == {}
    assert Identity.from_props(None) == Identity()
    assert Identity.from_props({}) == Identity()


@pytest.mark.parametrize(
    ("props", "setting", "accepted"),
    [
        ("prod", "identity", "a mapping"),
        ({"assumeRole": {"roleArn": HUB}}, r"identity\.assumeRole", "no such key"),
        ({"region": "mars"}, r"identity\.region", "an AWS region"),
    ],
)
def test_bad_props_fail_naming_the_key(props, setting, accepted):
    with pytest.raises(AwsIdentityError, match=rf"^`{setting}` = .*{accepted}"):
        Identity.from_props(props)


def test_with_role_assumes_it_last():
    identity = Identity(assume_roles=(AssumeRole(role_arn=HUB),)).with_role(DEPLOYER, "rollout")
    assert identity.assume_roles == (
        AssumeRole(role_arn=HUB),
        AssumeRole(role_arn=DEPLOYER, session_name="rollout"),
    )


def test_the_assume_role_request_carries_every_parameter():
    assert FULL.assume_roles[0].request("default-name") == {
        "RoleArn": HUB,
        "RoleSessionName": "ci",
        "ExternalId": "ext-42",
        "DurationSeconds": 3600,
        "Policy": "{}",
        "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
        "SourceIdentity": "alice",
        "Tags": [{"Key": "Team", "Value": "web"}],
        "TransitiveTagKeys": ["Team"],
    }
    assert AssumeRole(role_arn=DEPLOYER).request("default-name") == {
        "RoleArn": DEPLOYER,
        "RoleSessionName": "default-name",
    }


# The session


def test_the_default_identity_uses_the_process_chain(aws_env):
    session = Identity(region="eu-west-1").session()
    assert session.region_name == "eu-west-1"
    assert session.get_credentials().access_key == "testing"


def test_a_profile_of_the_given_shared_files(aws_env, tmp_path, monkeypatch):
    monkeypatch.delenv("AWS_DEFAULT_REGION")  # it would win over the profile's region
    config = tmp_path / "config"
    config.write_text("[profile prod]\nregion = eu-west-2\n")
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[prod]\naws_access_key_id = AKIAPRODEXAMPLE\naws_secret_access_key = secret\n"
    )
    identity = Identity(
        profile="prod",
        shared_config_files=(str(config),),
        shared_credentials_files=(str(credentials),),
    )

    session = identity.session()

    assert session.get_credentials().access_key == "AKIAPRODEXAMPLE"
    assert session.region_name == "eu-west-2"  # the profile's, as no region is set
    assert replace(identity, region="us-west-1").session().region_name == "us-west-1"


def test_a_missing_profile_fails_at_once(aws_env):
    from botocore.exceptions import ProfileNotFound

    with pytest.raises(ProfileNotFound, match="nope"):
        Identity(profile="nope").session()


def test_the_role_chain_is_assumed_in_order(aws_env):
    identity = Identity(
        region="us-east-1",
        assume_roles=(
            AssumeRole(role_arn=HUB, session_name="first"),
            AssumeRole(role_arn=DEPLOYER),
        ),
    )
    with mock_aws():
        session = identity.session(session_name="rollout-web")
        seen = session.client("sts").get_caller_identity()

    # The last role acts; the one without a session name gets the caller's.
    assert seen["Arn"] == "arn:aws:sts::222222222222:assumed-role/deployer/rollout-web"


def test_roles_are_assumed_in_the_sts_region_on_first_use(aws_env, monkeypatch):
    asked = []
    real = _aws_identity._fetcher

    def recording(sts, request):
        asked.append((sts.meta.region_name, request["RoleArn"]))
        return real(sts, request)

    monkeypatch.setattr(_aws_identity, "_fetcher", recording)
    identity = Identity(
        region="eu-west-1", sts_region="eu-central-1", assume_roles=(AssumeRole(role_arn=HUB),)
    )
    with mock_aws():
        session = identity.session()
        credentials = session.get_credentials()
        assert asked == [("eu-central-1", HUB)]  # the client is made; nothing asked yet
        assert credentials.access_key != "testing"  # first use: assumed
    assert session.region_name == "eu-west-1"


def test_assumed_credentials_refresh_before_they_expire(aws_env):
    identity = Identity(region="us-east-1", assume_roles=(AssumeRole(role_arn=HUB),))
    with mock_aws():
        credentials = identity.session().get_credentials()
        first = credentials.get_frozen_credentials().access_key
        assert credentials.method == "sts-assume-role"
        credentials._expiry_time = datetime.now(timezone.utc) - timedelta(minutes=1)
        assert credentials.refresh_needed()
        second = credentials.get_frozen_credentials().access_key
    assert first != second


def test_caller_names_the_account_and_arn(aws_env):
    with mock_aws():
        account, who = caller(Identity(region="us-east-1").with_role(HUB, "probe").session())
    assert account == "111111111111"
    assert who == "account 111111111111 (arn:aws:sts::111111111111:assumed-role/hub/probe)"


def test_caller_reports_when_sts_does_not_answer():
    class Broken:
        def client(self, name):
            raise RuntimeError("no endpoint")

    assert caller(Broken()) == (None, "an account STS did not name (RuntimeError: no endpoint)")


# An explicit provider's settings, read from its state


def test_an_explicit_providers_settings_are_read_from_its_state(pulumi_mocks):
    import pulumi_aws as aws

    provider = aws.Provider(
        "deploy",
        region="eu-west-1",
        profile="prod",
        sts_region="eu-central-1",
        shared_config_files=["/c"],
        assume_roles=[aws.ProviderAssumeRoleArgs(role_arn=HUB, duration="1h")],
    )
    props = pulumi_mocks.resolve(provider_identity(provider))

    assert props == {
        "region": "eu-west-1",
        "profile": "prod",
        "stsRegion": "eu-central-1",
        "sharedConfigFiles": ["/c"],
        "assumeRoles": [{"roleArn": HUB, "durationSeconds": 3600}],
    }
    # pulumi_aws.Provider itself gives only its declared outputs back; the chain is lost there.
    assert pulumi_mocks.resolve(provider.assume_roles) is None
    assert [r.name for r in pulumi_mocks.resources] == ["deploy"]


def test_in_a_preview_the_explicit_providers_settings_are_known():
    import pulumi_aws as aws

    with mocked(preview=True) as run:
        provider = aws.Provider("deploy", region="eu-west-1", assume_roles=[{"role_arn": HUB}])
        output = provider_identity(provider)
        # Keys the state lacks (profile, files) read as unknown in a preview; they are skipped.
        assert run.resolve(output) == {"region": "eu-west-1", "assumeRoles": [{"roleArn": HUB}]}
        assert run.is_secret(output) is False


def test_a_secret_setting_keeps_the_identity_secret(pulumi_mocks):
    import pulumi_aws as aws

    provider = aws.Provider("deploy", region="eu-west-1", profile=pulumi.Output.secret("prod"))
    output = provider_identity(provider)
    assert pulumi_mocks.resolve(output) == {"region": "eu-west-1", "profile": "prod"}
    assert pulumi_mocks.is_secret(output) is True


def test_an_explicit_provider_with_nothing_set_gives_its_region_only(pulumi_mocks, monkeypatch):
    import pulumi_aws as aws

    monkeypatch.setenv("AWS_REGION", "sa-east-1")  # pulumi_aws.Provider's own default
    props = pulumi_mocks.resolve(provider_identity(aws.Provider("plain")))
    assert props == {"region": "sa-east-1"}


def test_the_module_imports_no_sdk_at_module_level():
    """boto3 and the Pulumi SDK are imported inside the functions that use them."""
    tree = ast.parse(Path(_aws_identity.__file__).read_text())
    imported = set()
    for node in tree.body:  # module level only; `if TYPE_CHECKING:` blocks are skipped
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add("." * node.level + (node.module or ""))
    assert imported == {
        "__future__",
        "json",
        "os",
        "re",
        "collections.abc",
        "dataclasses",
        "typing",
        "._patterns",
        ".errors",
    }


def test_acting_as_explicit_settings_win_then_region_then_the_role_last():
    from immutable_components._aws_identity import Identity, acting_as

    stack = Identity(region="us-east-1", profile="stack")
    role = "arn:aws:iam::210987654321:role/deploy"
    plain = acting_as({}, stack)
    assert (plain.region, plain.profile, plain.assume_roles) == ("us-east-1", "stack", ())
    explicit = acting_as({"identity": {"profile": "ci"}, "region": "eu-west-1"}, stack)
    assert (explicit.region, explicit.profile) == ("eu-west-1", "ci")
    chained = acting_as({"roleArn": role}, stack, "immutable-x")
    assert [(r.role_arn, r.session_name) for r in chained.assume_roles] == [(role, "immutable-x")]
    assert acting_as({}, None) == Identity()
