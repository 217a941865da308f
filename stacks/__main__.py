"""Example immutable service, declared whole: a hardened base image; app images layered on
it, each tested on a fresh instance before it is published; the fleet the app runs on; and
a drift rule that flags any instance not on those images. `cloud` picks AWS (default: a
blue/green service in its own small network), GCP or Azure (one rolling fleet).

Stack settings (stacks/Pulumi.<stack>.yaml):
  cloud             aws (default), gcp or azure
  appMessage        a plain setting the app reads from its env file at boot
  appChannel        the channel prefix the tested app images are published on
  builderSshCidr    the address allowed to SSH to the builders (this machine)
  builderPublicIp   "true" to give builders a public IP and connect to it
  gitCommit         optional commit recorded on the images
  aws:    blueVersion, greenVersion (the app version of each colour), liveColor (blue or
          green), canaryWeight (percent to the other colour), retireIdle ("true" scales the
          idle colour to zero), dbPasswordParameter (an `ssm:` reference read at boot),
          baseSourceImage (an AMI id, or `ubuntu-24.04-latest` to follow Canonical),
          appCopyRegion, driftAlertEmail (optional), serviceCidr (default 0.0.0.0/0),
          certificateArn (optional: HTTPS), deletionProtection;
          vpcId with albSubnetIds, fleetSubnetIds, fleetEgressCidrs and builderSubnetId to
          use an existing network, else the stack creates its own (service/network.py)
  gcp:    appVersion, gcpZone, gcpNetwork, gcpSubnetwork (plus gcp:project, gcp:region)
  azure:  appVersion, azureResourceGroup, azureSubnetId (builders), azureFleetSubnetId,
          azureGalleryName (an existing gallery; plus azure-native:location)
"""

import dataclasses

import pulumi
from service import fleets, images, policy
from service.settings import Settings

settings = Settings.load()

if settings.cloud == "aws":
    from service.network import small_network

    network = None if settings.get("vpcId") else small_network("immutable")
    if network is not None:
        settings = dataclasses.replace(settings, builder_subnet=network.public_subnet_ids[0])
    base = images.base_image(settings)
    # One app image per colour on the same base: a new version goes to the idle colour by
    # changing its version, then traffic moves by changing `liveColor`.
    versions = {color: settings.require(f"{color}Version") for color in fleets.COLORS}
    apps = {
        color: images.app_image(settings, base, f"app-{color}", version)
        for color, version in versions.items()
    }
    service = fleets.blue_green(settings, network, apps, versions)
    fleets.export_blue_green(service)
else:
    base = images.base_image(settings)
    app = images.app_image(settings, base, "app", settings.require("appVersion"))
    apps = {"app": app}
    fleets.export_single_fleet(settings, fleets.single_fleet(settings, app))

drift = policy.drift_rule(settings, [base, *apps.values()])

pulumi.export("baseImageId", base.image_id)
pulumi.export("baseImageName", base.image_name)
for key, image in apps.items():
    pulumi.export(f"{key}ImageId", image.image_id)
    pulumi.export(f"{key}ImageName", image.image_name)
    pulumi.export(f"{key}Channel", image.channel)
pulumi.export("driftRuleNames", drift.rule_names)
pulumi.export("driftTopicArn", drift.topic_arn)
