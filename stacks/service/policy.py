"""Catching drift: instances not on the approved images, in the stack's cloud's own terms."""

from __future__ import annotations

import pulumi

import immutable_components as ic
from immutable_components import AwsDriftTarget, DriftRule, DriftRuleArgs, GoldenImage

from .settings import Settings


def target(s: Settings):
    """AWS Config + SNS alerts, GCP's trusted image policy on the project, or an Azure
    Policy assignment on the builders' resource group."""
    if s.cloud == "gcp":
        return ic.GcpDriftTarget(project=pulumi.Config("gcp").require("project"))
    if s.cloud == "azure":
        subscription = s.require("azureSubnetId").split("/")[2]
        group = s.require("azureResourceGroup")
        return ic.AzureDriftTarget(scope=f"/subscriptions/{subscription}/resourceGroups/{group}")
    email = s.get("driftAlertEmail")
    return AwsDriftTarget(alert_emails=[email] if email else [])


def drift_rule(s: Settings, approved: list[GoldenImage]) -> DriftRule:
    return DriftRule("drift", DriftRuleArgs(target=target(s), approved_images=approved))
