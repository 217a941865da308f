"""Construction-time checks shared by every component.

A :class:`Check` is bound to one component instance and raises
:class:`~immutable_components.errors.ComponentInputError` naming it. Every check skips
values that are not known yet (``pulumi.Output`` or other awaitables): those are the
provider's to reject.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

import pulumi

from ._patterns import (
    ACCOUNT_ID,
    AMI_ID,
    ARN,
    AWS_REGION,
    INSTANCE_TYPE,
    KMS_KEY,
    SECURITY_GROUP_ID,
    SUBNET_ID,
    VPC_ID,
)
from .errors import ComponentInputError


def is_unknown(value: Any) -> bool:
    """True for values only the engine can know (Outputs and other awaitables)."""
    return isinstance(value, pulumi.Output) or hasattr(value, "__await__")


class Check:
    """Validation bound to one component instance, e.g. ``Check("GoldenImage", "base")``."""

    def __init__(self, component: str, name: str) -> None:
        self.label = f"{component} {name!r}"

    def fail(self, field: str, value: Any, accepted: str) -> NoReturn:
        raise ComponentInputError(self.label, field, value, accepted)

    def matches(self, field: str, value: Any, pattern: re.Pattern[str], accepted: str) -> None:
        if is_unknown(value):
            return
        if not isinstance(value, str) or not pattern.match(value):
            self.fail(field, value, accepted)

    def non_empty_str(self, field: str, value: Any) -> None:
        if is_unknown(value):
            return
        if not isinstance(value, str) or not value.strip():
            self.fail(field, value, "a non-empty string")

    def ami_id(self, field: str, value: Any) -> None:
        self.matches(field, value, AMI_ID, "an AMI id: 'ami-' and 8 or 17 lower-case hex digits")

    def instance_type(self, field: str, value: Any) -> None:
        self.matches(
            field, value, INSTANCE_TYPE, "an EC2 instance type such as 't3.micro' or 'm7g.2xlarge'"
        )

    def subnet_id(self, field: str, value: Any) -> None:
        self.matches(field, value, SUBNET_ID, "a subnet id: 'subnet-' and 8 or 17 hex digits")

    def security_group_id(self, field: str, value: Any) -> None:
        self.matches(
            field, value, SECURITY_GROUP_ID, "a security group id: 'sg-' and 8 or 17 hex digits"
        )

    def vpc_id(self, field: str, value: Any) -> None:
        self.matches(field, value, VPC_ID, "a VPC id: 'vpc-' and 8 or 17 hex digits")

    def aws_region(self, field: str, value: Any) -> None:
        self.matches(field, value, AWS_REGION, "an AWS region such as 'us-east-1'")

    def account_id(self, field: str, value: Any) -> None:
        self.matches(field, value, ACCOUNT_ID, "a 12-digit AWS account id")

    def arn(self, field: str, value: Any, service: str | None = None) -> None:
        accepted = f"an ARN of the {service} service" if service else "an ARN"
        self.matches(field, value, ARN, accepted)
        if service and isinstance(value, str) and value.split(":")[2] != service:
            self.fail(field, value, accepted)

    def kms_key(self, field: str, value: Any) -> None:
        self.matches(field, value, KMS_KEY, "a KMS key id, key ARN, alias ARN or 'alias/<name>'")

    def cidr(self, field: str, value: Any) -> None:
        if is_unknown(value):
            return
        try:
            ipaddress.ip_network(value, strict=True)
        except (TypeError, ValueError):
            self.fail(
                field, value, "an IPv4 or IPv6 CIDR block with no host bits, e.g. '10.0.0.0/16'"
            )

    def one_of(self, field: str, value: Any, choices: Iterable[Any]) -> None:
        if is_unknown(value):
            return
        options = list(choices)
        if value not in options:
            self.fail(field, value, "one of " + ", ".join(repr(c) for c in options))

    def int_range(self, field: str, value: Any, low: int, high: int | None = None) -> None:
        if is_unknown(value):
            return
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(field, value, "a whole number")
        if value < low or (high is not None and value > high):
            accepted = (
                f"a whole number from {low} to {high}"
                if high is not None
                else f"a whole number >= {low}"
            )
            self.fail(field, value, accepted)

    def non_empty_list(self, field: str, value: Any) -> Sequence[Any]:
        if is_unknown(value):
            return []
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or not value:
            self.fail(field, value, "a non-empty list")
        return value

    def string_map(self, field: str, value: Any) -> None:
        if value is None or is_unknown(value):
            return
        if not isinstance(value, dict):
            self.fail(field, value, "a mapping of strings to strings")
        for key, item in value.items():
            if not isinstance(key, str) or not key:
                self.fail(f"{field} key", key, "a non-empty string")
            if not (isinstance(item, str) or is_unknown(item)):
                self.fail(f"{field}[{key!r}]", item, "a string")
