"""Example immutable service: a hardened base image, an app image layered on it and
tested before it is published, a fleet released onto it, and a drift rule that flags
any instance not on those images. `cloud` picks AWS (default), GCP or Azure.

Stack settings (stacks/Pulumi.<stack>.yaml):
  cloud             aws (default), gcp or azure
  appVersion        version baked into the app image (a new version rebakes it)
  appMessage        a plain setting the app reads from its env file at boot
  appChannel        the channel the tested app image is published on
  builderSshCidr    the address allowed to SSH to the builders (this machine)
  builderPublicIp   "true" to give builders a public IP and connect to it
  gitCommit         optional commit recorded on the images
  aws:    baseSourceImage (an AMI id, or `ubuntu-24.04-latest` to follow Canonical),
          builderSubnetId, appCopyRegion, fleetSubnetIds, driftAlertEmail (optional)
  gcp:    gcpZone, gcpNetwork, gcpSubnetwork (plus gcp:project, gcp:region)
  azure:  azureResourceGroup, azureSubnetId (builders), azureFleetSubnetId,
          azureGalleryName (an existing gallery; plus azure-native:location)
"""

import pulumi
from service import fleets, images, policy
from service.settings import Settings

settings = Settings.load()

base = images.base_image(settings)
app = images.app_image(settings, base, "app", settings.app_version)
fleet = fleets.release(settings, app)
drift = policy.drift_rule(settings, [base, app])

pulumi.export("baseImageId", base.image_id)
pulumi.export("baseImageName", base.image_name)
pulumi.export("appImageId", app.image_id)
pulumi.export("appImageName", app.image_name)
pulumi.export("appBuildHash", app.build_hash)
pulumi.export("appChannel", app.channel)
pulumi.export("appCopies", app.copies)
pulumi.export("appLineage", app.lineage)
fleets.exports(settings, fleet)
pulumi.export("driftRuleNames", drift.rule_names)
pulumi.export("driftTopicArn", drift.topic_arn)
