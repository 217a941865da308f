"""DriftRule on Azure: a custom Azure Policy definition and its assignment.

Resources, children of the DriftRule:

``{name}-approved-images``             policy definition (custom, mode ``Indexed``) in the
                                       provider's subscription
``{name}-approved-images-assignment``  its assignment to ``scope`` with the approved ids
                                       and the effect

The rule: a resource of type ``Microsoft.Compute/virtualMachines`` or
``Microsoft.Compute/virtualMachineScaleSets`` whose ``Microsoft.Compute/imageId`` (the
alias for the image reference id of both types) is not in ``approvedImageIds`` gets the
effect. ``Audit`` reports existing and new resources as non-compliant; ``Deny`` also
refuses to create or update them. A VM from a marketplace image has no image id, so it is
non-compliant too: marketplace images are not approved images.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_azure_native import authorization

from .._validate import Check
from .component import DriftResult, DriftRule

__all__ = ["EFFECTS", "AzureDriftTarget", "policy_rule"]

EFFECTS = ("Audit", "Deny", "Disabled")
IMAGE_ALIAS = "Microsoft.Compute/imageId"
RESOURCE_TYPES = ["Microsoft.Compute/virtualMachines", "Microsoft.Compute/virtualMachineScaleSets"]
GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
SCOPE = re.compile(rf"^/subscriptions/{GUID}(/resourceGroups/[-\w.()]{{1,90}})?$")
IMAGE_ID = re.compile(
    rf"^/subscriptions/{GUID}/resourceGroups/[-\w.()]{{1,90}}/providers/Microsoft\.Compute/"
    r"(images/[^/\s]+|galleries/[^/\s]+/images/[^/\s]+(/versions/[^/\s]+)?)$",
    re.IGNORECASE,
)


def policy_rule() -> dict[str, Any]:
    return {
        "if": {
            "allOf": [
                {"field": "type", "in": RESOURCE_TYPES},
                {"field": IMAGE_ALIAS, "notIn": "[parameters('approvedImageIds')]"},
            ]
        },
        "then": {"effect": "[parameters('effect')]"},
    }


@dataclass(frozen=True, kw_only=True)
class AzureDriftTarget:
    """DriftRule on Azure: audit (or deny) VMs and scale sets on unapproved images.

    Creating the definition and the assignment needs ``Resource Policy Contributor`` (or
    Owner) on the subscription. Azure evaluates existing resources in a compliance scan
    (about once a day, or on demand); ``Deny`` applies to creates and updates at once.
    """

    cloud = "azure"

    scope: str
    """Where the assignment applies: ``/subscriptions/<id>`` or
    ``/subscriptions/<id>/resourceGroups/<name>``, in the provider's subscription."""
    effect: str = "Audit"
    """``Audit``, ``Deny`` or ``Disabled``. Default: ``Audit`` (report, never block)."""

    def validate(self, check: Check) -> None:
        check.matches(
            "target.scope",
            self.scope,
            SCOPE,
            "'/subscriptions/<subscription id>' or '/subscriptions/<id>/resourceGroups/<name>'",
        )
        check.one_of("target.effect", self.effect, EFFECTS)

    def validate_image(self, check: Check, field_name: str, image_id: str) -> None:
        check.matches(
            field_name,
            image_id,
            IMAGE_ID,
            "an Azure managed image or gallery image (version) resource id",
        )

    def validate_images(self, check: Check, image_ids: Sequence[object]) -> None:
        return None

    def build(self, component: DriftRule, name: str, image_ids: list) -> DriftResult:
        opts = pulumi.ResourceOptions(parent=component)
        definition = authorization.PolicyDefinition(
            f"{name}-approved-images",
            policy_definition_name=f"{name}-approved-images",
            display_name=f"DriftRule {name}: VMs and scale sets run approved images",
            description="Flags virtual machines and scale sets whose image is not approved.",
            policy_type="Custom",
            mode="Indexed",
            metadata={"category": "Compute", "managedBy": "immutable-components"},
            parameters={
                "approvedImageIds": {
                    "type": "Array",
                    "metadata": {"displayName": "Approved image ids"},
                },
                "effect": {
                    "type": "String",
                    "allowed_values": list(EFFECTS),
                    "default_value": "Audit",
                    "metadata": {"displayName": "Effect"},
                },
            },
            policy_rule=policy_rule(),
            opts=opts,
        )
        ids = pulumi.Output.all(*image_ids).apply(lambda values: sorted(set(values)))
        assignment = authorization.PolicyAssignment(
            f"{name}-approved-images-assignment",
            policy_assignment_name=f"{name}-approved-images",
            display_name=f"DriftRule {name}: approved images",
            policy_definition_id=definition.id,
            scope=self.scope,
            enforcement_mode="Default",
            parameters={
                "approvedImageIds": {"value": ids},
                "effect": {"value": self.effect},
            },
            non_compliance_messages=[
                {"message": f"The image is not approved by DriftRule {name}."}
            ],
            opts=opts,
        )
        return DriftResult(
            rule_names=pulumi.Output.all(assignment.name).apply(list),
            topic_arn=pulumi.Output.from_input(""),
        )
