"""Example immutable service: a hardened base image and an app image layered on it.

Stack settings (see Pulumi.dev.yaml):
  appVersion        version of the app baked into the app image (rebakes the app image)
  baseSourceImage   an AMI id, or `ubuntu-24.04-latest` to follow Canonical's newest image
  builderSubnetId   subnet for the image builders
  builderSshCidr    the address allowed to SSH to the builders (this machine)
  builderPublicIp   "true" to give builders a public IP and connect to it
  gitCommit         optional commit recorded on the images
  fleetSubnetIds    subnets of the app fleet (a list)
  appMessage        a plain setting the app reads from its env file
"""

from pathlib import Path

import pulumi

from immutable_components import (
    AwsBuilder,
    AwsImageLookup,
    GoldenImage,
    GoldenImageArgs,
    LaunchTemplateRelease,
    LaunchTemplateReleaseArgs,
    RunCommands,
    RunScript,
    UploadDirectory,
)

HERE = Path(__file__).parent
CANONICAL = "099720109477"

config = pulumi.Config()
app_version = config.require("appVersion")
source_setting = config.require("baseSourceImage")
base_source = (
    AwsImageLookup(
        owners=[CANONICAL],
        name_pattern="ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*",
    )
    if source_setting == "ubuntu-24.04-latest"
    else source_setting
)
builder_settings = {
    "subnet_id": config.require("builderSubnetId"),
    "ssh_cidrs": [config.require("builderSshCidr")],
    "ssh_user": "ubuntu",
    "associate_public_ip": config.get_bool("builderPublicIp") or False,
}
git_commit = config.get("gitCommit")

base = GoldenImage(
    "base",
    GoldenImageArgs(
        builder=AwsBuilder(source=base_source, **builder_settings),
        provisioners=[RunScript(path=HERE / "images" / "base" / "harden.sh")],
        version="base-1",
        git_commit=git_commit,
    ),
)

app = GoldenImage(
    "app",
    GoldenImageArgs(
        builder=AwsBuilder(source=base, **builder_settings),
        provisioners=[
            RunCommands(
                commands=["rm -rf /tmp/immutable-app", "mkdir -p /tmp/immutable-app"], sudo=False
            ),
            UploadDirectory(
                source=HERE / "images" / "app" / "files", destination="/tmp/immutable-app"
            ),
            RunScript(
                path=HERE / "images" / "app" / "install.sh", env={"APP_VERSION": app_version}
            ),
        ],
        version=app_version,
        git_commit=git_commit,
    ),
)

# The release: a new app image is a new launch template version, rolled out and waited on.
fleet = LaunchTemplateRelease(
    "app-fleet",
    LaunchTemplateReleaseArgs(
        image=app.image_id,
        image_build_hash=app.build_hash,
        version=app_version,
        subnet_ids=config.require_object("fleetSubnetIds"),
        settings={"APP_MESSAGE": config.require("appMessage")},
        secrets={"DB_PASSWORD": "ssm:/immutable/dev/db-password"},
        restart_services=["immutable-app.service"],
    ),
)

pulumi.export("baseImageId", base.image_id)
pulumi.export("baseImageName", base.image_name)
pulumi.export("appImageId", app.image_id)
pulumi.export("appImageName", app.image_name)
pulumi.export("appBuildHash", app.build_hash)
pulumi.export("fleetLaunchTemplateId", fleet.launch_template_id)
pulumi.export("fleetLaunchTemplateVersion", fleet.launch_template_latest_version)
pulumi.export("fleetAutoScalingGroupName", fleet.auto_scaling_group_name)
