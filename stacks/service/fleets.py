"""The fleet the app image is released onto, on the stack's cloud.

A new app version is a new launch template version (AWS), a new instance template (GCP)
or a new scale set model (Azure), rolled out and waited on by ``pulumi up``.
"""

from __future__ import annotations

import pulumi

import immutable_components as ic
from immutable_components import GoldenImage, LaunchTemplateRelease, LaunchTemplateReleaseArgs

from .settings import Settings


def release(s: Settings, app: GoldenImage):
    settings = {"APP_MESSAGE": s.require("appMessage")}
    if s.cloud == "gcp":
        return ic.GcpInstanceGroupRelease(
            "app-fleet",
            ic.GcpInstanceGroupReleaseArgs(
                image=app.image_id,
                region=pulumi.Config("gcp").require("region"),
                network=s.require("gcpNetwork"),
                subnetwork=s.require("gcpSubnetwork"),
                settings=settings,
                restart_services=["immutable-app.service"],
            ),
        )
    if s.cloud == "azure":
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
    return LaunchTemplateRelease(
        "app-fleet",
        LaunchTemplateReleaseArgs(
            image=app.image_id,
            image_build_hash=app.build_hash,
            version=s.app_version,
            subnet_ids=s.config.require_object("fleetSubnetIds"),
            settings=settings,
            secrets={"DB_PASSWORD": "ssm:/immutable/dev/db-password"},
            restart_services=["immutable-app.service"],
        ),
    )


def exports(s: Settings, fleet) -> None:
    if s.cloud == "gcp":
        pulumi.export("fleetInstanceTemplate", fleet.instance_template_self_link)
        pulumi.export("fleetInstanceGroupManager", fleet.instance_group_manager_id)
    elif s.cloud == "azure":
        pulumi.export("fleetScaleSetId", fleet.scale_set_id)
    else:
        pulumi.export("fleetLaunchTemplateId", fleet.launch_template_id)
        pulumi.export("fleetLaunchTemplateVersion", fleet.launch_template_latest_version)
        pulumi.export("fleetAutoScalingGroupName", fleet.auto_scaling_group_name)
