"""DriftRule rejects bad input at construction, naming the field."""

import dataclasses

import pytest

from immutable_components import (
    AwsDriftTarget,
    AzureDriftTarget,
    ComponentInputError,
    DriftRule,
    DriftRuleArgs,
    GcpDriftTarget,
)

AMI = "ami-0123456789abcdef0"
SUB = "11111111-2222-3333-4444-555555555555"


@dataclasses.dataclass(frozen=True)
class OracleTarget:
    cloud = "oracle"

    def validate(self, check):
        return None

    def validate_image(self, check, field_name, image_id):
        return None

    def validate_images(self, check, image_ids):
        return None

    def build(self, component, name, image_ids):
        raise AssertionError("never reached")


@pytest.mark.parametrize(
    ("target", "images", "field"),
    [
        (AwsDriftTarget(), [], r"`approved_images`"),
        (AwsDriftTarget(), "ami-0123456789abcdef0", r"`approved_images`"),
        (AwsDriftTarget(), [AMI, "ami-XYZ"], r"`approved_images\[1\]`"),
        (AwsDriftTarget(), ["i-0123456789abcdef0"], r"`approved_images\[0\]`"),
        (AwsDriftTarget(), [42], r"`approved_images\[0\]`"),
        (AwsDriftTarget(alert_emails=["not-an-email"]), [AMI], r"`target.alert_emails\[0\]`"),
        (AwsDriftTarget(alert_emails="ops@example.com"), [AMI], r"`target.alert_emails`"),
        (
            AwsDriftTarget(alert_https_endpoints=["http://plain.example.com"]),
            [AMI],
            r"`target.alert_https_endpoints\[0\]`",
        ),
        (
            AwsDriftTarget(alert_topic_arn="arn:aws:sqs:us-east-1:123456789012:q"),
            [AMI],
            r"`target.alert_topic_arn`",
        ),
        (AwsDriftTarget(create_recorder="yes"), [AMI], r"`target.create_recorder`"),
        (OracleTarget(), [AMI], r"`target.cloud`"),
        ("aws", [AMI], r"`target`"),
        (
            GcpDriftTarget(project="My_Project"),
            ["projects/abcdef/global/images/x"],
            r"`target.project`",
        ),
        (GcpDriftTarget(project="my-project"), [AMI], r"`approved_images\[0\]`"),
        (
            GcpDriftTarget(project="my-project", extra_image_projects=["UPPER"]),
            ["projects/abcdef/global/images/x"],
            r"`target.extra_image_projects\[0\]`",
        ),
        (AzureDriftTarget(scope="/subscriptions/nope"), [AMI], r"`target.scope`"),
        (
            AzureDriftTarget(scope=f"/subscriptions/{SUB}", effect="audit"),
            [AMI],
            r"`target.effect`",
        ),
        (AzureDriftTarget(scope=f"/subscriptions/{SUB}"), [AMI], r"`approved_images\[0\]`"),
    ],
)
def test_bad_input(pulumi_mocks, target, images, field):
    with pytest.raises(ComponentInputError, match=field):
        DriftRule("drift", DriftRuleArgs(target=target, approved_images=images))
    assert pulumi_mocks.resources == []  # nothing registered


@pytest.mark.parametrize("name", ["", "has space", "-leading", "x" * 41, "dots.not.ok"])
def test_bad_name(pulumi_mocks, name):
    with pytest.raises(ComponentInputError, match="`name`"):
        DriftRule(name, DriftRuleArgs(target=AwsDriftTarget(), approved_images=[AMI]))


def test_bad_tags(pulumi_mocks):
    with pytest.raises(ComponentInputError, match=r"`tags\['team'\]`"):
        DriftRule(
            "drift",
            DriftRuleArgs(target=AwsDriftTarget(), approved_images=[AMI], tags={"team": 1}),
        )


def test_args_type(pulumi_mocks):
    with pytest.raises(ComponentInputError, match="`args`"):
        DriftRule("drift", {"approved_images": [AMI]})  # type: ignore[arg-type]


def test_golden_image_of_another_cloud(pulumi_mocks):
    from immutable_components import AwsBuilder, GoldenImage, GoldenImageArgs, RunCommands

    img = GoldenImage(
        "base",
        GoldenImageArgs(
            builder=AwsBuilder(
                source=AMI, subnet_id="subnet-0123456789abcdef0", ssh_cidrs=["10.0.0.0/8"]
            ),
            provisioners=[RunCommands(commands=["true"])],
        ),
    )
    with pytest.raises(ComponentInputError, match=r"`approved_images\[0\]`.*\(gcp\)"):
        DriftRule(
            "drift",
            DriftRuleArgs(target=GcpDriftTarget(project="my-project"), approved_images=[img]),
        )


def test_args_are_frozen_and_keyword_only():
    with pytest.raises(TypeError):
        DriftRuleArgs(AwsDriftTarget(), [AMI])  # type: ignore[misc]
    args = DriftRuleArgs(target=AwsDriftTarget(), approved_images=[AMI])
    with pytest.raises(dataclasses.FrozenInstanceError):
        args.approved_images = []  # type: ignore[misc]


def test_aws_only_import_does_not_load_gcp_or_azure():
    import subprocess
    import sys

    code = (
        "import sys, immutable_components as ic; ic.DriftRule; ic.AwsDriftTarget; "
        "print('pulumi_gcp' in sys.modules, 'pulumi_azure_native' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"
