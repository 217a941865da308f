"""DriftRule on GCP (trusted image projects) and Azure (policy definition + assignment)."""

import json

import pulumi
import pytest

from immutable_components import AzureDriftTarget, DriftRule, DriftRuleArgs, GcpDriftTarget
from immutable_components.drift_rule.gcp import image_project

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
            target=GcpDriftTarget(project="my-project", extra_image_projects=["ubuntu-os-cloud"]),
            approved_images=[
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


def test_azure_policy(pulumi_mocks):
    scope = f"/subscriptions/{SUB}/resourceGroups/app"
    d = DriftRule(
        "drift",
        DriftRuleArgs(
            target=AzureDriftTarget(scope=scope, effect="Deny"),
            approved_images=[AZ_IMAGE, AZ_GALLERY],
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
    assert assignment.inputs["policyDefinitionId"].endswith(
        "/providers/Microsoft.Authorization/policyDefinitions/drift-approved-images"
    )
    assert definition.urn in assignment.dependencies
    assert assignment.inputs["parameters"] == {
        "approvedImageIds": {"value": sorted([AZ_IMAGE, AZ_GALLERY])},
        "effect": {"value": "Deny"},
    }
    assert pulumi_mocks.resolve(d.rule_names) == ["drift-approved-images"]


def test_azure_effect_defaults_to_audit(pulumi_mocks):
    DriftRule(
        "drift",
        DriftRuleArgs(
            target=AzureDriftTarget(scope=f"/subscriptions/{SUB}"), approved_images=[AZ_IMAGE]
        ),
    )
    assignment = pulumi_mocks.one("azure-native:authorization:PolicyAssignment")
    assert assignment.inputs["parameters"]["effect"] == {"value": "Audit"}
