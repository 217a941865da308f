"""Invokes of LaunchTemplateRelease are asked once per program run, provider and
arguments: never shared across providers, arguments that are Outputs, or program runs."""

from __future__ import annotations

from dataclasses import replace

import pulumi
import pulumi_aws as aws

from immutable_components import LaunchTemplateRelease, LaunchTemplateReleaseArgs
from immutable_components.testing import mocked

AMI = "ami-0123456789abcdef0"
OTHER_AMI = "ami-0fedcba9876543210"
ARGS = LaunchTemplateReleaseArgs(
    image_id=AMI,
    subnet_ids=["subnet-0123456789abcdef0"],
    security_group_ids=["sg-0123456789abcdef0"],
    secrets={"DB_PASSWORD": "ssm:/app/db-password"},
)
LT = "aws:ec2/launchTemplate:LaunchTemplate"
GET_AMI = "aws:ec2/getAmi:getAmi"
GET_REGION = "aws:index/getRegion:getRegion"
IDENTITY = ("aws:index/getPartition:getPartition", "aws:index/getCallerIdentity:getCallerIdentity")


def _count(run, token):
    return sum(1 for t, _ in run.mocks.invokes if t == token)


def _root_devices(run):
    return {r.name: r.inputs["blockDeviceMappings"][0]["deviceName"] for r in run.of_type(LT)}


def test_same_question_same_provider_is_asked_once():
    with mocked() as run:
        LaunchTemplateRelease("a", ARGS)
        LaunchTemplateRelease("b", ARGS)
        run.settle()
        assert _count(run, GET_AMI) == 1
        assert _count(run, GET_REGION) == 1
        assert all(_count(run, token) == 1 for token in IDENTITY)
        assert _root_devices(run) == {"a-lt": "/dev/sda1", "b-lt": "/dev/sda1"}
        policies = run.of_type("aws:iam/rolePolicy:RolePolicy")
        assert len(policies) == 2
        assert policies[0].inputs["policy"] == policies[1].inputs["policy"]


def test_other_arguments_are_asked_again():
    with mocked() as run:
        LaunchTemplateRelease("a", ARGS)
        LaunchTemplateRelease("b", replace(ARGS, image_id=OTHER_AMI))
        run.settle()
        images = [a["filters"][0]["values"] for t, a in run.mocks.invokes if t == GET_AMI]
        assert images == [[AMI], [OTHER_AMI]]


def test_an_output_argument_is_shared_by_its_value():
    with mocked() as run:
        image = pulumi.Output.from_input(AMI)
        LaunchTemplateRelease("a", replace(ARGS, image_id=image))
        LaunchTemplateRelease("b", replace(ARGS, image_id=image))
        LaunchTemplateRelease("c", replace(ARGS, image_id=pulumi.Output.from_input(AMI)))
        run.settle()
        assert _count(run, GET_AMI) == 1
    with mocked() as run:
        LaunchTemplateRelease("a", replace(ARGS, image_id=pulumi.Output.from_input(AMI)))
        other = "ami-0fedcba9876543210"
        LaunchTemplateRelease("b", replace(ARGS, image_id=pulumi.Output.from_input(other)))
        run.settle()
        assert _count(run, GET_AMI) == 2


def test_each_provider_is_asked_for_itself():
    with mocked() as run:
        east = aws.Provider("east", region="us-east-1")
        west = aws.Provider("west", region="us-west-2")
        LaunchTemplateRelease("a", ARGS, pulumi.ResourceOptions(providers=[east]))
        LaunchTemplateRelease("b", ARGS, pulumi.ResourceOptions(providers=[west]))
        LaunchTemplateRelease("c", ARGS, pulumi.ResourceOptions(providers=[east]))
        LaunchTemplateRelease("d", ARGS)  # the default provider
        run.settle()
        assert _count(run, GET_AMI) == 3
        assert _count(run, GET_REGION) == 3


def test_nothing_is_shared_between_program_runs():
    for _ in range(2):
        with mocked() as run:
            LaunchTemplateRelease("a", ARGS)
            run.settle()
            assert _count(run, GET_AMI) == 1
            assert _count(run, GET_REGION) == 1
            assert _root_devices(run) == {"a-lt": "/dev/sda1"}
