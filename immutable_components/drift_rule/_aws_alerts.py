"""DriftRule on AWS: NON_COMPLIANT evaluations of its Config rules, routed to SNS.

AWS Config sends every compliance change to EventBridge as a ``Config Rules Compliance
Change`` event from ``aws.config``. An EventBridge rule matches this component's rule
names going ``NON_COMPLIANT`` and publishes the event to an SNS topic.

Encryption: EventBridge cannot publish to a topic encrypted with the AWS managed key
``alias/aws/sns`` (its key policy cannot be changed to let ``events.amazonaws.com`` use
it). The topic created here is encrypted with a customer managed key (rotation on) whose
policy gives the account full control and ``events.amazonaws.com`` only
``kms:GenerateDataKey*`` and ``kms:Decrypt``.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from .._invoke import invoke_once

EVENT_SOURCE = "aws.config"
EVENT_DETAIL_TYPE = "Config Rules Compliance Change"


def event_pattern(rule_names: list[str]) -> str:
    """The EventBridge pattern: one of ``rule_names`` turning NON_COMPLIANT."""
    return json.dumps(
        {
            "source": [EVENT_SOURCE],
            "detail-type": [EVENT_DETAIL_TYPE],
            "detail": {
                "messageType": ["ComplianceChangeNotification"],
                "configRuleName": sorted(rule_names),
                "newEvaluationResult": {"complianceType": ["NON_COMPLIANT"]},
            },
        },
        sort_keys=True,
    )


def key_policy(partition: str, account: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountAdministers",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "EventBridgePublishesToEncryptedTopic",
                    "Effect": "Allow",
                    "Principal": {"Service": "events.amazonaws.com"},
                    "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
                    "Resource": "*",
                },
            ],
        },
        sort_keys=True,
    )


def topic_policy(topic_arn: str, event_rule_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DriftRuleEventsPublish",
                    "Effect": "Allow",
                    "Principal": {"Service": "events.amazonaws.com"},
                    "Action": "sns:Publish",
                    "Resource": topic_arn,
                    "Condition": {"ArnEquals": {"aws:SourceArn": event_rule_arn}},
                }
            ],
        },
        sort_keys=True,
    )


def create(
    component: pulumi.Resource,
    name: str,
    rule_names: pulumi.Output[list[str]],
    *,
    tags: dict[str, str],
    topic_arn: Any,
    emails: list[str],
    https_endpoints: list[str],
) -> pulumi.Output[str]:
    """Register the alert resources; return the topic's ARN."""
    opts = pulumi.ResourceOptions(parent=component)
    topic: aws.sns.Topic | None = None
    if topic_arn is None:
        partition = invoke_once(aws.get_partition_output, parent=component)
        identity = invoke_once(aws.get_caller_identity_output, parent=component)
        key = aws.kms.Key(
            f"{name}-alerts-key",
            description=f"Encrypts DriftRule {name!r} alerts; EventBridge may use it",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=pulumi.Output.all(partition.partition, identity.account_id).apply(
                lambda pa: key_policy(pa[0], pa[1])
            ),
            tags=tags,
            opts=opts,
        )
        topic = aws.sns.Topic(
            f"{name}-alerts",
            kms_master_key_id=key.arn,
            tags=tags,
            opts=opts,
        )
        topic_arn = topic.arn
    arn = pulumi.Output.from_input(topic_arn)

    rule = aws.cloudwatch.EventRule(
        f"{name}-noncompliant",
        description=f"DriftRule {name!r}: an EC2 instance runs an unapproved image",
        event_pattern=rule_names.apply(event_pattern),
        tags=tags,
        opts=opts,
    )
    target_opts = opts
    if topic is not None:
        policy = aws.sns.TopicPolicy(
            f"{name}-alerts-policy",
            arn=topic.arn,
            policy=pulumi.Output.all(topic.arn, rule.arn).apply(
                lambda ta: topic_policy(ta[0], ta[1])
            ),
            opts=opts,
        )
        target_opts = pulumi.ResourceOptions(parent=component, depends_on=[policy])
    aws.cloudwatch.EventTarget(
        f"{name}-noncompliant-to-sns",
        rule=rule.name,
        arn=arn,
        target_id="sns",
        opts=target_opts,
    )
    for i, email in enumerate(emails):
        aws.sns.TopicSubscription(
            f"{name}-alert-email-{i}", topic=arn, protocol="email", endpoint=email, opts=opts
        )
    for i, url in enumerate(https_endpoints):
        aws.sns.TopicSubscription(
            f"{name}-alert-https-{i}", topic=arn, protocol="https", endpoint=url, opts=opts
        )
    return arn
