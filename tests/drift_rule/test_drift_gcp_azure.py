"""DriftRule on GCP (trusted image projects) and Azure (policy definition + assignment)."""

import json

import pulumi
import pytest

from immutable_components import AzureDriftTarget, DriftRule, DriftRuleArgs, GcpDriftTarget
from immutable_components.drift_rule.gcp import image_project

from ._support import gcp_golden_images, settle_errors

AMI = "ami-0123456789abcdef0"
SUB = "11111111-2222-3333-4444-555555555555"
AZ_IMAGE = f"/subscriptions/{SUB}/resourceGroups/images/providers/Microsoft.Compute/images/app-1"
AZ_GALLERY = (
    f"/subscriptions/{SUB}/resourceGroups/images/providers/Microsoft.Compute/galleries/g/"
    "images/app/versions/1.0.0"
)


def test_gcp_policy(pulumi_mocks):
    d = DriftRule(
        "drift",
        DriftRuleArgs(
            gcp=GcpDriftTarget(project="my-project", extra_image_projects=["ubuntu-os-cloud"]),
            approved_image_ids=[
                "projects/image-proj/global/images/app-1",
                "https://www.googleapis.com/compute/v1/projects/image-proj/global/images/base-1",
                pulumi.Output.from_input("projects/other-proj/global/images/family/app"),
            ],
        ),
    )
    got = [(r.type, r.name) for r in pulumi_mocks.resources]
    assert got == [
        ("immutable:index:DriftRule", "drift"),
        ("gcp:orgpolicy/policy:Policy", "drift-trusted-image-projects"),
    ]
    policy = pulumi_mocks.one("gcp:orgpolicy/policy:Policy")
    assert policy.parent == pulumi_mocks.one("immutable:index:DriftRule").urn
    assert policy.inputs == {
        "name": "projects/my-project/policies/compute.trustedImageProjects",
        "parent": "projects/my-project",
        "spec": {
            "inheritFromParent": False,
            "rules": [
                {
                    "values": {
                        "allowedValues": [
                            "projects/image-proj",
                            "projects/other-proj",
                            "projects/ubuntu-os-cloud",
                        ]
                    }
                }
            ],
        },
    }
    assert pulumi_mocks.resolve(d.rule_names) == [
        "projects/my-project/policies/compute.trustedImageProjects"
    ]
    assert pulumi_mocks.resolve(d.topic_arn) == ""


@pytest.mark.parametrize(
    ("image", "project"),
    [
        ("projects/debian-cloud/global/images/debian-12-bookworm-v20240110", "debian-cloud"),
        ("projects/my-proj-1/global/images/family/app", "my-proj-1"),
        ("https://www.googleapis.com/compute/v1/projects/abcdef/global/images/x1", "abcdef"),
    ],
)
def test_image_project(image, project):
    assert image_project(image) == project


def test_image_project_refuses_what_is_no_image_path():
    with pytest.raises(ValueError, match="not a GCP image path"):
        image_project("debian-12")


def test_gcp_layered_images_approve_their_vendor_project(pulumi_mocks):
    # A base baked from a vendor image and an app layered on it: their approved sets carry
    # the vendor image (the chain's root), so the next rebake's builder may boot it.
    vendor = "projects/ubuntu-os-cloud/global/images/ubuntu-2404-noble-amd64-v20250110"
    base, app = gcp_golden_images(vendor)
    DriftRule(
        "drift",
        DriftRuleArgs(
            gcp=GcpDriftTarget(project="my-project"),
            approved_image_sets=[base.approved_image_ids, app.approved_image_ids],
        ),
    )
    base_id = pulumi_mocks.resolve(base.image_id)
    assert pulumi_mocks.resolve(app.approved_image_ids) == [
        pulumi_mocks.resolve(app.image_id),
        base_id,  # the app's builder boots the base while the app bakes
        vendor,
    ]
    policy = pulumi_mocks.one("gcp:orgpolicy/policy:Policy")
    assert policy.inputs["spec"]["rules"][0]["values"]["allowedValues"] == [
        f"projects/{image_project(base_id)}",
        "projects/ubuntu-os-cloud",
    ]
    image_urns = {r.urn for r in pulumi_mocks.of_type("gcp:compute/image:Image")}
    assert image_urns and image_urns <= set(policy.dependencies)


def test_gcp_project_from_another_resource(pulumi_mocks):
    DriftRule(
        "drift",
        DriftRuleArgs(
            gcp=GcpDriftTarget(project=pulumi.Output.from_input("my-project")),
            approved_image_ids=["projects/image-proj/global/images/app-1"],
        ),
    )
    policy = pulumi_mocks.one("gcp:orgpolicy/policy:Policy")
    assert policy.inputs["name"] == "projects/my-project/policies/compute.trustedImageProjects"
    assert policy.inputs["parent"] == "projects/my-project"


def test_an_aws_set_in_a_gcp_rule_fails_when_it_resolves(pulumi_mocks):
    DriftRule(
        "drift",
        DriftRuleArgs(
            gcp=GcpDriftTarget(project="my-project"),
            approved_image_sets=[
                pulumi.Output.from_input(["projects/abcdef/global/images/x", AMI])
            ],
        ),
    )
    errors = settle_errors(pulumi_mocks)
    assert (
        f"DriftRule 'drift': `approved_image_sets[0][1]` = '{AMI}' is not accepted: an image "
        "of the rule's cloud (gcp); this is an AWS image id"
    ) in errors


def test_azure_policy(pulumi_mocks):
    scope = f"/subscriptions/{SUB}/resourceGroups/app"
    d = DriftRule(
        "drift",
        DriftRuleArgs(
            azure=AzureDriftTarget(scope=scope, effect="Deny"),
            approved_image_ids=[AZ_IMAGE, AZ_GALLERY],
        ),
    )
    got = [(r.type, r.name) for r in pulumi_mocks.resources]
    assert got == [
        ("immutable:index:DriftRule", "drift"),
        ("azure-native:authorization:PolicyDefinition", "drift-approved-images"),
        ("azure-native:authorization:PolicyAssignment", "drift-approved-images-assignment"),
    ]
    definition = pulumi_mocks.one("azure-native:authorization:PolicyDefinition")
    assert definition.inputs["policyType"] == "Custom"
    assert definition.inputs["mode"] == "Indexed"
    assert json.loads(json.dumps(definition.inputs["policyRule"])) == {
        "if": {
            "allOf": [
                {
                    "field": "type",
                    "in": [
                        "Microsoft.Compute/virtualMachines",
                        "Microsoft.Compute/virtualMachineScaleSets",
                    ],
                },
                {"field": "Microsoft.Compute/imageId", "notIn": "[parameters('approvedImageIds')]"},
            ]
        },
        "then": {"effect": "[parameters('effect')]"},
    }
    params = definition.inputs["parameters"]
    assert params["approvedImageIds"]["type"] == "Array"
    assert params["effect"]["allowedValues"] == ["Audit", "Deny", "Disabled"]
    assert params["effect"]["defaultValue"] == "Audit"
    assignment = pulumi_mocks.one("azure-native:authorization:PolicyAssignment")
    assert assignment.inputs["scope"] == scope
    assert assignment.inputs["policyDefinitionId"] == (
        "/subscriptions/00000000-0000-0000-0000-000000000000/providers/"
        "Microsoft.Authorization/policyDefinitions/drift-approved-images"
    )
    assert definition.urn in assignment.dependencies
    assert assignment.inputs["parameters"] == {
        "approvedImageIds": {"value": sorted([AZ_IMAGE, AZ_GALLERY])},
        "effect": {"value": "Deny"},
    }
    assert pulumi_mocks.resolve(d.rule_names) == ["drift-approved-images"]


def test_azure_marketplace_source_in_a_set_is_kept(pulumi_mocks):
    # An Azure GoldenImage baking from the marketplace has its source's URN in its set.
    urn = "Canonical:ubuntu-24_04-lts:server:24.04.202501140"
    DriftRule(
        "drift",
        DriftRuleArgs(
            azure=AzureDriftTarget(scope=f"/subscriptions/{SUB}"),
            approved_image_sets=[pulumi.Output.from_input([AZ_IMAGE, urn])],
        ),
    )
    assignment = pulumi_mocks.one("azure-native:authorization:PolicyAssignment")
    assert assignment.inputs["parameters"]["approvedImageIds"] == {"value": sorted([AZ_IMAGE, urn])}


def test_azure_effect_defaults_to_audit(pulumi_mocks):
    DriftRule(
        "drift",
        DriftRuleArgs(
            azure=AzureDriftTarget(scope=f"/subscriptions/{SUB}"), approved_image_ids=[AZ_IMAGE]
        ),
    )
    assignment = pulumi_mocks.one("azure-native:authorization:PolicyAssignment")
    assert assignment.inputs["parameters"]["effect"] == {"value": "Audit"}
