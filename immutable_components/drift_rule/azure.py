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

from typing import Any

import pulumi
from pulumi_azure_native import authorization

from .._constants import MANAGED_BY
from ._approved import Approved, DriftResult
from .args import AzureDriftEffect, AzureDriftTarget

__all__ = ["EFFECTS", "build", "policy_rule"]

EFFECTS = tuple(e.value for e in AzureDriftEffect)
IMAGE_ALIAS = "Microsoft.Compute/imageId"
RESOURCE_TYPES = ["Microsoft.Compute/virtualMachines", "Microsoft.Compute/virtualMachineScaleSets"]


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


def build(
    component: pulumi.Resource, name: str, target: AzureDriftTarget, approved: Approved
) -> DriftResult:
    """Register the definition and its assignment as children of ``component``."""
    opts = pulumi.ResourceOptions(parent=component)
    definition = authorization.PolicyDefinition(
        f"{name}-approved-images",
        policy_definition_name=f"{name}-approved-images",
        display_name=f"DriftRule {name}: VMs and scale sets run approved images",
        description="Flags virtual machines and scale sets whose image is not approved.",
        policy_type="Custom",
        mode="Indexed",
        metadata={"category": "Compute", "managedBy": MANAGED_BY},
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
    ids = approved.ids.apply(lambda values: sorted(set(values)))
    assignment = authorization.PolicyAssignment(
        f"{name}-approved-images-assignment",
        policy_assignment_name=f"{name}-approved-images",
        display_name=f"DriftRule {name}: approved images",
        policy_definition_id=definition.id,
        scope=target.scope,
        enforcement_mode="Default",
        parameters={
            "approvedImageIds": {"value": ids},
            "effect": {"value": AzureDriftEffect(target.effect).value},
        },
        non_compliance_messages=[{"message": f"The image is not approved by DriftRule {name}."}],
        opts=opts,
    )
    return DriftResult(
        rule_names=pulumi.Output.all(assignment.name).apply(list),
        topic_arn=pulumi.Output.from_input(""),
    )
