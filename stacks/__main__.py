"""Example immutable service: a hardened base image and an app image layered on it.

Stack settings (see Pulumi.dev.yaml):
  appVersion        version of the app baked into the app image (rebakes the app image)
  baseSourceImage   an AMI id, or `ubuntu-24.04-latest` to follow Canonical's newest image
  builderSubnetId   subnet for the image builders
  builderSshCidr    the address allowed to SSH to the builders (this machine)
  builderPublicIp   "true" to give builders a public IP and connect to it
  gitCommit         optional commit recorded on the images
  driftAlertEmail   optional address that gets drift alerts (must confirm the subscription)
  cloud             aws (default), gcp or azure: where both images are baked
  appCopyRegion     (aws) a second region the app image is copied to
  appChannel        the channel the tested app image is published on
  gcpZone           (gcp) the builders' zone
  azureResourceGroup, azureSubnetId, azureGalleryName   (azure) where the builders run
                    and the existing gallery the app image is published in
"""

from pathlib import Path

import pulumi

import immutable_components as ic
from immutable_components import (
    AwsBuilder,
    AwsDistribution,
    AwsDriftTarget,
    AwsImageLookup,
    DriftRule,
    DriftRuleArgs,
    GoldenImage,
    GoldenImageArgs,
    ImageTest,
    RunCommands,
    RunScript,
    UploadDirectory,
)

HERE = Path(__file__).parent
CANONICAL = "099720109477"

config = pulumi.Config()
app_version = config.require("appVersion")
cloud = config.get("cloud") or "aws"
ssh_cidrs = [config.require("builderSshCidr")]
public_ip = config.get_bool("builderPublicIp") or False
git_commit = config.get("gitCommit")


def aws_builder(source, app=False):
    setting = config.require("baseSourceImage")
    if source is None:
        source = (
            setting
            if setting != "ubuntu-24.04-latest"
            else AwsImageLookup(
                owners=[CANONICAL],
                name_pattern="ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*",
            )
        )
    copy_region = config.get("appCopyRegion")
    return AwsBuilder(
        source=source,
        subnet_id=config.require("builderSubnetId"),
        ssh_cidrs=ssh_cidrs,
        ssh_user="ubuntu",
        associate_public_ip=public_ip,
        distribution=AwsDistribution(regions=[copy_region]) if app and copy_region else None,
    )


def gcp_builder(source, app=False):
    return ic.GcpBuilder(
        source=source
        or ic.GcpImageFamily(project="ubuntu-os-cloud", family="ubuntu-2404-lts-amd64"),
        zone=config.require("gcpZone"),
        ssh_cidrs=ssh_cidrs,
        public_ip=public_ip,
    )


def azure_builder(source, app=False):
    gallery = ic.AzureGallery(gallery_name=config.require("azureGalleryName"), version=app_version)
    return ic.AzureBuilder(
        source=source
        or ic.AzureMarketplaceImage(
            publisher="Canonical", offer="ubuntu-24_04-lts", sku="server", version="24.04.202501140"
        ),
        resource_group_name=config.require("azureResourceGroup"),
        location=pulumi.Config("azure-native").require("location"),
        subnet_id=config.require("azureSubnetId"),
        ssh_cidrs=ssh_cidrs,
        public_ip=public_ip,
        gallery=gallery if app else None,
    )


builder_for = {"aws": aws_builder, "gcp": gcp_builder, "azure": azure_builder}[cloud]

base = GoldenImage(
    "base",
    GoldenImageArgs(
        builder=builder_for(None),
        provisioners=[RunScript(path=HERE / "images" / "base" / "harden.sh")],
        version="base-1",
        git_commit=git_commit,
    ),
)

app = GoldenImage(
    "app",
    GoldenImageArgs(
        builder=builder_for(base, app=True),
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
        test=ImageTest(
            commands=[
                "systemctl is-enabled immutable-app",
                "for _ in $(seq 1 30); do systemctl is-active --quiet immutable-app && exit 0;"
                " sleep 2; done; exit 1",
            ]
        ),
        channel=config.get("appChannel"),
    ),
)


def drift_target():
    """Where drift from these images is caught: AWS Config + SNS alerts, GCP's trusted
    image policy, or an Azure Policy assignment on the builders' resource group."""
    if cloud == "gcp":
        return ic.GcpDriftTarget(project=pulumi.Config("gcp").require("project"))
    if cloud == "azure":
        subscription = config.require("azureSubnetId").split("/")[2]
        group = config.require("azureResourceGroup")
        return ic.AzureDriftTarget(scope=f"/subscriptions/{subscription}/resourceGroups/{group}")
    alert_email = config.get("driftAlertEmail")
    return AwsDriftTarget(alert_emails=[alert_email] if alert_email else [])


drift = DriftRule("drift", DriftRuleArgs(target=drift_target(), approved_images=[base, app]))

pulumi.export("baseImageId", base.image_id)
pulumi.export("baseImageName", base.image_name)
pulumi.export("appImageId", app.image_id)
pulumi.export("appImageName", app.image_name)
pulumi.export("appBuildHash", app.build_hash)
pulumi.export("driftRuleNames", drift.rule_names)
pulumi.export("driftTopicArn", drift.topic_arn)
pulumi.export("appChannel", app.channel)
pulumi.export("appCopies", app.copies)
pulumi.export("appLineage", app.lineage)
