"""Where the app image runs.

AWS: a blue/green service, one app image per colour (`blueVersion`, `greenVersion`),
traffic on `liveColor` (and `canaryWeight` to the other), the idle colour retired with
`retireIdle`. Each colour is a LaunchTemplateRelease: a new version of the idle colour is
a new launch template version, rolled out and waited on, before any traffic reaches it.
GCP and Azure: one fleet on `appVersion`, released by the cloud's rolling update.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulumi

import immutable_components as ic
from immutable_components import BlueGreenColor, BlueGreenFleet, BlueGreenServiceArgs

from .settings import Settings

if TYPE_CHECKING:  # the component classes are imported where a cloud constructs them
    from immutable_components import BlueGreenService, GoldenImage

    from .network import Network

COLORS = ("blue", "green")


def boot_config(s: Settings) -> BlueGreenFleet:
    """What every instance gets at boot: a plain setting and a secret read from SSM."""
    return BlueGreenFleet(
        settings={"APP_MESSAGE": s.require("appMessage")},
        secrets={"DB_PASSWORD": s.require("dbPasswordParameter")},
        restart_services=["immutable-app.service"],
    )


def color(image: GoldenImage, version: str) -> BlueGreenColor:
    """A colour running ``image``: its id, and its build hash as the instances' tag."""
    return BlueGreenColor(
        image_id=image.image_id, image_build_hash=image.build_hash, version=version
    )


def blue_green(
    s: Settings, network: Network | None, images: dict[str, GoldenImage], versions: dict
) -> BlueGreenService:
    if network is not None:
        vpc_id, lb_subnets, fleet_subnets = (
            network.vpc_id,
            network.public_subnet_ids,
            network.private_subnet_ids,
        )
        egress = [network.cidr_block]  # the SSM endpoint, inside the VPC
    else:
        vpc_id = s.require("vpcId")
        lb_subnets = s.config.require_object("albSubnetIds")
        fleet_subnets = s.config.require_object("fleetSubnetIds")
        egress = s.config.get_object("fleetEgressCidrs") or []
    return ic.BlueGreenService(
        "web",
        BlueGreenServiceArgs(
            vpc_id=vpc_id,
            load_balancer_subnet_ids=lb_subnets,
            fleet_subnet_ids=fleet_subnets,
            blue=color(images["blue"], versions["blue"]),
            green=color(images["green"], versions["green"]),
            live=s.get("liveColor") or "blue",
            canary_weight=s.config.get_int("canaryWeight") or 0,
            retire_idle=s.config.get_bool("retireIdle") or False,
            ingress_cidrs=[s.get("serviceCidr") or "0.0.0.0/0"],
            certificate_arn=s.get("certificateArn"),
            fleet_egress_cidrs=egress,
            # The example must `pulumi destroy` cleanly; keep protection on for real services.
            deletion_protection=s.config.get_bool("deletionProtection") or False,
            fleet=boot_config(s),
        ),
    )


def single_fleet(s: Settings, app: GoldenImage):
    """GCP: a regional managed instance group; Azure: a scale set. Rolling updates."""
    settings = {"APP_MESSAGE": s.require("appMessage")}
    if s.cloud == "gcp":
        return ic.GcpInstanceGroupRelease(
            "app-fleet",
            ic.GcpInstanceGroupReleaseArgs(
                image_id=app.image_id,
                region=pulumi.Config("gcp").require("region"),
                network=s.require("gcpNetwork"),
                subnetwork=s.require("gcpSubnetwork"),
                settings=settings,
                restart_services=["immutable-app.service"],
            ),
        )
    return ic.AzureScaleSetRelease(
        "app-fleet",
        ic.AzureScaleSetReleaseArgs(
            resource_group_name=s.require("azureResourceGroup"),
            image_id=app.image_id,
            subnet_id=s.require("azureFleetSubnetId"),
            location=pulumi.Config("azure-native").require("location"),
            settings=settings,
            restart_services=["immutable-app.service"],
        ),
    )


def export_blue_green(service: BlueGreenService) -> None:
    pulumi.export("url", service.load_balancer_dns_name.apply(lambda dns: f"http://{dns}/"))
    pulumi.export("liveColor", service.live_color)
    pulumi.export("listenerArn", service.listener_arn)


def export_single_fleet(s: Settings, fleet) -> None:
    if s.cloud == "gcp":
        pulumi.export("fleetInstanceTemplate", fleet.instance_template_self_link)
        pulumi.export("fleetInstanceGroupManager", fleet.instance_group_manager_id)
    else:
        pulumi.export("fleetScaleSetId", fleet.scale_set_id)
