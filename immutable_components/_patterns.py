"""Patterns of identifiers, shared by the components' checks and the operations commands.

Plain ``re`` only: the ``drift`` and ``prune`` commands import this without the Pulumi SDK.
"""

from __future__ import annotations

import re

AMI_ID = re.compile(r"^ami-[0-9a-f]{8}([0-9a-f]{9})?$")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*\.[a-z0-9]+(-[a-z0-9]+)*$")
SUBNET_ID = re.compile(r"^subnet-[0-9a-f]{8}([0-9a-f]{9})?$")
SECURITY_GROUP_ID = re.compile(r"^sg-[0-9a-f]{8}([0-9a-f]{9})?$")
VPC_ID = re.compile(r"^vpc-[0-9a-f]{8}([0-9a-f]{9})?$")
AWS_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")
ACCOUNT_ID = re.compile(r"^\d{12}$")
ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$")
IAM_POLICY_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}|aws):policy/[\w+=,.@/-]+$")
KMS_KEY = re.compile(
    r"^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/.+|alias/[A-Za-z0-9/_-]+|"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)
#: A Go duration as the AWS provider's timeouts and our waits take it: ``10m``, ``1h30m``;
#: ``0`` where a wait may be switched off (a check that needs more says so).
DURATION = re.compile(r"^(0|\d+[smh](\d+[sm])?(\d+s)?)$")
#: An ISO 8601 duration as Azure takes it: ``PT30M``, ``PT1H``.
ISO_DURATION = re.compile(r"^PT(\d+H)?(\d+M)?(\d+S)?$")
