"""DriftRule on AWS, ``create_recorder=True``: a configuration recorder for EC2 instances.

Resources, children of the DriftRule, in order:

``{name}-config-bucket``             S3 bucket for configuration history and snapshots
``{name}-config-bucket-encryption``  default encryption SSE-S3 (AES256), bucket key on
``{name}-config-bucket-public-access``  all four public access blocks on
``{name}-config-bucket-policy``      denies any request not made over TLS
``{name}-config-role``               role AWS Config assumes (``config.amazonaws.com``)
``{name}-config-role-managed``       the ``AWS_ConfigRole`` managed policy on it
``{name}-config-role-delivery``      inline policy: write to the bucket (and read its ACL)
``{name}-config-recorder``           records ``AWS::EC2::Instance`` only (cheapest scope
                                     that the rule needs), continuously
``{name}-config-delivery``           delivery channel to the bucket
``{name}-config-recorder-status``    starts the recorder once the channel exists
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from .._invoke import invoke_once

RECORDED_TYPES = ["AWS::EC2::Instance"]


def delivery_policy(bucket_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetBucketAcl", "s3:ListBucket"],
                    "Resource": bucket_arn,
                },
                {
                    "Effect": "Allow",
                    "Action": "s3:PutObject",
                    "Resource": f"{bucket_arn}/AWSLogs/*",
                    "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
                },
            ],
        },
        sort_keys=True,
    )


def tls_only_policy(bucket_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [bucket_arn, f"{bucket_arn}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        },
        sort_keys=True,
    )


ASSUME_ROLE = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "config.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    },
    sort_keys=True,
)


def create(component: pulumi.Resource, name: str, tags: dict[str, str]) -> pulumi.Resource:
    """Register the recorder and its dependencies; return the resource rules wait on."""
    opts = pulumi.ResourceOptions(parent=component)
    partition = invoke_once(aws.get_partition_output, parent=component)
    bucket = aws.s3.Bucket(f"{name}-config-bucket", tags=tags, opts=opts)
    encryption = aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-config-bucket-encryption",
        bucket=bucket.id,
        rules=[
            {
                "apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"},
                "bucket_key_enabled": True,
            }
        ],
        opts=opts,
    )
    public_access = aws.s3.BucketPublicAccessBlock(
        f"{name}-config-bucket-public-access",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=opts,
    )
    bucket_policy = aws.s3.BucketPolicy(
        f"{name}-config-bucket-policy",
        bucket=bucket.id,
        policy=bucket.arn.apply(tls_only_policy),
        opts=pulumi.ResourceOptions(parent=component, depends_on=[public_access]),
    )
    role = aws.iam.Role(
        f"{name}-config-role",
        assume_role_policy=ASSUME_ROLE,
        description=f"AWS Config recorder of DriftRule {name!r}",
        tags=tags,
        opts=opts,
    )
    managed = aws.iam.RolePolicyAttachment(
        f"{name}-config-role-managed",
        role=role.name,
        policy_arn=partition.partition.apply(
            lambda p: f"arn:{p}:iam::aws:policy/service-role/AWS_ConfigRole"
        ),
        opts=opts,
    )
    delivery = aws.iam.RolePolicy(
        f"{name}-config-role-delivery",
        role=role.id,
        policy=bucket.arn.apply(delivery_policy),
        opts=opts,
    )
    recorder = aws.cfg.Recorder(
        f"{name}-config-recorder",
        name=f"{name}-config-recorder",
        role_arn=role.arn,
        recording_group={
            "all_supported": False,
            "resource_types": RECORDED_TYPES,
            "recording_strategies": [{"use_only": "INCLUSION_BY_RESOURCE_TYPES"}],
        },
        recording_mode={"recording_frequency": "CONTINUOUS"},
        opts=pulumi.ResourceOptions(parent=component, depends_on=[managed]),
    )
    channel = aws.cfg.DeliveryChannel(
        f"{name}-config-delivery",
        name=f"{name}-config-delivery",
        s3_bucket_name=bucket.id,
        opts=pulumi.ResourceOptions(
            parent=component, depends_on=[recorder, encryption, bucket_policy, delivery]
        ),
    )
    return aws.cfg.RecorderStatus(
        f"{name}-config-recorder-status",
        name=recorder.name,
        is_enabled=True,
        opts=pulumi.ResourceOptions(parent=component, depends_on=[channel]),
    )
