"""The fake cloud of sequence tests: steps between deployments, ids, names, retention."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from immutable_components.release.refresh import InstanceRefresh, InstanceRefreshArgs
from immutable_components.testing import FakeCloud

A1, A2 = "ami-00000000000000001", "ami-00000000000000002"


def bake(ami: str, name: str = "img", *, retain: bool = True, dbr: bool = False):
    def program() -> None:
        vm = aws.ec2.Instance("vm", ami=ami, instance_type="t3.micro")
        image = aws.ec2.AmiFromInstance(
            "image",
            name=name,
            source_instance_id=vm.id,
            opts=pulumi.ResourceOptions(retain_on_delete=retain, delete_before_replace=dbr),
        )
        lt = aws.ec2.LaunchTemplate("lt", image_id=image.id, name_prefix="lt-")
        pulumi.export("image", image.id)
        pulumi.export("version", lt.latest_version)

    return program


def test_steps_ids_and_versions_across_deployments():
    cloud = FakeCloud()
    first = cloud.up(bake(A1, "one"))
    assert first.ops() == {"create": ["image", "lt", "vm"]}
    assert cloud.up(bake(A1, "one")).ops() == {}
    second = cloud.up(bake(A2, "two"))
    assert second.ops() == {"replace": ["image", "vm"], "update": ["lt"]}
    assert second.step("vm").replaces == ("ami",)
    assert second.outputs["image"] != first.outputs["image"]  # a new AMI, a new id
    assert (first.outputs["version"], second.outputs["version"]) == (1, 2)
    old = next(s for s in second.steps if s.name == "image")
    assert old.retained is True
    assert {i.name: i.retained for i in cloud.images()} == {"one": True, "two": False}


def test_a_name_still_taken_fails_the_deployment_with_both_urns():
    cloud = FakeCloud()
    cloud.up(bake(A1, "same"))
    failed = cloud.up(bake(A2, "same"))
    assert failed.error is not None
    assert "the aws:ec2:image name 'same' (us-east-1) is already taken" in failed.error
    assert "AmiFromInstance::image" in failed.error
    # delete-before-replace frees the name first (a non-retained object)
    other = FakeCloud()
    other.up(bake(A1, "same", retain=False, dbr=True))
    assert other.up(bake(A2, "same", retain=False, dbr=True)).error is None


def test_a_retained_object_keeps_its_name_after_its_resource_is_gone():
    cloud = FakeCloud()
    cloud.up(bake(A1, "kept"))
    cloud.up(lambda: None)
    assert [i.name for i in cloud.images()] == ["kept"]
    assert "already taken by" in str(cloud.up(bake(A1, "kept")).error)


def test_ignore_changes_keeps_the_old_value_and_shows_no_step():
    def program(ami: str):
        return lambda: aws.ec2.Instance(
            "vm",
            ami=ami,
            instance_type="t3.micro",
            opts=pulumi.ResourceOptions(ignore_changes=["ami"]),
        )

    cloud = FakeCloud()
    cloud.up(program(A1))
    assert cloud.up(program(A2)).ops() == {}
    assert next(iter(cloud.state.values())).inputs["ami"] == A1


def test_replace_on_changes_and_replace_with():
    def program(size: str):
        def run() -> None:
            vm = aws.ec2.Instance(
                "vm",
                ami=A1,
                instance_type=size,
                opts=pulumi.ResourceOptions(replace_on_changes=["instanceType"]),
            )
            aws.ec2.Eip("ip", domain="vpc", opts=pulumi.ResourceOptions(replace_with=[vm]))

        return run

    cloud = FakeCloud()
    cloud.up(program("t3.micro"))
    again = cloud.up(program("t3.small"))
    assert again.ops() == {"replace": ["ip", "vm"]}
    assert again.step("ip").replaces[0].startswith("replace_with:")


def test_a_failed_step_keeps_what_was_done_and_the_next_up_finishes():
    cloud = FakeCloud()
    cloud.up(bake(A1, "one"))
    failed = cloud.up(bake(A2, "two"), fail={"image": "snapshot timed out"})
    assert failed.error == "image: snapshot timed out"
    assert [s.op for s in failed.steps if s.name == "vm"] == ["replace"]
    nxt = cloud.up(bake(A2, "two"))
    assert nxt.error is None
    # the replaced builder's old half is deleted now; the image is created
    assert nxt.ops() == {"delete": ["vm"], "replace": ["image"], "update": ["lt"]}


def test_preview_keeps_nothing():
    cloud = FakeCloud()
    assert cloud.preview(bake(A1)).ops() == {"create": ["image", "lt", "vm"]}
    assert cloud.state == {}


def test_a_dynamic_resource_is_diffed_by_its_own_provider():
    def program(version: int, timeout: int = 60):
        return lambda: InstanceRefresh(
            "rollout",
            InstanceRefreshArgs(
                auto_scaling_group_name="web",
                launch_template_id="lt-0123456789abcdef0",
                launch_template_version=version,
                region="us-east-1",
                timeout_minutes=timeout,
            ),
        )

    cloud = FakeCloud()
    cloud.up(program(1))
    # a new timeout alone is no change to the provider: nothing would happen in AWS
    assert cloud.up(program(1, timeout=90)).ops() == {}
    assert cloud.up(program(2)).ops() == {"update": ["rollout"]}


def test_vendor_lookups_move_when_the_vendor_publishes():
    def program() -> None:
        ami = aws.ec2.get_ami(owners=["099720109477"], most_recent=True)
        pulumi.export("ami", ami.id)

    cloud = FakeCloud()
    first = cloud.up(program).outputs["ami"]
    cloud.vendor_publishes()
    assert cloud.up(program).outputs["ami"] != first


def test_a_builder_kept_across_deployments_sees_a_new_vendor_image():
    from immutable_components import (
        AwsBuilder,
        AwsImageLookup,
        GoldenImage,
        GoldenImageArgs,
        RunCommands,
    )

    builder = AwsBuilder(
        source_lookup=AwsImageLookup(owners=["099720109477"], name_pattern="ubuntu/*"),
        subnet_id="subnet-0123456789abcdef0",
        ssh_cidrs=["10.0.0.0/8"],
    )

    def program() -> None:
        GoldenImage(
            "base", GoldenImageArgs(aws=builder, provisioners=[RunCommands(commands=["true"])])
        )

    cloud = FakeCloud()
    first = cloud.up(program).resource("base-builder")["inputs"]["ami"]
    cloud.vendor_publishes()
    second = cloud.up(program)
    assert second.resource("base-builder")["inputs"]["ami"] != first
    assert "base-image" in second.ops()["replace"]  # a new build: a new image, a new name
