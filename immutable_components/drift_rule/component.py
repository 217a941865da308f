"""The DriftRule component: cloud-neutral part.

A DriftRule turns a set of approved images (usually GoldenImage outputs) into the cloud's
own policy that notices instances running anything else. The cloud-specific part is the
*target* (:class:`~immutable_components.drift_rule.aws.AwsDriftTarget`, ``GcpDriftTarget``,
``AzureDriftTarget``), which validates the image references in its cloud's format and
registers the policy resources; this module owns the arguments, the collection of image
references and the outputs, which are the same on every cloud.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pulumi

from .._passdown import pass_down_ignore_changes
from .._validate import Check, is_unknown
from ..golden_image.component import GoldenImage

__all__ = ["DriftResult", "DriftRule", "DriftRuleArgs", "DriftTarget", "ImageRef"]

TYPE_TOKEN = "immutable:index:DriftRule"  # noqa: S105 (a type token)
#: Component names become part of cloud resource names (Config rule, policy names).
COMPONENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")

ImageRef = GoldenImage | str | pulumi.Output[str]
"""An approved image: a GoldenImage (its ``image_id``), an image id, or an Output of one."""


@dataclass(frozen=True)
class DriftResult:
    """What a target hands back to :class:`DriftRule`."""

    rule_names: pulumi.Output[list[str]]
    topic_arn: pulumi.Output[str]


class DriftTarget(Protocol):
    """What a cloud's target provides to :class:`DriftRule`."""

    cloud: str

    def validate(self, check: Check) -> None:
        """Check the target's own settings (raise through ``check``)."""
        ...

    def validate_image(self, check: Check, field_name: str, image_id: str) -> None:
        """Check one known image id in this cloud's format."""
        ...

    def validate_images(self, check: Check, image_ids: Sequence[str | pulumi.Output[str]]) -> None:
        """Check the whole approved set (counts, sizes); unknown ids are Outputs."""
        ...

    def build(
        self, component: DriftRule, name: str, image_ids: list[str | pulumi.Output[str]]
    ) -> DriftResult: ...


@dataclass(frozen=True, kw_only=True)
class DriftRuleArgs:
    """Inputs of :class:`DriftRule`."""

    target: DriftTarget
    """Where the rule lives and how it alerts: :class:`~immutable_components.AwsDriftTarget`
    (AWS Config rule + EventBridge/SNS alerts), ``GcpDriftTarget`` (trusted image projects
    org policy) or ``AzureDriftTarget`` (Azure Policy definition + assignment)."""
    approved_images: Sequence[ImageRef]
    """The images instances may run: GoldenImages (their ``image_id``; on AWS also the image
    the GoldenImage published before this build, so a rollout in progress and an
    auto-rollback are no findings; while a GoldenImage bakes, its builder's source image,
    so the builder is no finding; on GCP the chain's vendor image, so the next rebake may
    boot), image ids
    (AWS ``ami-...``, GCP ``projects/<p>/global/images/<name>``, Azure image or gallery image
    version resource ids) or Outputs of them. At least one. Duplicates are dropped and the
    set is sorted, so reordering this list changes nothing."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags (AWS) for every taggable resource the rule creates. Default: only
    ``ManagedBy: immutable-components``."""


class DriftRule(pulumi.ComponentResource):
    """A cloud policy that flags (or, on Azure with ``Deny``, blocks) unapproved images."""

    rule_names: pulumi.Output[list[str]]
    """The policy rules' names: AWS Config rule names, the GCP org policy name, the Azure
    policy assignment name."""
    topic_arn: pulumi.Output[str]
    """AWS: the SNS topic NON_COMPLIANT alerts go to (the one given or the one created).
    GCP and Azure: ``""`` (alerts are not wired on those clouds yet)."""
    approved_image_ids: pulumi.Output[list[str]]
    """The approved image ids, de-duplicated and sorted, as the policy sees them."""

    def __init__(
        self, name: str, args: DriftRuleArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        check = Check("DriftRule", name)
        if not isinstance(name, str) or not COMPONENT_NAME.match(name):
            check.fail(
                "name",
                name,
                "1-40 letters, digits, '-' or '_', starting with a letter or digit (it names "
                "the cloud policy resources)",
            )
        if not isinstance(args, DriftRuleArgs):
            check.fail("args", args, "a DriftRuleArgs")
        target = args.target
        if not all(hasattr(target, a) for a in ("cloud", "build", "validate", "validate_image")):
            check.fail(
                "target",
                target,
                "a drift target: AwsDriftTarget, GcpDriftTarget or AzureDriftTarget",
            )
        check.one_of("target.cloud", target.cloud, ("aws", "gcp", "azure"))
        target.validate(check)
        image_ids = collect_image_ids(check, target, args.approved_images)
        target.validate_images(check, image_ids)
        tags = dict(args.tags) if isinstance(args.tags, Mapping) else args.tags
        check.string_map("tags", tags)

        super().__init__(TYPE_TOKEN, name, None, pass_down_ignore_changes(opts))
        self.tags: dict[str, str] = {**tags, "ManagedBy": "immutable-components"}
        result = target.build(self, name, image_ids)
        self.rule_names = result.rule_names
        self.topic_arn = result.topic_arn
        self.approved_image_ids = sorted_unique(image_ids)
        self.register_outputs(
            {
                "rule_names": self.rule_names,
                "topic_arn": self.topic_arn,
                "approved_image_ids": self.approved_image_ids,
            }
        )


def collect_image_ids(
    check: Check, target: DriftTarget, images: Any
) -> list[str | pulumi.Output[str]]:
    """The approved set as ids (strings where known), validated; duplicates of known ids
    dropped, order kept."""
    entries = check.non_empty_list("approved_images", images)
    if is_unknown(images):
        check.fail("approved_images", images, "a list (its items may be Outputs), not an Output")
    ids: list[str | pulumi.Output[str]] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        field_name = f"approved_images[{i}]"
        if isinstance(entry, GoldenImage):
            if entry.builder_cloud != target.cloud:
                check.fail(
                    field_name,
                    f"GoldenImage baked on {entry.builder_cloud}",
                    f"an image of the target's cloud ({target.cloud})",
                )
            ids.append(entry.image_id)
            # The bakery's instances boot the builder's source while the image bakes.
            ids.extend(pulumi.Output.from_input(s) for s in entry.bakery_sources)
            # What the fleet ran before this build, until the next build (N-1): a rollout
            # in progress and an auto-rollback are no findings.
            ids.extend(pulumi.Output.from_input(s) for s in entry.previous_images)
            if getattr(target, "approves_chain_roots", False):
                ids.append(pulumi.Output.from_input(entry.root_source))
        elif is_unknown(entry):
            ids.append(pulumi.Output.from_input(entry))
        elif isinstance(entry, str):
            target.validate_image(check, field_name, entry)
            if entry not in seen:
                seen.add(entry)
                ids.append(entry)
        else:
            check.fail(field_name, entry, "a GoldenImage, an image id string or an Output of one")
    return ids


def sorted_unique(ids: Sequence[str | pulumi.Output[str]]) -> pulumi.Output[list[str]]:
    """The ids, resolved, de-duplicated and sorted (deterministic whatever the order given)."""
    return pulumi.Output.all(*ids).apply(lambda values: sorted(set(values)))
