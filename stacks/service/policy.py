"""Catching drift: instances not on the approved images, in the stack's cloud's own terms."""

import pulumi

from immutable_components import (
    AwsDriftTarget,
    AzureDriftTarget,
    DriftRule,
    DriftRuleArgs,
    GcpDriftTarget,
    GoldenImage,
)

from .settings import Settings


def drift_rule(s: Settings, approved: list[GoldenImage]) -> DriftRule:
    """AWS Config + SNS alerts, GCP's trusted image policy on the project, or an Azure
    Policy assignment on the builders' resource group; approving what each image needs
    (its ``approved_image_ids``)."""
    sets = [image.approved_image_ids for image in approved]
    if s.cloud == "gcp":
        project = pulumi.Config("gcp").require("project")
        return DriftRule(
            "drift", DriftRuleArgs(gcp=GcpDriftTarget(project=project), approved_image_sets=sets)
        )
    if s.cloud == "azure":
        subscription = s.require("azureSubnetId").split("/")[2]
        group = s.require("azureResourceGroup")
        scope = f"/subscriptions/{subscription}/resourceGroups/{group}"
        return DriftRule(
            "drift", DriftRuleArgs(azure=AzureDriftTarget(scope=scope), approved_image_sets=sets)
        )
    email = s.get("driftAlertEmail")
    target = AwsDriftTarget(alert_emails=[email] if email else [])
    return DriftRule("drift", DriftRuleArgs(aws=target, approved_image_sets=sets))
