"""Example immutable service: a hardened base image, an app image per colour, blue/green.

Stack settings (see Pulumi.dev.yaml):
  blueVersion       app version baked into blue's image (release it while blue is idle)
  greenVersion      app version baked into green's image (release it while green is idle)
  liveColor         `blue` or `green`: the colour taking the traffic
  canaryWeight      percent of requests sent to the idle colour (default 0)
  retireIdle        "true" to scale the idle colour to zero (default false)
  serviceCidr       who may reach the load balancer (default 0.0.0.0/0)
  vpcId             an existing VPC, with albSubnetIds and fleetSubnetIds (lists); without
                    it the stack creates its own small network (see network.py)
  baseSourceImage   an AMI id, or `ubuntu-24.04-latest` to follow Canonical's newest image
  builderSubnetId   subnet for the image builders (default: the stack's first public one)
  certificateArn    optional ACM certificate: HTTPS on 443, port 80 redirects
  deletionProtection "true" to protect the load balancer (off in this example)
  builderSshCidr    the address allowed to SSH to the builders (this machine)
  builderPublicIp   "true" to give builders a public IP and connect to it
  gitCommit         optional commit recorded on the images
"""

from pathlib import Path

import pulumi
from network import small_network

from immutable_components import (
    AwsBuilder,
    AwsImageLookup,
    BlueGreenColor,
    BlueGreenService,
    BlueGreenServiceArgs,
    GoldenImage,
    GoldenImageArgs,
    RunCommands,
    RunScript,
    UploadDirectory,
)

HERE = Path(__file__).parent
CANONICAL = "099720109477"

config = pulumi.Config()
source_setting = config.require("baseSourceImage")
base_source = (
    AwsImageLookup(
        owners=[CANONICAL],
        name_pattern="ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*",
    )
    if source_setting == "ubuntu-24.04-latest"
    else source_setting
)
vpc_id = config.get("vpcId")
if vpc_id:
    lb_subnets = config.require_object("albSubnetIds")
    fleet_subnets = config.require_object("fleetSubnetIds")
else:
    network = small_network("immutable")
    vpc_id, lb_subnets, fleet_subnets = (
        network.vpc_id,
        network.public_subnet_ids,
        network.private_subnet_ids,
    )
builder_settings = {
    "subnet_id": config.get("builderSubnetId") or lb_subnets[0],
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


def app_image(color: str, version: str) -> GoldenImage:
    """The app image of one colour: the base image plus the app at ``version``."""
    return GoldenImage(
        f"app-{color}",
        GoldenImageArgs(
            builder=AwsBuilder(source=base, **builder_settings),
            provisioners=[
                RunCommands(
                    commands=["rm -rf /tmp/immutable-app", "mkdir -p /tmp/immutable-app"],
                    sudo=False,
                ),
                UploadDirectory(
                    source=HERE / "images" / "app" / "files", destination="/tmp/immutable-app"
                ),
                RunScript(
                    path=HERE / "images" / "app" / "install.sh", env={"APP_VERSION": version}
                ),
            ],
            version=version,
            git_commit=git_commit,
        ),
    )


# One app image per colour, both on the same base: a new version is released to the idle
# colour by changing its version, then traffic moves by changing `liveColor`.
versions = {color: config.require(f"{color}Version") for color in ("blue", "green")}
images = {color: app_image(color, version) for color, version in versions.items()}

service = BlueGreenService(
    "web",
    BlueGreenServiceArgs(
        vpc_id=vpc_id,
        load_balancer_subnet_ids=lb_subnets,
        fleet_subnet_ids=fleet_subnets,
        blue=BlueGreenColor(image=images["blue"], version=versions["blue"]),
        green=BlueGreenColor(image=images["green"], version=versions["green"]),
        live=config.get("liveColor") or "blue",
        canary_weight=config.get_int("canaryWeight") or 0,
        retire_idle=config.get_bool("retireIdle") or False,
        ingress_cidrs=[config.get("serviceCidr") or "0.0.0.0/0"],
        certificate_arn=config.get("certificateArn"),
        # The example must `pulumi destroy` cleanly; keep protection on for real services.
        deletion_protection=config.get_bool("deletionProtection") or False,
    ),
)

pulumi.export("baseImageId", base.image_id)
pulumi.export("baseImageName", base.image_name)
for color, image in images.items():
    pulumi.export(f"{color}ImageId", image.image_id)
    pulumi.export(f"{color}ImageName", image.image_name)
pulumi.export("url", service.load_balancer_dns_name.apply(lambda dns: f"http://{dns}/"))
pulumi.export("liveColor", service.live_color)
pulumi.export("listenerArn", service.listener_arn)
