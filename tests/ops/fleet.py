"""Building moto fleets for the operations tests (and the benchmark)."""

from __future__ import annotations

from typing import Any

from conftest import REGION

ZONE = f"{REGION}a"


def base_image(ec2: Any) -> str:
    """A plain registered image to build from (moto's public AMIs are switched off)."""
    found = ec2.describe_images(Owners=["self"], Filters=[{"Name": "name", "Values": ["base"]}])
    if found["Images"]:
        return str(found["Images"][0]["ImageId"])
    return str(ec2.register_image(Name="base", RootDeviceName="/dev/sda1")["ImageId"])


def make_image(ec2: Any, name: str, tags: dict[str, str] | None = None) -> str:
    """An image of our own, baked from a builder instance that is then terminated."""
    source = base_image(ec2)
    builder = ec2.run_instances(ImageId=source, MinCount=1, MaxCount=1)["Instances"][0]
    image_id = ec2.create_image(InstanceId=builder["InstanceId"], Name=name)["ImageId"]
    if tags:
        ec2.create_tags(
            Resources=[image_id], Tags=[{"Key": k, "Value": v} for k, v in tags.items()]
        )
    ec2.terminate_instances(InstanceIds=[builder["InstanceId"]])
    return image_id


def make_group(c: dict[str, Any], name: str, image_id: str, version: str | None, size: int = 2):
    template = c["ec2"].create_launch_template(
        LaunchTemplateName=f"{name}-lt",
        LaunchTemplateData={"ImageId": image_id, "InstanceType": "t3.micro"},
    )["LaunchTemplate"]
    spec = {"LaunchTemplateId": template["LaunchTemplateId"]}
    if version is not None:
        spec["Version"] = version
    c["autoscaling"].create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate=spec,
        MinSize=size,
        MaxSize=size,
        DesiredCapacity=size,
        AvailabilityZones=[ZONE],
    )
    return template["LaunchTemplateId"]


def members(c: dict[str, Any], group: str) -> list[str]:
    (found,) = c["autoscaling"].describe_auto_scaling_groups(AutoScalingGroupNames=[group])[
        "AutoScalingGroups"
    ]
    return sorted(i["InstanceId"] for i in found["Instances"])


def launched(c: dict[str, Any], instance_id: str) -> str:
    (reservation,) = c["ec2"].describe_instances(InstanceIds=[instance_id])["Reservations"]
    return reservation["Instances"][0]["LaunchTime"].strftime("%Y-%m-%dT%H:%M:%SZ")


def finding(c, instance_id, image_id, reason, group=None, version=None) -> dict[str, Any]:
    return {
        "auto_scaling_group": group,
        "image_id": image_id,
        "instance_id": instance_id,
        "launch_template_version": version,
        "launched_at": launched(c, instance_id),
        "reason": reason,
    }
