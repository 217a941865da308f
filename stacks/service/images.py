"""The images: a hardened base and the app layered on it, baked on the stack's cloud.

The provisioners are defined once; each cloud only contributes its builder block.
"""

from __future__ import annotations

from pathlib import Path

import pulumi

import immutable_components as ic
from immutable_components import (
    AwsBuilder,
    AwsDistribution,
    AwsImageLookup,
    GoldenImage,
    GoldenImageArgs,
    ImageTest,
    RunCommands,
    RunScript,
    UploadDirectory,
)

from .settings import Settings

SCRIPTS = Path(__file__).resolve().parent.parent / "images"
CANONICAL = "099720109477"
UBUNTU_NOBLE = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"


def aws_builder(s: Settings, parent: GoldenImage | None, app_version: str | None):
    """Builders run in `builderSubnetId`, else in the stack's own first public subnet."""
    setting = s.require("baseSourceImage") if parent is None else None
    latest = setting == "ubuntu-24.04-latest"
    copy_region = s.get("appCopyRegion")
    return AwsBuilder(
        parent=parent.as_parent() if parent is not None else None,
        source_lookup=AwsImageLookup(owners=[CANONICAL], name_pattern=UBUNTU_NOBLE)
        if latest
        else None,
        source_image_id=setting if setting is not None and not latest else None,
        subnet_id=s.get("builderSubnetId") or s.builder_subnet,
        ssh_cidrs=s.ssh_cidrs,
        ssh_user="ubuntu",
        associate_public_ip=s.public_ip,
        distribution=AwsDistribution(regions=[copy_region])
        if app_version and copy_region
        else None,
    )


def gcp_builder(s: Settings, parent: GoldenImage | None, app_version: str | None):
    return ic.GcpBuilder(
        parent=parent.as_parent() if parent is not None else None,
        source_family=None
        if parent is not None
        else ic.GcpImageFamily(project="ubuntu-os-cloud", family="ubuntu-2404-lts-amd64"),
        zone=s.require("gcpZone"),
        ssh_cidrs=s.ssh_cidrs,
        public_ip=s.public_ip,
    )


def azure_builder(s: Settings, parent: GoldenImage | None, app_version: str | None):
    """The app is published in the gallery as ``<Major>.<Minor of appVersion>.<patch>``,
    the patch taken from the build hash: every build is a new version the scale set rolls
    to. "Latest" in the definition is chronological only across Minor versions."""
    gallery = (
        ic.AzureGallery(
            gallery_name=s.require("azureGalleryName"),
            version=".".join(app_version.split(".")[:2]),
        )
        if app_version
        else None
    )
    return ic.AzureBuilder(
        parent=parent.as_parent() if parent is not None else None,
        source_marketplace=None
        if parent is not None
        else ic.AzureMarketplaceImage(
            publisher="Canonical", offer="ubuntu-24_04-lts", sku="server", version="24.04.202501140"
        ),
        resource_group_name=s.require("azureResourceGroup"),
        location=pulumi.Config("azure-native").require("location"),
        subnet_id=s.require("azureSubnetId"),
        ssh_cidrs=s.ssh_cidrs,
        public_ip=s.public_ip,
        gallery=gallery,
    )


BUILDERS = {"aws": aws_builder, "gcp": gcp_builder, "azure": azure_builder}


def builder_args(s: Settings, parent: GoldenImage | None, app_version: str | None) -> dict:
    """The stack's cloud block: ``{"aws": AwsBuilder(...)}`` (or gcp, azure)."""
    return {s.cloud: BUILDERS[s.cloud](s, parent, app_version)}


def app_provisioners(version: str) -> list:
    return [
        RunCommands(
            commands=["rm -rf /tmp/immutable-app", "mkdir -p /tmp/immutable-app"], sudo=False
        ),
        UploadDirectory(source=SCRIPTS / "app" / "files", destination="/tmp/immutable-app"),
        RunScript(path=SCRIPTS / "app" / "install.sh", env={"APP_VERSION": version}),
    ]


APP_TEST = ImageTest(
    commands=[
        "systemctl is-enabled immutable-app",
        "for _ in $(seq 1 30); do systemctl is-active --quiet immutable-app && exit 0;"
        " sleep 2; done; exit 1",
    ]
)


def base_image(s: Settings) -> GoldenImage:
    return GoldenImage(
        "base",
        GoldenImageArgs(
            **builder_args(s, None, None),
            provisioners=[RunScript(path=SCRIPTS / "base" / "harden.sh")],
            version="base-1",
            git_commit=s.git_commit,
        ),
    )


def app_image(s: Settings, base: GoldenImage, name: str, version: str) -> GoldenImage:
    """The app at ``version`` on ``base``: tested on a fresh instance, then published on
    the channel ``<appChannel><suffix>``, where the suffix is the image name's part after
    ``app`` (``app-blue`` publishes on ``app-blue``)."""
    channel = s.get("appChannel")
    return GoldenImage(
        name,
        GoldenImageArgs(
            **builder_args(s, base, version),
            provisioners=app_provisioners(version),
            version=version,
            git_commit=s.git_commit,
            test=APP_TEST,
            channel=channel + name.removeprefix("app") if channel else None,
        ),
    )
