"""DriftRule rejects bad input at construction, naming the component, the field, the value
and what is accepted, whether the args come as records or as the provider's dicts."""

import dataclasses

import pulumi
import pytest

from immutable_components import (
    AwsDriftTarget,
    AzureDriftTarget,
    ComponentInputError,
    DriftRule,
    DriftRuleArgs,
    GcpDriftTarget,
)

from ._support import aws_golden_image, settle_errors

AMI = "ami-0123456789abcdef0"
SUB = "11111111-2222-3333-4444-555555555555"
GCP_IMAGE = "projects/abcdef/global/images/x"
AZ_IMAGE = f"/subscriptions/{SUB}/resourceGroups/images/providers/Microsoft.Compute/images/app-1"
AWS = AwsDriftTarget()
GCP = GcpDriftTarget(project="my-project")
AZURE = AzureDriftTarget(scope=f"/subscriptions/{SUB}")
SNS = "arn:aws:sns:us-east-1:123456789012:alerts"


def rule(**kw):
    """Keyword arguments of DriftRuleArgs; an AWS rule approving AMI unless told otherwise."""
    if not any(k in kw for k in ("aws", "gcp", "azure")):
        kw["aws"] = AWS
    if "approved_image_ids" not in kw and "approved_image_sets" not in kw:
        kw["approved_image_ids"] = [AMI]
    return kw


# (DriftRuleArgs keywords, the field named, a fragment of what is accepted)
BAD = [
    # the cloud: exactly one block
    (dict(aws=None, approved_image_ids=[AMI]), "aws/gcp/azure", "exactly one of aws, gcp"),
    (rule(aws=AWS, gcp=GCP), "aws/gcp/azure", "exactly one"),
    # the approved images: at least one; lists, not strings, Outputs or None items
    (rule(approved_image_ids=[]), "approved_image_ids", "at least one approved image"),
    (rule(approved_image_ids=None, approved_image_sets=[]), "approved_image_ids", "at least one"),
    (rule(approved_image_ids=AMI), "approved_image_ids", "a list"),
    (
        rule(approved_image_ids=pulumi.Output.from_input([AMI])),
        "approved_image_ids",
        "not an Output of a list",
    ),
    (rule(approved_image_ids=[AMI, "ami-XYZ"]), "approved_image_ids[1]", "an AMI id"),
    (rule(approved_image_ids=["i-0123456789abcdef0"]), "approved_image_ids[0]", "an AMI id"),
    (rule(approved_image_ids=[42]), "approved_image_ids[0]", "an AMI id"),
    (rule(approved_image_ids=[None]), "approved_image_ids[0]", "an AMI id"),
    (rule(approved_image_sets=[None]), "approved_image_sets[0]", "a list of image ids"),
    (rule(approved_image_sets=[AMI]), "approved_image_sets[0]", "a list of image ids"),
    (rule(approved_image_sets=[[None]]), "approved_image_sets[0][0]", "an AMI id"),
    (
        rule(approved_image_sets=[[AMI], [AMI, GCP_IMAGE]]),
        "approved_image_sets[1][1]",
        "an image of the rule's cloud (aws); this is an GCP image id",
    ),
    (
        rule(approved_image_sets=[[AMI, pulumi.Output.from_input(AMI)]]),
        "approved_image_sets[0][1]",
        "a known id",
    ),
    # images of another cloud, by their shape
    (
        rule(gcp=GCP, approved_image_ids=[AMI]),
        "approved_image_ids[0]",
        "an image of the rule's cloud (gcp); this is an AWS image id",
    ),
    (
        rule(azure=AZURE, approved_image_ids=[AMI]),
        "approved_image_ids[0]",
        "an image of the rule's cloud (azure); this is an AWS image id",
    ),
    (
        rule(azure=AZURE, approved_image_ids=[GCP_IMAGE]),
        "approved_image_ids[0]",
        "(azure); this is an GCP image id",
    ),
    (
        rule(approved_image_ids=[AZ_IMAGE]),
        "approved_image_ids[0]",
        "(aws); this is an AZURE image id",
    ),
    # names where ids are expected
    (rule(gcp=GCP, approved_image_ids=["app-1"]), "approved_image_ids[0]", "a bare image name"),
    (
        rule(gcp=GCP, approved_image_ids=["global/images/app-1"]),
        "approved_image_ids[0]",
        "projects/<project>/global/images/<name>",
    ),
    (
        rule(gcp=GCP, approved_image_ids=["projects/UP/global/images/x"]),
        "approved_image_ids[0]",
        "a GCP image path",
    ),
    (rule(azure=AZURE, approved_image_ids=["app-1"]), "approved_image_ids[0]", "a bare image"),
    (
        rule(
            azure=AZURE,
            approved_image_ids=[
                f"/subscriptions/{SUB}/resourceGroups/g/providers/Microsoft.Compute/"
                "virtualMachines/vm-1"
            ],
        ),
        "approved_image_ids[0]",
        "managed image or gallery image",
    ),
    (
        # a marketplace URN is no image id (it may only come in a GoldenImage's set)
        rule(azure=AZURE, approved_image_ids=["Canonical:ubuntu-24_04-lts:server:latest"]),
        "approved_image_ids[0]",
        "managed image or gallery image",
    ),
    # AWS block
    (rule(aws=AwsDriftTarget(alert_emails=["not-an-email"])), "aws.alert_emails[0]", "email"),
    (rule(aws=AwsDriftTarget(alert_emails="ops@example.com")), "aws.alert_emails", "a list"),
    (rule(aws=AwsDriftTarget(alert_emails=[None])), "aws.alert_emails[0]", "email"),
    (
        rule(aws=AwsDriftTarget(alert_https_endpoints=["http://plain.example.com"])),
        "aws.alert_https_endpoints[0]",
        "an https:// URL",
    ),
    (
        rule(aws=AwsDriftTarget(alert_topic_arn="arn:aws:sqs:us-east-1:123456789012:q")),
        "aws.alert_topic_arn",
        "this is an ARN of sqs, not of sns",
    ),
    (
        rule(aws=AwsDriftTarget(alert_topic_arn="alerts")),
        "aws.alert_topic_arn",
        "an SNS topic ARN",
    ),
    (
        rule(aws=AwsDriftTarget(alert_topic_arn="arn:aws:sns:us-east-1:1234:alerts")),
        "aws.alert_topic_arn",
        "an SNS topic ARN",
    ),
    (
        rule(aws=AwsDriftTarget(alert_topic_arn="arn:aws:sns:moon-east-1:123456789012:alerts")),
        "aws.alert_topic_arn",
        "a region of the aws partition",
    ),
    (
        # a China region in the commercial partition
        rule(aws=AwsDriftTarget(alert_topic_arn="arn:aws:sns:cn-north-1:123456789012:alerts")),
        "aws.alert_topic_arn",
        "a region of the aws partition",
    ),
    (
        rule(aws=AwsDriftTarget(alert_topic_arn="arn:aws-xx:sns:us-east-1:123456789012:a")),
        "aws.alert_topic_arn",
        "an ARN in an AWS partition",
    ),
    (rule(aws=AwsDriftTarget(create_recorder="yes")), "aws.create_recorder", "True or False"),
    # GCP block
    (rule(gcp=GcpDriftTarget(project="My_Project")), "gcp.project", "a GCP project id"),
    (rule(gcp=GcpDriftTarget(project="projects/my-project")), "gcp.project", "without"),
    (rule(gcp=GcpDriftTarget(project="abc")), "gcp.project", "6-30"),
    (rule(gcp=GcpDriftTarget(project="my-project-")), "gcp.project", "a GCP project id"),
    (_NONE_PROJECT := rule(gcp=GcpDriftTarget(project=None)), "gcp.project", "a GCP project id"),
    (
        rule(gcp=GcpDriftTarget(project="my-project", extra_image_projects=["UPPER"])),
        "gcp.extra_image_projects[0]",
        "a GCP project id",
    ),
    (
        rule(gcp=GcpDriftTarget(project="my-project", extra_image_projects=["projects/debian"])),
        "gcp.extra_image_projects[0]",
        "without 'projects/'",
    ),
    (
        rule(gcp=GcpDriftTarget(project="my-project", extra_image_projects="ubuntu-os-cloud")),
        "gcp.extra_image_projects",
        "a list",
    ),
    (
        rule(gcp=GcpDriftTarget(project="my-project", extra_image_projects=[None])),
        "gcp.extra_image_projects[0]",
        "a GCP project id",
    ),
    # Azure block
    (rule(azure=AzureDriftTarget(scope="/subscriptions/nope")), "azure.scope", "a resource id"),
    (rule(azure=AzureDriftTarget(scope="my-group")), "azure.scope", "a bare resource group"),
    (_NONE_SCOPE := rule(azure=AzureDriftTarget(scope=None)), "azure.scope", "a resource id"),
    (
        rule(azure=AzureDriftTarget(scope=f"/subscriptions/{SUB}", effect="audit")),
        "azure.effect",
        "one of 'Audit', 'Deny', 'Disabled'",
    ),
    # tags
    (rule(tags={"team": 1}), "tags['team']", "a string"),
    (rule(tags="team"), "tags", "a mapping"),
]


_NONE_REQUIRED = (_NONE_PROJECT, _NONE_SCOPE)


@pytest.mark.parametrize(("kwargs", "field", "accepted"), BAD)
def test_bad_input(pulumi_mocks, kwargs, field, accepted):
    with pytest.raises(ComponentInputError) as error:
        DriftRule("drift", DriftRuleArgs(**kwargs))
    assert error.value.component == "DriftRule 'drift'"
    assert error.value.field == field
    assert accepted in error.value.accepted
    assert pulumi_mocks.resources == []  # nothing registered


def _as_dict(value):
    """A record as the provider's construct hands it over (snake_case plain dicts)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _as_dict(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) != f.default
        }
    if isinstance(value, list):
        return [_as_dict(v) for v in value]
    return value


@pytest.mark.parametrize(
    ("kwargs", "field", "accepted"),
    # (the block checks and a required field given as None have their own dict tests)
    [
        b
        for b in BAD
        if b[1] not in ("aws/gcp/azure", "azure.effect")
        and not any(b[0] is n for n in _NONE_REQUIRED)
    ],
)
def test_bad_input_as_dicts(pulumi_mocks, kwargs, field, accepted):
    args = {k: _as_dict(v) for k, v in kwargs.items() if v is not None}
    with pytest.raises(ComponentInputError) as error:
        DriftRule("drift", args)  # type: ignore[arg-type]
    assert error.value.field == field
    assert accepted in error.value.accepted
    assert pulumi_mocks.resources == []


def test_bad_effect_as_dict(pulumi_mocks):
    with pytest.raises(ComponentInputError) as error:
        DriftRule(
            "drift",
            {
                "azure": {"scope": f"/subscriptions/{SUB}", "effect": "audit"},
                "approved_image_ids": [AZ_IMAGE],
            },  # type: ignore[arg-type]
        )
    assert error.value.field == "azure.effect"


@pytest.mark.parametrize("blocks", [{}, {"aws": {}, "azure": {"scope": f"/subscriptions/{SUB}"}}])
def test_no_or_two_clouds_as_dicts(pulumi_mocks, blocks):
    with pytest.raises(ComponentInputError) as error:
        DriftRule("drift", {**blocks, "approved_image_ids": [AMI]})  # type: ignore[arg-type]
    assert error.value.field == "aws/gcp/azure"


def test_unknown_field_as_dict(pulumi_mocks):
    with pytest.raises(ComponentInputError) as error:
        DriftRule("drift", {"aws": {}, "approved_images": [AMI]})  # type: ignore[arg-type]
    assert error.value.field == "approved_images"
    assert "approved_image_ids, approved_image_sets" in error.value.accepted


@pytest.mark.parametrize(
    ("block", "field"),
    [
        ({"gcp": {}, "approved_image_ids": [GCP_IMAGE]}, "gcp.project"),
        ({"gcp": {"project": None}, "approved_image_ids": [GCP_IMAGE]}, "gcp.project"),
        ({"azure": {"scope": None}, "approved_image_ids": [AZ_IMAGE]}, "azure.scope"),
    ],
)
def test_required_fields_as_dict(pulumi_mocks, block, field):
    with pytest.raises(ComponentInputError) as error:
        DriftRule("drift", block)  # type: ignore[arg-type]
    assert error.value.field == field
    assert error.value.accepted == "a value: the field is required"


@pytest.mark.parametrize("args", ["aws", None, 42])
def test_args_type(pulumi_mocks, args):
    with pytest.raises(ComponentInputError) as error:
        DriftRule("drift", args)  # type: ignore[arg-type]
    assert error.value.field == "args"


@pytest.mark.parametrize("name", ["", "has space", "-leading", "x" * 41, "dots.not.ok"])
def test_bad_name(pulumi_mocks, name):
    with pytest.raises(ComponentInputError) as error:
        DriftRule(name, DriftRuleArgs(**rule()))
    assert error.value.field == "name"
    assert pulumi_mocks.resources == []


@pytest.mark.parametrize("name", ["d", "x" * 40, "drift_rule-2"])
def test_good_name(pulumi_mocks, name):
    DriftRule(name, DriftRuleArgs(**rule()))
    assert pulumi_mocks.resources[0].name == name


def test_defaults_given_as_none_are_the_defaults(pulumi_mocks):
    target = AwsDriftTarget(alert_emails=None, alert_https_endpoints=None, create_recorder=None)
    assert target == AwsDriftTarget()
    DriftRule("drift", DriftRuleArgs(**rule(aws=target, tags=None)))
    assert pulumi_mocks.of_type("aws:cfg/recorder:Recorder") == []
    assert AzureDriftTarget(scope=f"/subscriptions/{SUB}", effect=None).effect == "Audit"


def test_a_topic_region_newer_than_botocore_is_a_warning(pulumi_mocks, monkeypatch):
    warnings = []
    monkeypatch.setattr(pulumi.log, "warn", lambda message, *a, **k: warnings.append(message))
    arn = "arn:aws:sns:eu-east-9:123456789012:alerts"
    DriftRule("drift", DriftRuleArgs(**rule(aws=AwsDriftTarget(alert_topic_arn=arn))))
    assert len(warnings) == 1
    assert "DriftRule 'drift': `aws.alert_topic_arn`: region 'eu-east-9'" in warnings[0]
    assert pulumi_mocks.one("aws:cloudwatch/eventTarget:EventTarget").inputs["arn"] == arn


@pytest.mark.parametrize(
    "arn",
    [
        SNS,
        "arn:aws:sns:eu-west-1:123456789012:alerts.fifo",
        "arn:aws-cn:sns:cn-north-1:123456789012:alerts",
        "arn:aws-us-gov:sns:us-gov-west-1:123456789012:alerts",
    ],
)
def test_topic_arns_accepted(pulumi_mocks, arn):
    DriftRule("drift", DriftRuleArgs(**rule(aws=AwsDriftTarget(alert_topic_arn=arn))))
    assert pulumi_mocks.one("aws:cloudwatch/eventTarget:EventTarget").inputs["arn"] == arn


def test_an_aws_golden_image_in_a_gcp_rule(pulumi_mocks):
    # Its approved set is an Output: its ids are checked when they resolve, by their shape.
    img = aws_golden_image("base", source=AMI)
    DriftRule("drift", DriftRuleArgs(gcp=GCP, approved_image_sets=[img.approved_image_ids]))
    errors = settle_errors(pulumi_mocks)
    assert "DriftRule 'drift': `approved_image_sets[0][0]` = 'ami-" in errors
    assert "an image of the rule's cloud (gcp); this is an AWS image id" in errors


def test_an_output_id_of_another_cloud(pulumi_mocks):
    DriftRule(
        "drift",
        DriftRuleArgs(
            azure=AZURE,
            approved_image_ids=[AZ_IMAGE, pulumi.Output.from_input(AMI)],
        ),
    )
    errors = settle_errors(pulumi_mocks)
    assert f"`approved_image_ids[1]` = '{AMI}' is not accepted: an image of the rule's" in errors


def test_args_are_frozen_and_keyword_only():
    with pytest.raises(TypeError):
        DriftRuleArgs(AWS, [AMI])  # type: ignore[misc]
    args = DriftRuleArgs(aws=AWS, approved_image_ids=[AMI])
    with pytest.raises(dataclasses.FrozenInstanceError):
        args.approved_image_ids = []  # type: ignore[misc]


def test_aws_only_import_does_not_load_gcp_or_azure():
    import subprocess
    import sys

    code = (
        "import sys, immutable_components as ic; ic.DriftRule; ic.AwsDriftTarget; "
        "ic.GcpDriftTarget; ic.AzureDriftTarget; "
        "print('pulumi_gcp' in sys.modules, 'pulumi_azure_native' in sys.modules, "
        "[m for m in sys.modules if m.startswith('immutable_components.drift_rule.')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == (
        "False False ['immutable_components.drift_rule.args', "
        "'immutable_components.drift_rule._approved', 'immutable_components.drift_rule.component']"
    )
