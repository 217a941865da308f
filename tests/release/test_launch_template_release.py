"""LaunchTemplateRelease on AWS: exact children, secure defaults, the pinned version, the
rollout wiring, the instance role's exact permissions and every bad input."""

from __future__ import annotations

import base64
import json
from dataclasses import replace

import pulumi
import pytest

from immutable_components import (
    AwsIdentityError,
    ComponentInputError,
    EbsVolume,
    InstanceMaintenancePolicy,
    LaunchTemplateRelease,
    LaunchTemplateReleaseArgs,
    RefreshPreferences,
)
from immutable_components.release.refresh import InstanceRefreshProvider

AMI = "ami-0123456789abcdef0"
SUBNETS = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
SG = "sg-0123456789abcdef0"
TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef"
ACCOUNT = "123456789012"
LT = "aws:ec2/launchTemplate:LaunchTemplate"
ASG = "aws:autoscaling/group:Group"
REFRESH = "pulumi-python:dynamic/immutable:InstanceRefresh"
BASE = LaunchTemplateReleaseArgs(
    image_id=AMI,
    subnet_ids=SUBNETS,
    security_group_ids=[SG],
    version="1.2.3",
    image_build_hash="f" * 64,
    settings={"APP_MESSAGE": "hello"},
    secrets={
        "DB_PASSWORD": "ssm:/immutable/dev/db-password",
        "API_KEY": "secretsmanager:prod/api-key",
    },
    restart_services=["app.service"],
)


def release(mocks, args=BASE, name="web", opts=None):
    component = LaunchTemplateRelease(name, args, opts)
    mocks.settle()
    return component


def test_children_exact_names_types_and_parent(pulumi_mocks):
    release(pulumi_mocks, replace(BASE, security_group_ids=()))
    component = pulumi_mocks.one("immutable:index:LaunchTemplateRelease", "web")
    children = [(r.type, r.name) for r in pulumi_mocks.children_of(component)]
    assert children == [
        ("aws:ec2/securityGroup:SecurityGroup", "web-sg"),
        ("aws:iam/role:Role", "web-role"),
        ("aws:iam/rolePolicy:RolePolicy", "web-secrets"),
        ("aws:iam/instanceProfile:InstanceProfile", "web-profile"),
        (LT, "web-lt"),
        (ASG, "web-asg"),
        (REFRESH, "web-rollout"),
    ]
    assert len(pulumi_mocks.resources) == 1 + len(children)


def test_launch_template_secure_defaults(pulumi_mocks):
    component = release(pulumi_mocks)
    lt = pulumi_mocks.one(LT, "web-lt")
    inputs = lt.inputs
    assert inputs["namePrefix"] == "web-"
    assert "name" not in inputs
    assert inputs["updateDefaultVersion"] is True
    assert inputs["imageId"] == AMI
    assert inputs["instanceType"] == "t3.micro"
    assert "keyName" not in inputs
    assert inputs["metadataOptions"] == {
        "httpEndpoint": "enabled",
        "httpTokens": "required",
        "httpPutResponseHopLimit": 1,
    }
    assert inputs["networkInterfaces"] == [
        {
            "deviceIndex": 0,
            "associatePublicIpAddress": "false",
            "deleteOnTermination": "true",
            "securityGroups": [SG],
        }
    ]
    assert "vpcSecurityGroupIds" not in inputs
    assert inputs["blockDeviceMappings"] == [
        {
            "deviceName": "/dev/sda1",  # the image's root device, from aws.ec2.get_ami
            "ebs": {"encrypted": "true", "deleteOnTermination": "true", "volumeType": "gp3"},
        }
    ]
    assert inputs["monitoring"] == {"enabled": False}
    profile = pulumi_mocks.one("aws:iam/instanceProfile:InstanceProfile", "web-profile")
    assert inputs["iamInstanceProfile"]["arn"].startswith(
        f"arn:aws:iam::{ACCOUNT}:instance-profile/"
    )
    assert profile.urn in lt.dependencies
    tags = {
        "ManagedBy": "immutable-components",
        "Release": "web",
        "Version": "1.2.3",
        "ImageBuildHash": "f" * 64,
    }
    assert inputs["tags"] == tags
    assert inputs["tagSpecifications"] == [
        {"resourceType": "instance", "tags": {**tags, "Name": "web"}},
        {"resourceType": "volume", "tags": {**tags, "Name": "web"}},
    ]
    assert lt.options["ignoreChanges"] == []
    assert lt.options["deleteBeforeReplace"] is False
    assert pulumi_mocks.resolve(component.launch_template_latest_version) == 1
    get_ami = [a for t, a in pulumi_mocks.mocks.invokes if t == "aws:ec2/getAmi:getAmi"]
    assert get_ami == [{"filters": [{"name": "image-id", "values": [AMI]}]}]


def test_user_data_holds_settings_and_references_never_secret_values(pulumi_mocks):
    release(pulumi_mocks)
    user_data = pulumi_mocks.one(LT, "web-lt").inputs["userData"]
    script = base64.b64decode(user_data).decode()
    spec = json.loads(script.split("<<'IMMUTABLE_SPEC'\n")[1].split("\nIMMUTABLE_SPEC")[0])
    assert spec == {
        "env_file": "/etc/immutable/app.env",
        "settings": {"APP_MESSAGE": "hello"},
        "secrets": {
            "API_KEY": ["secretsmanager", "prod/api-key"],
            "DB_PASSWORD": ["ssm", "/immutable/dev/db-password"],
        },
    }
    assert "systemctl restart app.service" in script


def test_group_pinned_to_the_numbered_version_and_ignores_it(pulumi_mocks):
    component = release(pulumi_mocks)
    lt = pulumi_mocks.one(LT, "web-lt")
    asg = pulumi_mocks.one(ASG, "web-asg")
    lt_id = pulumi_mocks.resolve(component.launch_template_id)
    assert asg.inputs["launchTemplate"] == {"id": lt_id, "version": "1"}
    assert asg.inputs["launchTemplate"]["version"] not in ("$Latest", "$Default")
    assert "mixedInstancesPolicy" not in asg.inputs
    assert asg.options["ignoreChanges"] == [
        "launchTemplate",
        "mixedInstancesPolicy",
        "desiredCapacity",
    ]
    assert asg.inputs["namePrefix"] == "web-"
    assert asg.inputs["vpcZoneIdentifiers"] == SUBNETS
    assert (asg.inputs["minSize"], asg.inputs["maxSize"], asg.inputs["desiredCapacity"]) == (
        1,
        2,
        1,
    )
    assert asg.inputs["healthCheckType"] == "EC2"
    assert asg.inputs["healthCheckGracePeriod"] == 300
    assert asg.inputs["waitForCapacityTimeout"] == "10m"
    for absent in ("targetGroupArns", "waitForElbCapacity", "minElbCapacity", "instanceRefresh"):
        assert absent not in asg.inputs
    assert asg.inputs["tags"] == [
        {"key": "ManagedBy", "value": "immutable-components", "propagateAtLaunch": False},
        {"key": "Release", "value": "web", "propagateAtLaunch": False},
    ]
    policy = pulumi_mocks.one("aws:iam/rolePolicy:RolePolicy", "web-secrets")
    assert set(asg.dependencies) >= {lt.urn, policy.urn}


def test_rollout_waits_on_the_group_with_the_pinned_version(pulumi_mocks):
    component = release(
        pulumi_mocks,
        replace(
            BASE,
            refresh=RefreshPreferences(checkpoint_percentages=[50, 100], checkpoint_delay=300),
            refresh_timeout_minutes=90,
            refresh_role_arn=f"arn:aws:iam::{ACCOUNT}:role/deployer",
        ),
    )
    refresh = pulumi_mocks.one(REFRESH, "web-rollout")
    asg = pulumi_mocks.one(ASG, "web-asg")
    inputs = refresh.inputs
    assert inputs["autoScalingGroupName"] == pulumi_mocks.resolve(component.auto_scaling_group_name)
    assert inputs["launchTemplateId"] == pulumi_mocks.resolve(component.launch_template_id)
    assert inputs["launchTemplateVersion"] == 1
    assert inputs["region"] == "us-east-1"  # the provider's region (aws.get_region)
    assert inputs["roleArn"] == f"arn:aws:iam::{ACCOUNT}:role/deployer"
    assert inputs["timeoutMinutes"] == 90
    assert inputs["preferences"]["CheckpointPercentages"] == [50, 100]
    assert asg.urn in refresh.dependencies
    assert refresh.parent == pulumi_mocks.one("immutable:index:LaunchTemplateRelease").urn


def test_target_groups_make_health_checks_elb_and_gate_on_capacity(pulumi_mocks):
    release(
        pulumi_mocks,
        replace(
            BASE,
            target_group_arns=[TG],
            min_size=2,
            max_size=6,
            desired_capacity=3,
            wait_for_elb_capacity=2,
            instance_maintenance_policy=InstanceMaintenancePolicy(),
        ),
    )
    asg = pulumi_mocks.one(ASG, "web-asg").inputs
    assert asg["targetGroupArns"] == [TG]
    assert asg["healthCheckType"] == "ELB"
    assert asg["waitForElbCapacity"] == 2
    assert (asg["minSize"], asg["maxSize"], asg["desiredCapacity"]) == (2, 6, 3)
    assert asg["instanceMaintenancePolicy"] == {
        "minHealthyPercentage": 100,
        "maxHealthyPercentage": 110,
    }


def test_instance_role_may_read_exactly_the_referenced_secrets(pulumi_mocks):
    component = release(pulumi_mocks)
    role = pulumi_mocks.one("aws:iam/role:Role", "web-role")
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert trust["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ]
    assert "managedPolicyArns" not in role.inputs
    policy = pulumi_mocks.one("aws:iam/rolePolicy:RolePolicy", "web-secrets")
    role_name = policy.inputs["role"]
    # The policy is the role's own (its name, from the role's ARN), not merely a similar name.
    role_arn = pulumi_mocks.resolve(component.instance_role_arn)
    assert role_arn == f"arn:aws:iam::{ACCOUNT}:role/{role_name}"
    assert role.urn in policy.dependencies
    document = json.loads(policy.inputs["policy"])
    assert document["Statement"] == [
        {
            "Sid": "ReadParameters",
            "Effect": "Allow",
            "Action": "ssm:GetParameter",
            "Resource": [f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/immutable/dev/db-password"],
        },
        {
            "Sid": "ReadSecrets",
            "Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": [f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:prod/api-key-??????"],
        },
    ]
    assert pulumi_mocks.resolve(component.instance_role_arn) == (
        f"arn:aws:iam::{ACCOUNT}:role/{role_name}"
    )


def test_kms_key_adds_decrypt_on_that_key_only(pulumi_mocks):
    key = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    release(pulumi_mocks, replace(BASE, secrets_kms_key_arn=key))
    statements = json.loads(
        pulumi_mocks.one("aws:iam/rolePolicy:RolePolicy", "web-secrets").inputs["policy"]
    )["Statement"]
    decrypt = [s for s in statements if s["Action"] == "kms:Decrypt"]
    assert decrypt == [
        {
            "Sid": "DecryptSecrets",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": key,
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": [
                        "secretsmanager.us-east-1.amazonaws.com",
                        "ssm.us-east-1.amazonaws.com",
                    ]
                }
            },
        }
    ]


def test_no_secrets_no_policy_and_no_identity_invokes(pulumi_mocks):
    release(pulumi_mocks, replace(BASE, secrets={}))
    assert pulumi_mocks.of_type("aws:iam/rolePolicy:RolePolicy") == []
    tokens = {t for t, _ in pulumi_mocks.mocks.invokes}
    assert "aws:index/getCallerIdentity:getCallerIdentity" not in tokens


def test_given_instance_profile_creates_no_identity(pulumi_mocks):
    component = release(pulumi_mocks, replace(BASE, instance_profile_name="shared-profile"))
    for kind in ("role:Role", "rolePolicy:RolePolicy", "instanceProfile:InstanceProfile"):
        assert pulumi_mocks.of_type(f"aws:iam/{kind}") == []
    assert pulumi_mocks.one(LT).inputs["iamInstanceProfile"] == {"name": "shared-profile"}
    assert pulumi_mocks.resolve(component.instance_role_arn) is None


def test_default_security_group_has_no_inbound_rules(pulumi_mocks):
    component = release(pulumi_mocks, replace(BASE, security_group_ids=()))
    group = pulumi_mocks.one("aws:ec2/securityGroup:SecurityGroup", "web-sg")
    assert "ingress" not in group.inputs
    assert group.inputs["egress"] == [
        {
            "protocol": "-1",
            "fromPort": 0,
            "toPort": 0,
            "cidrBlocks": ["0.0.0.0/0"],
            "ipv6CidrBlocks": ["::/0"],
        }
    ]
    assert group.inputs["vpcId"].startswith("vpc-")  # from aws.ec2.get_subnet
    sg_id = pulumi_mocks.resolve(component.security_group_ids)
    assert pulumi_mocks.one(LT).inputs["networkInterfaces"][0]["securityGroups"] == sg_id


def test_instance_type_list_is_a_mixed_instances_policy(pulumi_mocks):
    component = release(pulumi_mocks, replace(BASE, instance_types=["m7g.large", "m6g.large"]))
    asg = pulumi_mocks.one(ASG, "web-asg")
    lt_id = pulumi_mocks.resolve(component.launch_template_id)
    assert "launchTemplate" not in asg.inputs
    assert asg.inputs["mixedInstancesPolicy"] == {
        "launchTemplate": {
            "launchTemplateSpecification": {"launchTemplateId": lt_id, "version": "1"},
            "overrides": [{"instanceType": "m7g.large"}, {"instanceType": "m6g.large"}],
        },
        "instancesDistribution": {
            "onDemandAllocationStrategy": "prioritized",
            "onDemandBaseCapacity": 0,
            "onDemandPercentageAboveBaseCapacity": 100,
        },
    }
    # The whole policy is the rollout's to move, like the launch template of a single type.
    assert asg.options["ignoreChanges"] == [
        "launchTemplate",
        "mixedInstancesPolicy",
        "desiredCapacity",
    ]
    assert pulumi_mocks.one(LT).inputs["instanceType"] == "m7g.large"


def test_instance_type_list_rolls_out_the_whole_policy_without_a_warning(pulumi_mocks, monkeypatch):
    warnings = []
    monkeypatch.setattr(pulumi.log, "warn", lambda msg, *a, **k: warnings.append(msg))
    types = ["m7g.large", "m6g.large", "c7g.large"]
    component = release(pulumi_mocks, replace(BASE, instance_types=types))
    refresh = pulumi_mocks.one(REFRESH, "web-rollout")
    assert refresh.inputs["launchTemplateId"] == pulumi_mocks.resolve(component.launch_template_id)
    assert refresh.inputs["launchTemplateVersion"] == 1
    assert refresh.inputs["mixedInstancesPolicy"] == {
        "LaunchTemplate": {"Overrides": [{"InstanceType": t} for t in types]},
        "InstancesDistribution": {
            "OnDemandAllocationStrategy": "prioritized",
            "OnDemandBaseCapacity": 0,
            "OnDemandPercentageAboveBaseCapacity": 100,
        },
    }
    # The group starts on the same policy the rollout carries.
    group_policy = pulumi_mocks.one(ASG, "web-asg").inputs["mixedInstancesPolicy"]
    assert group_policy["launchTemplate"]["overrides"] == [{"instanceType": t} for t in types]
    assert warnings == []


def test_a_single_instance_type_rolls_out_the_launch_template_alone(pulumi_mocks):
    release(pulumi_mocks, replace(BASE, instance_types=["m7g.large"]))
    refresh = pulumi_mocks.one(REFRESH, "web-rollout")
    assert refresh.inputs.get("mixedInstancesPolicy") is None
    assert "mixedInstancesPolicy" not in pulumi_mocks.one(ASG, "web-asg").inputs


def test_volumes_and_overrides(pulumi_mocks):
    release(
        pulumi_mocks,
        replace(
            BASE,
            root_device_name="/dev/xvda",
            root_volume_size_gib=30,
            root_volume_iops=4000,
            root_volume_throughput=250,
            ebs_kms_key_id="alias/ebs",
            extra_volumes=[EbsVolume(device_name="/dev/sdf", size_gib=125, volume_type="st1")],
            detailed_monitoring=True,
            launch_template_overrides={"ebs_optimized": "true", "monitoring": {"enabled": False}},
        ),
    )
    inputs = pulumi_mocks.one(LT).inputs
    assert inputs["blockDeviceMappings"] == [
        {
            "deviceName": "/dev/xvda",
            "ebs": {
                "encrypted": "true",
                "deleteOnTermination": "true",
                "volumeType": "gp3",
                "volumeSize": 30,
                "iops": 4000,
                "throughput": 250,
                "kmsKeyId": "alias/ebs",
            },
        },
        {
            "deviceName": "/dev/sdf",
            "ebs": {
                "encrypted": "true",
                "deleteOnTermination": "true",
                "volumeType": "st1",
                "volumeSize": 125,
                "kmsKeyId": "alias/ebs",
            },
        },
    ]
    assert inputs["ebsOptimized"] == "true"
    assert inputs["monitoring"] == {"enabled": False}  # the override is merged last
    assert not any(t == "aws:ec2/getAmi:getAmi" for t, _ in pulumi_mocks.mocks.invokes)


def test_component_ignore_changes_reach_the_children_that_have_the_property(pulumi_mocks):
    release(pulumi_mocks, opts=pulumi.ResourceOptions(ignore_changes=["min_size", "tags"]))
    assert pulumi_mocks.one(ASG).options["ignoreChanges"] == [
        "launchTemplate",
        "mixedInstancesPolicy",
        "desiredCapacity",
        "minSize",
        "tags",
    ]
    assert pulumi_mocks.one(LT).options["ignoreChanges"] == ["tags"]
    assert pulumi_mocks.one("aws:iam/role:Role").options["ignoreChanges"] == ["tags"]
    assert pulumi_mocks.one("aws:iam/rolePolicy:RolePolicy").options["ignoreChanges"] == []
    assert pulumi_mocks.one(REFRESH).options["ignoreChanges"] == []


def test_explicit_region_reaches_every_resource_and_arn(pulumi_mocks):
    release(pulumi_mocks, replace(BASE, region="eu-west-1", root_device_name="/dev/xvda"))
    assert pulumi_mocks.one(LT).inputs["region"] == "eu-west-1"
    assert pulumi_mocks.one(ASG).inputs["region"] == "eu-west-1"
    assert pulumi_mocks.one(REFRESH).inputs["region"] == "eu-west-1"
    policy = pulumi_mocks.one("aws:iam/rolePolicy:RolePolicy").inputs["policy"]
    assert f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/immutable/dev/db-password" in policy


def test_outputs_are_all_set_and_registered(pulumi_mocks):
    component = release(pulumi_mocks)
    reg = pulumi_mocks.one("immutable:index:LaunchTemplateRelease", "web")
    assert set(reg.outputs) == {
        "launch_template_id",
        "launch_template_latest_version",
        "auto_scaling_group_name",
        "auto_scaling_group_arn",
        "instance_role_arn",
        "instance_profile_arn",
        "security_group_ids",
    }
    assert pulumi_mocks.resolve(component.auto_scaling_group_arn).startswith("arn:aws:autoscaling:")
    assert pulumi_mocks.resolve(component.security_group_ids) == [SG]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"image_id": "ami-123"}, "image_id"),
        ({"image_id": None}, "image_id"),
        ({"instance_type": "t3micro"}, "instance_type"),
        ({"instance_types": ["m7g.large", "M6G"]}, "instance_types[1]"),
        ({"instance_types": []}, "instance_types"),
        ({"instance_types": "m7g.large"}, "instance_types"),
        ({"instance_types": ["t3.micro", "t3.micro"]}, "instance_types"),
        ({"instance_types": [f"m{i}.large" for i in range(41)]}, "instance_types"),
        ({"instance_type": "m7g.large", "instance_types": ["m6g.large"]}, "instance_types"),
        ({"subnet_ids": []}, "subnet_ids"),
        ({"subnet_ids": None}, "subnet_ids"),
        ({"subnet_ids": [None]}, "subnet_ids[0]"),
        ({"subnet_ids": "subnet-0123456789abcdef0"}, "subnet_ids"),
        ({"subnet_ids": ["sn-1"]}, "subnet_ids[0]"),
        ({"security_group_ids": ["default"]}, "security_group_ids[0]"),
        ({"security_group_ids": [SG, None]}, "security_group_ids[1]"),
        ({"min_size": 3, "max_size": 2}, "min_size"),
        ({"min_size": -1}, "min_size"),
        ({"max_size": -1, "min_size": 0}, "max_size"),
        ({"max_size": 0, "min_size": 1}, "min_size"),
        ({"desired_capacity": 5}, "desired_capacity"),
        ({"health_check_type": "HTTP"}, "health_check_type"),
        ({"health_check_type": "ELB"}, "health_check_type"),
        ({"wait_for_elb_capacity": 1}, "wait_for_elb_capacity"),
        ({"target_group_arns": [TG], "min_elb_capacity": 3}, "min_elb_capacity"),
        ({"target_group_arns": ["arn:aws:ec2:us-east-1:1:x/y"]}, "target_group_arns[0]"),
        ({"wait_for_capacity_timeout": "10 minutes"}, "wait_for_capacity_timeout"),
        (
            {"instance_maintenance_policy": InstanceMaintenancePolicy(min_healthy_percentage=101)},
            "instance_maintenance_policy.min_healthy_percentage",
        ),
        (
            {"instance_maintenance_policy": InstanceMaintenancePolicy(max_healthy_percentage=99)},
            "instance_maintenance_policy.max_healthy_percentage",
        ),
        (
            {
                "instance_maintenance_policy": InstanceMaintenancePolicy(
                    min_healthy_percentage=50, max_healthy_percentage=200
                )
            },
            "instance_maintenance_policy.max_healthy_percentage",
        ),
        (
            {"refresh": RefreshPreferences(min_healthy_percentage=120)},
            "refresh.min_healthy_percentage",
        ),
        (
            {"refresh": RefreshPreferences(checkpoint_percentages=[20, 50])},
            "refresh.checkpoint_percentages",
        ),
        ({"refresh_timeout_minutes": 0}, "refresh_timeout_minutes"),
        ({"refresh_role_arn": "deployer"}, "refresh_role_arn"),
        ({"region": "Europe"}, "region"),
        ({"region": "eu-west-9"}, "region"),  # well-formed, but no such region
        ({"region": "us-east-1a"}, "region"),  # an availability zone
        ({"settings": {"BIG": "x" * 17_000}}, "settings"),
        ({"settings": {"A": None}}, "settings['A']"),
        ({"secrets": {"DB": "vault:db"}}, "secrets['DB']"),
        ({"secrets": {"DB": "/immutable/dev/db"}}, "secrets['DB']"),
        ({"secrets_kms_key_arn": "alias/app"}, "secrets_kms_key_arn"),
        (
            {"secrets_kms_key_arn": f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/app"},
            "secrets_kms_key_arn",
        ),
        ({"root_volume_type": "gp4"}, "root_volume_type"),
        ({"root_volume_size_gib": 0}, "root_volume_size_gib"),
        ({"root_volume_size_gib": 65537}, "root_volume_size_gib"),
        ({"root_volume_type": "gp2", "root_volume_size_gib": 16385}, "root_volume_size_gib"),
        ({"root_volume_type": "gp2", "root_volume_iops": 3000}, "root_volume_iops"),
        ({"root_volume_iops": 2999}, "root_volume_iops"),
        ({"root_volume_iops": 80001}, "root_volume_iops"),
        ({"root_volume_size_gib": 8, "root_volume_iops": 5000}, "root_volume_iops"),  # 500/GiB
        ({"root_volume_type": "io1"}, "root_volume_iops"),  # io1/io2 require IOPS
        (
            {"root_volume_type": "io1", "root_volume_size_gib": 3, "root_volume_iops": 100},
            "root_volume_size_gib",
        ),
        (
            {"root_volume_type": "io1", "root_volume_size_gib": 100, "root_volume_iops": 64001},
            "root_volume_iops",
        ),
        (
            {"root_volume_type": "io1", "root_volume_size_gib": 10, "root_volume_iops": 501},
            "root_volume_iops",
        ),
        (
            {"root_volume_type": "io2", "root_volume_size_gib": 300, "root_volume_iops": 256001},
            "root_volume_iops",
        ),
        (
            {"root_volume_type": "io2", "root_volume_size_gib": 4, "root_volume_iops": 99},
            "root_volume_iops",
        ),
        ({"root_volume_type": "st1", "root_volume_size_gib": 124}, "root_volume_size_gib"),
        ({"root_volume_type": "sc1", "root_volume_size_gib": 16385}, "root_volume_size_gib"),
        ({"root_volume_type": "standard", "root_volume_size_gib": 1025}, "root_volume_size_gib"),
        ({"root_volume_throughput": 124}, "root_volume_throughput"),
        ({"root_volume_throughput": 2001}, "root_volume_throughput"),
        ({"root_volume_throughput": 751}, "root_volume_throughput"),  # 0.25 MiB/s per IOPS
        (
            {"root_volume_type": "gp2", "root_volume_throughput": 125},
            "root_volume_throughput",
        ),
        ({"root_device_name": "xvda"}, "root_device_name"),
        (
            {"extra_volumes": [EbsVolume(device_name="/dev/sda1", size_gib=10)]},
            "extra_volumes[0].device_name",
        ),
        (
            {
                "extra_volumes": [
                    EbsVolume(device_name="/dev/sdf", size_gib=10),
                    EbsVolume(device_name="/dev/sdf", size_gib=20),
                ]
            },
            "extra_volumes[1].device_name",
        ),
        (
            {
                "extra_volumes": [
                    EbsVolume(
                        device_name="/dev/sdf",
                        size_gib=10,
                        iops=1000,
                        throughput=200,
                        volume_type="io2",
                    )
                ]
            },
            "extra_volumes[0].throughput",
        ),
        (
            {"extra_volumes": [EbsVolume(device_name="/dev/sdf", size_gib=100, volume_type="st1")]},
            "extra_volumes[0].size_gib",
        ),
        (
            {"extra_volumes": [EbsVolume(device_name="/dev/sdf", size_gib=4, volume_type="io2")]},
            "extra_volumes[0].iops",
        ),
        ({"extra_volumes": [None]}, "extra_volumes[0]"),
        ({"launch_template_overrides": {"name": "web"}}, "launch_template_overrides['name']"),
        ({"launch_template_overrides": {"nonsense": 1}}, "launch_template_overrides key"),
        (
            {"launch_template_overrides": {"user_data": "IyEvYmluL2Jhc2g="}},
            "launch_template_overrides['user_data']",
        ),
        ({"instance_profile_name": ""}, "instance_profile_name"),
        (
            {
                "instance_profile_name": "shared",
                "role_policy_arns": ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
            },
            "role_policy_arns",
        ),
        ({"role_policy_arns": [f"arn:aws:iam::{ACCOUNT}:role/app"]}, "role_policy_arns[0]"),
        ({"role_policy_arns": ["arn:aws:s3:::bucket"]}, "role_policy_arns[0]"),
        ({"role_policy_arns": ["AmazonSSMManagedInstanceCore"]}, "role_policy_arns[0]"),
        ({"detailed_monitoring": "yes"}, "detailed_monitoring"),
        ({"tags": {"Team": 1}}, "tags['Team']"),
        ({"tags": {"Team": None}}, "tags['Team']"),
        ({"restart_services": [None]}, "restart_services[0]"),
    ],
)
def test_bad_inputs_are_refused_at_construction(pulumi_mocks, changes, field):
    """Each bad input fails on exactly its own field (not any message mentioning it)."""
    with pytest.raises(ComponentInputError) as info:
        LaunchTemplateRelease("web", replace(BASE, **changes))
    assert info.value.field == field
    assert info.value.component == "LaunchTemplateRelease 'web'"
    assert pulumi_mocks.resources == []


def test_none_for_a_collection_names_the_field_through_the_provider_dict(pulumi_mocks):
    inputs = {"image_id": AMI, "subnet_ids": SUBNETS, "security_group_ids": None}
    LaunchTemplateRelease("web", {**inputs, "subnet_ids": SUBNETS})  # None is the default
    with pytest.raises(ComponentInputError) as info:
        LaunchTemplateRelease("web2", {**inputs, "subnet_ids": None})
    assert (info.value.field, info.value.value) == ("subnet_ids", None)


def test_aws_managed_policies_are_accepted(pulumi_mocks):
    managed = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
    own = f"arn:aws:iam::{ACCOUNT}:policy/app-extra"
    gov = "arn:aws-us-gov:iam::aws:policy/service-role/AmazonEC2RoleforSSM"
    release(pulumi_mocks, replace(BASE, role_policy_arns=[managed, own, gov]))
    attached = [
        r.inputs["policyArn"]
        for r in pulumi_mocks.resources
        if r.type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
    ]
    assert attached == [managed, own, gov]


def test_volume_limits_accept_the_extremes(pulumi_mocks):
    release(
        pulumi_mocks,
        replace(
            BASE,
            root_device_name="/dev/xvda",
            root_volume_size_gib=65536,
            root_volume_iops=80000,
            root_volume_throughput=2000,
            extra_volumes=[
                EbsVolume(device_name="/dev/sdf", size_gib=4, volume_type="io2", iops=4000),
                EbsVolume(device_name="/dev/sdg", size_gib=125, volume_type="sc1"),
                EbsVolume(device_name="/dev/sdh", size_gib=1, iops=3000, throughput=750),
            ],
        ),
    )
    volumes = pulumi_mocks.one(LT).inputs["blockDeviceMappings"]
    assert [v["ebs"].get("volumeSize") for v in volumes] == [65536, 4, 125, 1]


def test_user_data_override_without_boot_settings_is_taken_whole(pulumi_mocks):
    bare = replace(BASE, settings={}, secrets={}, restart_services=())
    release(pulumi_mocks, replace(bare, launch_template_overrides={"user_data": "IyEvYmluL3No"}))
    assert pulumi_mocks.one(LT).inputs["userData"] == "IyEvYmluL3No"


def test_an_instance_type_newer_than_the_sdk_is_a_warning_not_an_error(pulumi_mocks):
    from immutable_components._validate import ComponentInputWarning

    with pytest.warns(ComponentInputWarning, match=r"`instance_type` = 'm99x\.large'.*family"):
        release(pulumi_mocks, replace(BASE, instance_type="m99x.large"))
    assert pulumi_mocks.one(LT).inputs["instanceType"] == "m99x.large"
    with pytest.warns(ComponentInputWarning, match=r"`instance_types\[1\]` = 't3\.giant'"):
        release(pulumi_mocks, replace(BASE, instance_types=["t3.large", "t3.giant"]), name="b")


def test_known_instance_types_give_no_warning(pulumi_mocks, recwarn):
    release(pulumi_mocks, replace(BASE, instance_types=["m7g.large", "c7i-flex.large"]))
    assert [w for w in recwarn if "instance" in str(w.message)] == []


def test_error_names_component_value_and_fix(pulumi_mocks):
    with pytest.raises(ComponentInputError) as info:
        LaunchTemplateRelease("web", replace(BASE, min_size=3, max_size=2))
    assert str(info.value) == (
        "LaunchTemplateRelease 'web': `min_size` = 3 is not accepted: <= max_size (2)"
    )


def test_unknown_values_are_left_to_the_provider(pulumi_mocks):
    image = pulumi.Output.from_input("ami-0123456789abcdef0").apply(lambda v: v)
    release(pulumi_mocks, replace(BASE, image_id=image, settings={"URL": image}))
    assert pulumi_mocks.one(LT).inputs["imageId"] == AMI


def test_rollout_follows_an_explicit_providers_region_not_the_stack_setting(pulumi_mocks):
    import pulumi_aws as aws

    pulumi.runtime.set_config("aws:region", "us-east-1")
    ireland = aws.Provider("ireland", region="eu-west-1")
    release(pulumi_mocks, opts=pulumi.ResourceOptions(providers={"aws": ireland}))
    assert pulumi_mocks.one(REFRESH).inputs["region"] == "eu-west-1"


def explicit_provider():
    import pulumi_aws as aws

    return aws.Provider(
        "deploy",
        region="eu-west-1",
        profile="prod",
        shared_credentials_files=["/etc/aws/credentials"],
        assume_roles=[
            aws.ProviderAssumeRoleArgs(
                role_arn=f"arn:aws:iam::{ACCOUNT}:role/hub", session_name="ci", duration="1h"
            ),
            # a plain dict, as Python users often write it (kept snake_case in the state)
            {"role_arn": "arn:aws:iam::210987654321:role/deployer", "external_id": "ext-42"},
        ],
    )


EXPLICIT_IDENTITY = {
    "region": "eu-west-1",
    "profile": "prod",
    "sharedCredentialsFiles": ["/etc/aws/credentials"],
    "assumeRoles": [
        {
            "roleArn": f"arn:aws:iam::{ACCOUNT}:role/hub",
            "sessionName": "ci",
            "durationSeconds": 3600,
        },
        {"roleArn": "arn:aws:iam::210987654321:role/deployer", "externalId": "ext-42"},
    ],
}


@pytest.mark.parametrize("how", ["provider", "providers"])
def test_an_explicit_providers_settings_reach_the_rollout(pulumi_mocks, how):
    pulumi.runtime.set_config("aws:profile", "stack-profile")  # not the explicit provider's
    provider = explicit_provider()
    opts = (
        pulumi.ResourceOptions(provider=provider)
        if how == "provider"
        else pulumi.ResourceOptions(providers={"aws": provider})
    )
    release(
        pulumi_mocks,
        replace(BASE, refresh_role_arn=f"arn:aws:iam::{ACCOUNT}:role/rollout"),
        opts=opts,
    )

    refresh = pulumi_mocks.one(REFRESH, "web-rollout")
    assert refresh.revealed["identity"] == EXPLICIT_IDENTITY
    assert refresh.inputs["region"] == "eu-west-1"
    assert refresh.inputs["roleArn"] == f"arn:aws:iam::{ACCOUNT}:role/rollout"  # assumed last
    provider_urn = pulumi_mocks.one("pulumi:providers:aws", "deploy").urn
    assert provider_urn in refresh.dependencies
    # The provider's state is read from the engine, not registered: nothing else appears.
    assert [r.name for r in pulumi_mocks.resources if r.type.startswith("pulumi:")] == ["deploy"]
    assert pulumi_mocks.of_type("immutable:internal:ProviderState") == []


def test_with_the_default_provider_the_rollout_reads_the_stack_config_itself(pulumi_mocks):
    release(pulumi_mocks)
    inputs = pulumi_mocks.one(REFRESH, "web-rollout").inputs
    assert "identity" not in inputs  # the rollout's configure() reads aws: config
    assert inputs["region"] == "us-east-1"


def test_a_bad_explicit_provider_setting_reaches_the_rollout_as_is(pulumi_mocks):
    import pulumi_aws as aws

    two_files = aws.Provider("deploy", region="eu-west-1", shared_config_files=["/a", "/b"])
    release(pulumi_mocks, opts=pulumi.ResourceOptions(provider=two_files))

    identity = pulumi_mocks.one(REFRESH, "web-rollout").revealed["identity"]
    # Not raised inside an Output: the rollout's provider rejects it when it first acts.
    assert identity == {"region": "eu-west-1", "sharedConfigFiles": '["/a", "/b"]'}
    with pytest.raises(AwsIdentityError, match=r"`identity\.sharedConfigFiles` = .*one path"):
        InstanceRefreshProvider().identity(
            {"autoScalingGroupName": "web-asg", "region": "eu-west-1", "identity": identity}
        )


def test_the_launch_template_signature_is_read_only_for_overrides(pulumi_mocks):
    from immutable_components.release import args as release_args

    release_args.launch_template_fields.cache_clear()
    release(pulumi_mocks)
    assert release_args.launch_template_fields.cache_info().currsize == 0
    release(pulumi_mocks, replace(BASE, launch_template_overrides={"ebs_optimized": "true"}), "b")
    assert "ebs_optimized" in release_args.launch_template_fields()
