"""DriftRule through Pulumi's component provider: the schema other languages get, and a
construction from the camelCase dicts they send giving the same resources as Python."""

import pytest
from pulumi.provider.experimental.component import ComponentInitError

from immutable_components import (
    AwsDriftTarget,
    AzureDriftTarget,
    DriftRule,
    DriftRuleArgs,
    GcpDriftTarget,
)
from immutable_components.testing import mocked

from .._provider import construct, schema

TOKEN = "immutable:index:DriftRule"
AMI = "ami-0123456789abcdef0"
SUB = "11111111-2222-3333-4444-555555555555"
AZ_IMAGE = f"/subscriptions/{SUB}/resourceGroups/images/providers/Microsoft.Compute/images/app-1"


@pytest.fixture(scope="module")
def spec():
    return schema(DriftRule)


def test_token_and_types(spec):
    assert list(spec["resources"]) == [TOKEN]
    assert set(spec["types"]) == {
        "immutable:index:AwsDriftTarget",
        "immutable:index:GcpDriftTarget",
        "immutable:index:AzureDriftTarget",
        "immutable:index:AzureDriftEffect",
    }


def test_inputs_required_and_optional(spec):
    resource = spec["resources"][TOKEN]
    assert set(resource["inputProperties"]) == {
        "aws",
        "gcp",
        "azure",
        "approvedImageIds",
        "approvedImageSets",
        "tags",
    }
    # Which cloud and which images are one-of / at-least-one rules, checked at construction.
    assert resource["requiredInputs"] == []
    types = spec["types"]
    assert types["immutable:index:GcpDriftTarget"]["required"] == ["project"]
    assert types["immutable:index:AzureDriftTarget"]["required"] == ["scope"]
    assert "required" not in types["immutable:index:AwsDriftTarget"]
    for block in ("aws", "gcp", "azure"):
        ref = resource["inputProperties"][block]["$ref"]
        assert ref == f"#/types/immutable:index:{block.capitalize()}DriftTarget"


def test_ids_are_output_capable(spec):
    inputs = spec["resources"][TOKEN]["inputProperties"]
    # Each id may be another resource's output; each set may be (a GoldenImage's output).
    assert inputs["approvedImageIds"]["items"] == {
        "description": inputs["approvedImageIds"]["description"],
        "type": "string",
    }
    sets = inputs["approvedImageSets"]["items"]
    assert sets["type"] == "array" and "plain" not in sets
    types = spec["types"]
    assert "plain" not in types["immutable:index:AwsDriftTarget"]["properties"]["alertTopicArn"]
    assert "plain" not in types["immutable:index:GcpDriftTarget"]["properties"]["project"]
    assert "plain" not in types["immutable:index:AzureDriftTarget"]["properties"]["scope"]


def test_effect_is_an_enum(spec):
    effect = spec["types"]["immutable:index:AzureDriftEffect"]
    assert [e["value"] for e in effect["enum"]] == ["Audit", "Deny", "Disabled"]
    prop = spec["types"]["immutable:index:AzureDriftTarget"]["properties"]["effect"]
    assert prop["$ref"] == "#/types/immutable:index:AzureDriftEffect"


def test_outputs(spec):
    resource = spec["resources"][TOKEN]
    assert resource["required"] == ["approvedImageIds", "ruleNames", "topicArn"]
    assert resource["properties"]["ruleNames"]["type"] == "array"
    assert resource["properties"]["topicArn"]["type"] == "string"


def test_descriptions_from_docstrings(spec):
    resource = spec["resources"][TOKEN]
    assert resource["description"].startswith("A cloud policy that flags")
    for name, prop in resource["inputProperties"].items():
        assert prop.get("description"), name
    for name, prop in resource["properties"].items():
        assert prop.get("description"), name
    for token, typ in spec["types"].items():
        for name, prop in typ.get("properties", {}).items():
            assert prop.get("description"), f"{token}.{name}"
    inputs = resource["inputProperties"]
    assert "GoldenImages' ``approved_image_ids``" in inputs["approvedImageSets"]["description"]
    aws = spec["types"]["immutable:index:AwsDriftTarget"]["properties"]
    assert aws["alertTopicArn"]["description"].startswith("The ARN of an existing SNS topic")


def _plan(build):
    with mocked(stack_name="dev") as run:
        build()
        return [
            {k: v for k, v in r.to_plan().items() if k != "urn"} | {"urn": r.urn}
            for r in run.resources
        ]


CASES = [
    (
        DriftRuleArgs(
            aws=AwsDriftTarget(alert_emails=["ops@example.com"], create_recorder=True),
            approved_image_ids=[AMI],
            approved_image_sets=[["ami-0123456789abcdef1"]],
            tags={"team": "platform"},
        ),
        {
            "aws": {"alertEmails": ["ops@example.com"], "createRecorder": True},
            "approvedImageIds": [AMI],
            "approvedImageSets": [["ami-0123456789abcdef1"]],
            "tags": {"team": "platform"},
        },
    ),
    (
        DriftRuleArgs(
            gcp=GcpDriftTarget(project="my-project", extra_image_projects=["ubuntu-os-cloud"]),
            approved_image_ids=["projects/image-proj/global/images/app-1"],
        ),
        {
            "gcp": {"project": "my-project", "extraImageProjects": ["ubuntu-os-cloud"]},
            "approvedImageIds": ["projects/image-proj/global/images/app-1"],
        },
    ),
    (
        DriftRuleArgs(
            azure=AzureDriftTarget(scope=f"/subscriptions/{SUB}", effect="Deny"),
            approved_image_sets=[[AZ_IMAGE]],
        ),
        {
            "azure": {"scope": f"/subscriptions/{SUB}", "effect": "Deny"},
            "approvedImageSets": [[AZ_IMAGE]],
        },
    ),
]


@pytest.mark.parametrize(("args", "inputs"), CASES, ids=["aws", "gcp", "azure"])
def test_construct_gives_the_python_resources(args, inputs):
    python = _plan(lambda: DriftRule("approved", args))
    provider = _plan(lambda: construct(DriftRule, "approved", inputs))
    assert len(python) > 1
    assert provider == python


def test_construct_refuses_what_python_refuses():
    inputs = {"gcp": {"project": "my-project"}, "approvedImageIds": [AMI]}
    with mocked() as run:
        with pytest.raises(ComponentInitError) as error:
            construct(DriftRule, "approved", inputs)
        assert run.resources == []
    assert str(error.value) == (
        f"DriftRule 'approved': `approved_image_ids[0]` = '{AMI}' is not accepted: an image "
        "of the rule's cloud (gcp); this is an AWS image id"
    )
