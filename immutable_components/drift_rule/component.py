"""The DriftRule component: cloud-neutral part.

A DriftRule turns a set of approved images (usually GoldenImages' ``approved_image_ids``)
into the cloud's own policy that notices instances running anything else. The args
(:mod:`.args`) say which cloud (one block of ``aws``, ``gcp``, ``azure``); the cloud's
module (:mod:`.aws`, :mod:`.gcp`, :mod:`.azure`, imported only for its cloud) checks what
only it knows and registers the policy resources; this module owns the validation order,
the approved set and the outputs, which are the same on every cloud.
"""

# ruff: noqa: UP045 (records: the analyzer and _records read typing.Optional, not X | None)

from typing import Optional

import pulumi

from .._constants import MANAGED_BY
from .._passdown import pass_down_ignore_changes
from .._records import build
from .._validate import Check
from . import _approved
from .args import COMPONENT_NAME, DriftRuleArgs, validate

__all__ = ["DriftRule"]

TYPE_TOKEN = "immutable:index:DriftRule"  # noqa: S105 (a type token)


class DriftRule(pulumi.ComponentResource):
    """A cloud policy that flags (or, on Azure with ``Deny``, blocks) instances on images
    that are not approved: an AWS Config rule with alerts, GCP's trusted image projects
    policy, or an Azure Policy assignment."""

    rule_names: pulumi.Output[list[str]]
    """The policy rules' names: AWS Config rule names, the GCP org policy name, the Azure
    policy assignment name."""
    topic_arn: pulumi.Output[str]
    """AWS: the SNS topic NON_COMPLIANT alerts go to (the one given or the one created).
    GCP and Azure: ``""`` (alerts are not wired on those clouds yet)."""
    approved_image_ids: pulumi.Output[list[str]]
    """The approved image ids, de-duplicated and sorted, as the policy sees them."""

    def __init__(
        self, name: str, args: DriftRuleArgs, opts: Optional[pulumi.ResourceOptions] = None
    ) -> None:
        check = Check("DriftRule", name)
        args = build(DriftRuleArgs, args, check)
        if not isinstance(name, str) or not COMPONENT_NAME.match(name):
            check.fail(
                "name",
                name,
                "1-40 letters, digits, '-' or '_', starting with a letter or digit (it names "
                "the cloud policy resources)",
            )
        cloud = validate(check, args)
        approved = _approved.collect(check, cloud, args)
        if args.aws is not None:
            from . import aws

            aws.validate(check, approved)

        super().__init__(TYPE_TOKEN, name, None, pass_down_ignore_changes(opts))
        tags = {**(args.tags or {}), "ManagedBy": MANAGED_BY}
        if args.aws is not None:
            result = aws.build(self, name, args.aws, approved, tags, check)
        elif args.gcp is not None:
            from . import gcp

            result = gcp.build(self, name, args.gcp, approved)
        else:
            from . import azure

            assert args.azure is not None
            result = azure.build(self, name, args.azure, approved)
        self.rule_names = result.rule_names
        self.topic_arn = result.topic_arn
        self.approved_image_ids = approved.ids.apply(lambda ids: sorted(set(ids)))
        self.register_outputs(
            {
                "rule_names": self.rule_names,
                "topic_arn": self.topic_arn,
                "approved_image_ids": self.approved_image_ids,
            }
        )
