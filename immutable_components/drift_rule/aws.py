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

import json
from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_aws as aws

from .._validate import Check
from . import _aws_alerts, _aws_recorder
from ._approved import Approved, DriftResult
from .args import AwsDriftTarget

__all__ = [
    "MANAGED_RULE_MAX_CHARS",
    "MANAGED_RULE_MAX_IDS",
    "ami_ids_parameter",
    "build",
    "guard_policy",
    "rule_kind",
    "validate",
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
"""``ami-`` and 17 hex digits."""
RESOURCE_TYPE = "AWS::EC2::Instance"


def validate(check: Check, approved: Approved) -> None:
    """The approved set fits a Config rule (when it is known at construction; else when
    it resolves)."""
    if approved.known is not None:
        check_size(check, approved.known)


def check_size(check: Check, image_ids: Sequence[str]) -> None:
    if rule_kind(image_ids) == MANAGED_RULE:
        return
    if len(guard_policy(image_ids)) > POLICY_MAX_CHARS:
        check.fail(
            "approved_image_ids",
            f"{len(image_ids)} images",
            f"at most {_guard_capacity()} images (the custom policy holding them is "
            f"limited to {POLICY_MAX_CHARS:,} characters)",
        )


def build(
    component: pulumi.Resource,
    name: str,
    target: AwsDriftTarget,
    approved: Approved,
    tags: dict[str, str],
    check: Check,
) -> DriftResult:
    """Register the rule (and the recorder, the alerts) as children of ``component``."""
    depends: list[pulumi.Resource] = []
    if target.create_recorder:
        depends.append(_aws_recorder.create(component, name, tags))
    rule = _config_rule(component, name, approved, tags, depends, check)
    rule_names = pulumi.Output.all(rule.name).apply(list)
    topic_arn = _aws_alerts.create(
        component,
        name,
        rule_names,
        tags=tags,
        topic_arn=target.alert_topic_arn,
        emails=list(target.alert_emails),
        https_endpoints=list(target.alert_https_endpoints),
    )
    return DriftResult(rule_names=rule_names, topic_arn=pulumi.Output.from_input(topic_arn))


def rule_kind(image_ids: Sequence[str]) -> str:
    """``APPROVED_AMIS_BY_ID`` when the (de-duplicated) set fits the managed rule, else
    ``CUSTOM_POLICY``.

    Decided on the ids' values: at construction when all are known, else when they resolve
    (so an Output that duplicates another id does not count twice). 21 AMI ids take 461
    characters, so for AMI ids the count decides; the 1,024-character check stays in case a
    longer id format ever appears.
    """
    unique = set(image_ids)
    fits = len(unique) <= MANAGED_RULE_MAX_IDS and len(",".join(unique)) <= MANAGED_RULE_MAX_CHARS
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


def rule_inputs(name: str, image_ids: Sequence[str]) -> tuple[dict[str, Any], str | None, str]:
    """The Config rule's ``source``, ``input_parameters`` and ``description`` for the set."""
    if rule_kind(image_ids) == MANAGED_RULE:
        source: dict[str, Any] = {"owner": "AWS", "source_identifier": MANAGED_RULE}
        description = "EC2 instances must run an image approved by DriftRule " + repr(name)
        return source, ami_ids_parameter(image_ids), description
    source = {
        "owner": "CUSTOM_POLICY",
        "source_details": [{"message_type": "ConfigurationItemChangeNotification"}],
        "custom_policy_details": {
            "policy_runtime": GUARD_RUNTIME,
            "policy_text": guard_policy(image_ids),
        },
    }
    description = (
        f"EC2 instances must run an image approved by DriftRule {name!r} "
        f"({len(set(image_ids))} images: more than APPROVED_AMIS_BY_ID holds)"
    )
    return source, None, description


def _config_rule(
    component: pulumi.Resource,
    name: str,
    approved: Approved,
    tags: dict[str, str],
    depends: list[pulumi.Resource],
    check: Check,
) -> aws.cfg.Rule:
    source: pulumi.Input[Any]
    parameters: pulumi.Input[str | None]
    description: pulumi.Input[str]
    if approved.known is not None:
        source, parameters, description = rule_inputs(name, approved.known)
    else:
        # The kind waits for the values (an Output set's size is known only then).
        def resolved(ids: list[str]) -> tuple[dict[str, Any], str | None, str]:
            check_size(check, ids)
            return rule_inputs(name, ids)

        inputs = approved.ids.apply(resolved)
        source = inputs.apply(lambda i: i[0])
        parameters = inputs.apply(lambda i: i[1])
        description = inputs.apply(lambda i: i[2])
    return aws.cfg.Rule(
        f"{name}-approved-amis",
        # The stack in the physical name: dev and prod of one program share an account.
        name=f"{pulumi.get_stack()}-{name}-approved-amis",
        description=description,
        source=source,
        input_parameters=parameters,
        scope={"compliance_resource_types": [RESOURCE_TYPE]},
        tags=tags,
        opts=pulumi.ResourceOptions(
            parent=component,
            depends_on=depends,
            # The rule's name is fixed (the alert pattern matches it): replace by deleting
            # first, or the new rule's name would collide with the old one.
            delete_before_replace=True,
        ),
    )
