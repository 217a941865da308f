"""The three releases through Pulumi's component provider, as another language uses them.

The schema the analyzer infers (tokens, required vs optional inputs, Output-capable ids,
records as types, descriptions from the docstrings), and the provider's ``construct`` with
the camelCase dict another language sends, which must register exactly what the Python call
registers.
"""

from typing import Any

import pytest
from pulumi.provider.server import ComponentInitError

from immutable_components import ComponentInputError, LaunchTemplateRelease
from immutable_components.release import (
    AzureScaleSetReleaseArgs,
    EbsVolume,
    GcpInstanceGroupReleaseArgs,
    InstanceMaintenancePolicy,
    LaunchTemplateReleaseArgs,
    RefreshPreferences,
)
from immutable_components.release.azure import AzureScaleSetRelease
from immutable_components.release.gcp import GcpInstanceGroupRelease
from immutable_components.testing import mocked

from .._provider import construct, registered, schema

AMI = "ami-0123456789abcdef0"
SUBNETS = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef"
LTR = "immutable:index:LaunchTemplateRelease"
GCP = "immutable:index:GcpInstanceGroupRelease"
AZURE = "immutable:index:AzureScaleSetRelease"


def _resource(component: type, token: str) -> dict[str, Any]:
    return schema(component)["resources"][token]


# ----------------------------------------------------------------------------------------
# schema


def test_launch_template_release_schema_inputs():
    resource = _resource(LaunchTemplateRelease, LTR)
    assert resource["isComponent"] is True
    assert sorted(resource["requiredInputs"]) == ["imageId", "subnetIds"]
    inputs = resource["inputProperties"]
    # Every field of the record is an input, camelCase, and nothing else is.
    assert len(inputs) == len(LaunchTemplateReleaseArgs.__dataclass_fields__)
    assert "image" not in inputs
    for name in (
        "imageId",
        "imageBuildHash",
        "vpcId",
        "instanceProfileName",
        "refreshRoleArn",
        "secretsKmsKeyArn",
        "ebsKmsKeyId",
    ):
        assert inputs[name]["type"] == "string", name
        assert "plain" not in inputs[name], f"{name} must take an Output"
    for name in ("subnetIds", "securityGroupIds", "targetGroupArns", "rolePolicyArns"):
        assert inputs[name]["type"] == "array"
        assert inputs[name]["items"]["type"] == "string"
        assert "plain" not in inputs[name]["items"], f"{name} items must take Outputs"
    assert inputs["instanceType"] == {
        "description": inputs["instanceType"]["description"],
        "type": "string",
        "plain": True,
    }
    assert inputs["instanceTypes"]["type"] == "array"
    assert inputs["minSize"]["type"] == "integer"
    assert inputs["detailedMonitoring"]["type"] == "boolean"
    assert inputs["extraVolumes"]["items"]["$ref"] == "#/types/immutable:index:EbsVolume"
    assert inputs["refresh"]["$ref"] == "#/types/immutable:index:RefreshPreferences"
    assert inputs["instanceMaintenancePolicy"]["$ref"] == (
        "#/types/immutable:index:InstanceMaintenancePolicy"
    )
    assert inputs["imageId"]["description"].startswith("The AMI to release")
    assert "Default: ``t3.micro``" in inputs["instanceType"]["description"]


def test_launch_template_release_schema_types_and_outputs():
    generated = schema(LaunchTemplateRelease)
    types = generated["types"]
    assert sorted(types) == [
        "immutable:index:EbsVolume",
        "immutable:index:InstanceMaintenancePolicy",
        "immutable:index:RefreshPreferences",
    ]
    volume = types["immutable:index:EbsVolume"]
    assert sorted(volume["required"]) == ["deviceName", "sizeGib"]
    assert set(volume["properties"]) == {
        "deviceName",
        "sizeGib",
        "volumeType",
        "iops",
        "throughput",
    }
    preferences = types["immutable:index:RefreshPreferences"]
    assert preferences.get("required", []) == []
    assert len(preferences["properties"]) == len(RefreshPreferences.__dataclass_fields__)
    assert types["immutable:index:InstanceMaintenancePolicy"].get("required", []) == []
    resource = generated["resources"][LTR]
    assert sorted(resource["properties"]) == [
        "autoScalingGroupArn",
        "autoScalingGroupName",
        "instanceProfileArn",
        "instanceRoleArn",
        "launchTemplateId",
        "launchTemplateLatestVersion",
        "securityGroupIds",
    ]
    # The role and profile are None with a given instance profile: optional outputs.
    assert "instanceRoleArn" not in resource["required"]
    assert "instanceProfileArn" not in resource["required"]
    assert resource["properties"]["launchTemplateLatestVersion"]["type"] == "integer"


def test_gcp_release_schema():
    resource = _resource(GcpInstanceGroupRelease, GCP)
    assert sorted(resource["requiredInputs"]) == ["imageId", "network", "region", "subnetwork"]
    inputs = resource["inputProperties"]
    assert len(inputs) == len(GcpInstanceGroupReleaseArgs.__dataclass_fields__)
    for name in ("imageId", "imageBuildHash", "network", "subnetwork"):
        assert "plain" not in inputs[name], f"{name} must take an Output"
    assert sorted(resource["properties"]) == [
        "healthCheckId",
        "instanceGroup",
        "instanceGroupManagerId",
        "instanceTemplateSelfLink",
        "serviceAccountEmail",
    ]


def test_azure_release_schema():
    resource = _resource(AzureScaleSetRelease, AZURE)
    assert sorted(resource["requiredInputs"]) == ["imageId", "resourceGroupName", "subnetId"]
    inputs = resource["inputProperties"]
    assert len(inputs) == len(AzureScaleSetReleaseArgs.__dataclass_fields__)
    for name in (
        "imageId",
        "imageBuildHash",
        "resourceGroupName",
        "subnetId",
        "keyVaultId",
        "loadBalancerProbeId",
        "sshPublicKey",
    ):
        assert "plain" not in inputs[name], f"{name} must take an Output"
    assert "plain" not in inputs["loadBalancerBackendPoolIds"]["items"]
    assert sorted(resource["properties"]) == [
        "identityId",
        "identityPrincipalId",
        "scaleSetId",
        "scaleSetName",
    ]


# ----------------------------------------------------------------------------------------
# construct: the provider's dict gives the same resources as the Python call


def test_launch_template_release_construct_matches_the_python_call():
    python = registered(
        lambda: LaunchTemplateRelease(
            "web",
            LaunchTemplateReleaseArgs(
                image_id=AMI,
                image_build_hash="f" * 64,
                subnet_ids=SUBNETS,
                instance_types=["m7g.large", "m6g.large"],
                min_size=2,
                max_size=4,
                version="1.2.3",
                settings={"APP_MESSAGE": "hello"},
                secrets={"DB_PASSWORD": "ssm:/immutable/dev/db-password"},
                restart_services=["app.service"],
                role_policy_arns=["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
                target_group_arns=[TG],
                extra_volumes=[EbsVolume(device_name="/dev/sdf", size_gib=20, iops=4000)],
                instance_maintenance_policy=InstanceMaintenancePolicy(min_healthy_percentage=90),
                refresh=RefreshPreferences(
                    checkpoint_percentages=[50, 100], checkpoint_delay=300, bake_time=60
                ),
                tags={"Team": "web"},
            ),
        )
    )
    provider = registered(
        lambda: construct(
            LaunchTemplateRelease,
            "web",
            {
                "imageId": AMI,
                "imageBuildHash": "f" * 64,
                "subnetIds": SUBNETS,
                "instanceTypes": ["m7g.large", "m6g.large"],
                "minSize": 2.0,  # numbers arrive as floats
                "maxSize": 4.0,
                "version": "1.2.3",
                "settings": {"APP_MESSAGE": "hello"},
                "secrets": {"DB_PASSWORD": "ssm:/immutable/dev/db-password"},
                "restartServices": ["app.service"],
                "rolePolicyArns": ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
                "targetGroupArns": [TG],
                "extraVolumes": [{"deviceName": "/dev/sdf", "sizeGib": 20.0, "iops": 4000.0}],
                "instanceMaintenancePolicy": {"minHealthyPercentage": 90.0},
                "refresh": {
                    "checkpointPercentages": [50.0, 100.0],
                    "checkpointDelay": 300.0,
                    "bakeTime": 60.0,
                },
                "tags": {"Team": "web"},
            },
        )
    )
    assert [(t, n) for t, n, *_ in python][:3] == [
        (LTR, "web"),
        ("aws:ec2/securityGroup:SecurityGroup", "web-sg"),
        ("aws:iam/role:Role", "web-role"),
    ]
    assert provider == python


def test_launch_template_release_construct_refuses_a_bad_dict():
    with mocked() as run:
        with pytest.raises(ComponentInitError) as info:
            construct(
                LaunchTemplateRelease,
                "web",
                {"imageId": AMI, "subnetIds": SUBNETS, "instanceTypes": ["m7g.large", "M6G"]},
            )
        assert str(info.value).startswith(
            "LaunchTemplateRelease 'web': `instance_types[1]` = 'M6G' is not accepted"
        )
        assert isinstance(info.value.__cause__ or info.value.__context__, ComponentInputError)
        assert run.resources == []


def test_gcp_release_construct_matches_the_python_call():
    common = {
        "region": "europe-west1",
        "network": "projects/my-project/global/networks/main",
        "subnetwork": "projects/my-project/regions/europe-west1/subnetworks/app",
    }
    image = "projects/my-project/global/images/app-1"
    python = registered(
        lambda: GcpInstanceGroupRelease(
            "app-fleet",
            GcpInstanceGroupReleaseArgs(
                image_id=image,
                image_build_hash="a" * 64,
                target_size=6,
                settings={"APP_MESSAGE": "hi"},
                secrets={"DB": "db-password"},
                labels={"team": "web"},
                **common,
            ),
        )
    )
    provider = registered(
        lambda: construct(
            GcpInstanceGroupRelease,
            "app-fleet",
            {
                "imageId": image,
                "imageBuildHash": "a" * 64,
                "targetSize": 6.0,
                "settings": {"APP_MESSAGE": "hi"},
                "secrets": {"DB": "db-password"},
                "labels": {"team": "web"},
                **common,
            },
        )
    )
    assert len(python) == 7  # the component and its 6 children
    template = next(r for r in python if r[1] == "app-fleet-template")
    assert template[3]["labels"]["image-build-hash"] == "a" * 63
    assert provider == python


def test_azure_release_construct_matches_the_python_call():
    rg = "rg-app"
    subnet = (
        "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s"
    )
    image = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/images/app-1"
    python = registered(
        lambda: AzureScaleSetRelease(
            "app-fleet",
            AzureScaleSetReleaseArgs(
                resource_group_name=rg,
                image_id=image,
                image_build_hash="b" * 64,
                subnet_id=subnet,
                capacity=3,
                zones=["1", "2"],
                settings={"APP_MESSAGE": "hi"},
                ssh_public_key="ssh-ed25519 AAAA test",
            ),
        )
    )
    provider = registered(
        lambda: construct(
            AzureScaleSetRelease,
            "app-fleet",
            {
                "resourceGroupName": rg,
                "imageId": image,
                "imageBuildHash": "b" * 64,
                "subnetId": subnet,
                "capacity": 3.0,
                "zones": ["1", "2"],
                "settings": {"APP_MESSAGE": "hi"},
                "sshPublicKey": "ssh-ed25519 AAAA test",
            },
        )
    )
    scale_set = next(r for r in python if r[1] == "app-fleet-vmss")
    assert scale_set[3]["tags"]["ImageBuildHash"] == "b" * 64
    assert provider == python


def test_the_escape_hatch_through_the_provider_is_the_same_raw_mapping():
    overrides = {"ebs_optimized": "true", "metadata_options": {"http_tokens": "required"}}
    python = registered(
        lambda: LaunchTemplateRelease(
            "web",
            LaunchTemplateReleaseArgs(
                image_id=AMI, subnet_ids=SUBNETS, launch_template_overrides=overrides
            ),
        )
    )
    provider = registered(
        lambda: construct(
            LaunchTemplateRelease,
            "web",
            {"imageId": AMI, "subnetIds": SUBNETS, "launchTemplateOverrides": overrides},
        )
    )
    template = next(r for r in python if r[1] == "web-lt")
    assert template[3]["ebsOptimized"] == "true"
    assert template[3]["metadataOptions"] == {"httpTokens": "required"}
    assert provider == python


def test_the_three_releases_share_one_schema_without_a_type_clash():
    generated = schema(LaunchTemplateRelease, GcpInstanceGroupRelease, AzureScaleSetRelease)
    assert sorted(generated["resources"]) == [AZURE, GCP, LTR]
    assert sorted(generated["types"]) == [
        "immutable:index:EbsVolume",
        "immutable:index:InstanceMaintenancePolicy",
        "immutable:index:RefreshPreferences",
    ]
