"""The smallest complete immutable-components program: bake an image, release a fleet on it.

``pulumi up`` bakes ``web`` (a builder instance, provisioned over SSH, snapshotted into an
AMI named after its build hash) and launches an Auto Scaling group pinned to that AMI. Change
the commands and the next ``up`` bakes a new image and rolls the fleet onto it.
"""

import pulumi

from immutable_components import (
    AwsBuilder,
    GoldenImage,
    GoldenImageArgs,
    LaunchTemplateRelease,
    LaunchTemplateReleaseArgs,
    RunCommands,
)

config = pulumi.Config()

image = GoldenImage(
    "web",
    GoldenImageArgs(
        aws=AwsBuilder(
            source_image_id=config.require("sourceImageId"),
            subnet_id=config.require("builderSubnetId"),
            ssh_cidrs=[config.require("builderSshCidr")],
            associate_public_ip=True,
        ),
        provisioners=[RunCommands(commands=["dnf install -y nginx", "systemctl enable nginx"])],
        version="1.0.0",
    ),
)

fleet = LaunchTemplateRelease(
    "web-fleet",
    LaunchTemplateReleaseArgs(
        image_id=image.image_id,
        image_build_hash=image.build_hash,
        subnet_ids=[config.require("fleetSubnetId")],
        version="1.0.0",
    ),
)

pulumi.export("imageId", image.image_id)
pulumi.export("autoScalingGroupName", fleet.auto_scaling_group_name)
