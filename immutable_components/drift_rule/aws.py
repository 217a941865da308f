"""DriftRule on AWS: an AWS Config rule over EC2 instances, alerts through EventBridge/SNS.

Resources, all children of the DriftRule, in order:

``{name}-config-*``      only with ``create_recorder=True``: the configuration recorder
                         and what it needs (see ``_aws_recorder``)
``{name}-approved-amis`` the Config rule, scoped to ``AWS::EC2::Instance``:
                         * up to 21 approved ids: the managed rule ``APPROVED_AMIS_BY_ID``
                           with ``{"amiIds": "<id>,<id>,..."}``;
                         * more: one custom policy rule (``CUSTOM_POLICY``, Guard 2.x)
                           that checks ``configuration.imageId IN [...]`` for the whole set.
``{name}-alerts-key``    customer managed KMS key for the topic (EventBridge may use it)
``{name}-alerts``        the SNS topic, encrypted with that key (unless a topic is given)
``{name}-noncompliant``  EventBridge rule: this component's Config rule going NON_COMPLIANT
``{name}-noncompliant-to-sns``   its SNS target
``{name}-alerts-policy`` topic policy: events.amazonaws.com may publish, from that rule only
``{name}-alert-email-N``, ``{name}-alert-https-N``   optional subscriptions

Why not split the ids across several APPROVED_AMIS_BY_ID rules: each rule flags every
instance outside *its* subset, so with a split every instance is NON_COMPLIANT with all
rules but one and an alert on NON_COMPLIANT fires for every healthy instance. Why not the
tag-based rule (``APPROVED_AMIS_BY_TAG``): tags on an AMI shared from another account are
invisible in the account it is shared with, so every instance there would be flagged.
A Guard custom policy rule has neither problem and holds hundreds of ids (10,000
characters of policy text).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .._validate import Check
from . import _aws_alerts, _aws_recorder
from .component import DriftResult, DriftRule

__all__ = [
    "MANAGED_RULE_MAX_CHARS",
    "MANAGED_RULE_MAX_IDS",
    "AwsDriftTarget",
    "ami_ids_parameter",
    "guard_policy",
    "rule_kind",
]

MANAGED_RULE = "APPROVED_AMIS_BY_ID"
MANAGED_RULE_MAX_IDS = 21
"""``amiIds``: "Comma-separated list of up to 21 AMI IDs" (AWS Config docs)."""
MANAGED_RULE_MAX_CHARS = 1024
"""``amiIds``: "There is a 1024 characters limit" (AWS Config docs)."""
POLICY_MAX_CHARS = 10_000
"""``CustomPolicyDetails.PolicyText``: at most 10,000 characters (AWS Config API)."""
GUARD_RUNTIME = "guard-2.x.x"
AMI_ID_MAX_CHARS = 21
"""``ami-`` and 17 hex digits: the length assumed for an id that is not known yet."""
RESOURCE_TYPE = "AWS::EC2::Instance"
EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[A-Za-z]{2,}$")
HTTPS_URL = re.compile(r"^https://[^\s/]+(/\S*)?$")

IdList = Sequence[str | pulumi.Output[str]]


@dataclass(frozen=True, kw_only=True)
class AwsDriftTarget:
    """DriftRule on AWS: an AWS Config rule in the provider's account and region.

    NOTE: AWS Config rules evaluate only what a configuration recorder records. Most
    accounts have one (Control Tower and Security Hub set it up); if yours has none, set
    ``create_recorder=True``. AWS Config bills per configuration item recorded and per rule
    evaluation (see the README, "DriftRule").
    """

    cloud = "aws"

    alert_emails: Sequence[str] = ()
    """Email addresses subscribed to the alert topic (each must confirm the subscription
    from the email AWS sends). Default: no email subscriptions."""
    alert_https_endpoints: Sequence[str] = ()
    """``https://`` endpoints subscribed to the alert topic (they must confirm the
    subscription). Default: no HTTPS subscriptions."""
    alert_topic_arn: str | pulumi.Output[str] | None = None
    """An existing SNS topic for the alerts. Its access policy must let
    ``events.amazonaws.com`` publish and, if it is encrypted, its KMS key policy must let
    ``events.amazonaws.com`` use ``kms:GenerateDataKey*`` and ``kms:Decrypt`` (AWS managed
    ``alias/aws/sns`` cannot be used). Default: a new topic encrypted with a new customer
    managed KMS key whose policy allows exactly that."""
    create_recorder: bool = False
    """Create, and start, a configuration recorder that records EC2 instances only, with a
    delivery channel to a new encrypted, private S3 bucket and an IAM role with the
    ``AWS_ConfigRole`` managed policy. An account has at most one recorder per region:
    leave this off when the account already has one. Default: use the existing recorder."""

    def validate(self, check: Check) -> None:
        for label, values, pattern, accepted in (
            ("alert_emails", self.alert_emails, EMAIL, "an email address such as ops@example.com"),
            (
                "alert_https_endpoints",
                self.alert_https_endpoints,
                HTTPS_URL,
                "an https:// URL",
            ),
        ):
            if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
                check.fail(f"target.{label}", values, "a list of strings")
            for i, value in enumerate(values):
                check.matches(f"target.{label}[{i}]", value, pattern, accepted)
        if self.alert_topic_arn is not None:
            check.arn("target.alert_topic_arn", self.alert_topic_arn, "sns")
        if not isinstance(self.create_recorder, bool):
            check.fail("target.create_recorder", self.create_recorder, "True or False")

    def validate_image(self, check: Check, field_name: str, image_id: str) -> None:
        check.ami_id(field_name, image_id)

    def validate_images(self, check: Check, image_ids: IdList) -> None:
        if rule_kind(image_ids) == MANAGED_RULE:
            return
        size = len(
            guard_policy(
                [i if isinstance(i, str) else _placeholder(n) for n, i in enumerate(image_ids)]
            )
        )
        if size > POLICY_MAX_CHARS:
            check.fail(
                "approved_images",
                f"{len(image_ids)} images",
                f"at most {_guard_capacity()} images (the custom policy holding them is "
                f"limited to {POLICY_MAX_CHARS:,} characters)",
            )

    def build(self, component: DriftRule, name: str, image_ids: list) -> DriftResult:
        depends: list[pulumi.Resource] = []
        if self.create_recorder:
            depends.append(_aws_recorder.create(component, name, component.tags))
        rule = _config_rule(component, name, image_ids, depends)
        rule_names = pulumi.Output.all(rule.name).apply(list)
        topic_arn = _aws_alerts.create(
            component,
            name,
            rule_names,
            tags=component.tags,
            topic_arn=self.alert_topic_arn,
            emails=list(self.alert_emails),
            https_endpoints=list(self.alert_https_endpoints),
        )
        return DriftResult(rule_names=rule_names, topic_arn=pulumi.Output.from_input(topic_arn))


def rule_kind(image_ids: IdList) -> str:
    """``APPROVED_AMIS_BY_ID`` when the set fits the managed rule, else ``CUSTOM_POLICY``.

    The count is exact at construction even when ids are Outputs (an Output that turns out
    to duplicate another id still counts: the choice cannot wait for values). The
    1,024-character limit is checked on known ids, with unknown ids counted at the AMI id
    maximum (21 characters). 21 such ids take 461 characters, so for AMI ids the count
    decides; the length check stays in case a longer id format ever appears.
    """
    fits = (
        len(image_ids) <= MANAGED_RULE_MAX_IDS
        and len(",".join(_longest(i) for i in image_ids)) <= MANAGED_RULE_MAX_CHARS
    )
    return MANAGED_RULE if fits else "CUSTOM_POLICY"


def ami_ids_parameter_value(ids: Sequence[str]) -> str:
    """The ``amiIds`` CSV: sorted, de-duplicated."""
    return ",".join(sorted(set(ids)))


def ami_ids_parameter(ids: Sequence[str]) -> str:
    """The managed rule's ``input_parameters`` JSON."""
    return json.dumps({"amiIds": ami_ids_parameter_value(ids)})


def guard_policy(ids: Sequence[str]) -> str:
    """The Guard 2.x policy that holds an approved set too large for the managed rule.

    Unlike ``APPROVED_AMIS_BY_ID`` (documented as checking running instances), it checks
    every recorded instance, stopped ones included.
    """
    items = ",\n".join(f'    "{i}"' for i in sorted(set(ids)))
    return (
        'rule approved_image_ids when resourceType == "AWS::EC2::Instance" {\n'
        "  configuration.imageId IN [\n"
        f"{items}\n"
        "  ]\n"
        "  <<The instance runs an image that is not in the approved set.>>\n"
        "}\n"
    )


def _guard_capacity() -> int:
    """How many 21-character ids the policy text holds."""
    one = len(guard_policy([_placeholder(0)]))
    per_id = len(guard_policy([_placeholder(0), _placeholder(1)])) - one
    return 1 + (POLICY_MAX_CHARS - one) // per_id


def _placeholder(i: int) -> str:
    return f"ami-{i:0{AMI_ID_MAX_CHARS - 4}x}"


def _longest(image_id: str | pulumi.Output[str]) -> str:
    return image_id if isinstance(image_id, str) else "ami-" + "f" * (AMI_ID_MAX_CHARS - 4)


def _config_rule(
    component: DriftRule, name: str, image_ids: list, depends: list[pulumi.Resource]
) -> aws.cfg.Rule:
    ids = pulumi.Output.all(*image_ids)
    if rule_kind(image_ids) == MANAGED_RULE:
        source: dict = {"owner": "AWS", "source_identifier": MANAGED_RULE}
        parameters: pulumi.Input[str] | None = ids.apply(ami_ids_parameter)
        description = "EC2 instances must run an image approved by DriftRule " + repr(name)
    else:
        source = {
            "owner": "CUSTOM_POLICY",
            "source_details": [{"message_type": "ConfigurationItemChangeNotification"}],
            "custom_policy_details": {
                "policy_runtime": GUARD_RUNTIME,
                "policy_text": ids.apply(guard_policy),
            },
        }
        parameters = None
        description = (
            f"EC2 instances must run an image approved by DriftRule {name!r} "
            f"({len(image_ids)} images: more than APPROVED_AMIS_BY_ID holds)"
        )
    return aws.cfg.Rule(
        f"{name}-approved-amis",
        # The stack in the physical name: dev and prod of one program share an account.
        name=f"{pulumi.get_stack()}-{name}-approved-amis",
        description=description,
        source=source,
        input_parameters=parameters,
        scope={"compliance_resource_types": [RESOURCE_TYPE]},
        tags=component.tags,
        opts=pulumi.ResourceOptions(
            parent=component,
            depends_on=depends,
            # The rule's name is fixed (the alert pattern matches it): replace by deleting
            # first, or the new rule's name would collide with the old one.
            delete_before_replace=True,
        ),
    )
