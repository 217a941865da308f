"""Construction-time checks shared by every component.

A :class:`Check` is bound to one component instance and raises
:class:`~immutable_components.errors.ComponentInputError` naming it. Every check skips
values that are not known yet (``pulumi.Output`` or other awaitables): those are the
provider's to reject.

Risky or unverifiable-but-legal input (an instance type newer than the provider SDK's
enum) gets a :class:`ComponentInputWarning` instead, through :meth:`Check.warn`.
The reference data (botocore's endpoint data, the AWS SDK's ``InstanceType`` enum) is read
on first use, never at import.
"""

from __future__ import annotations

import functools
import importlib.util
import ipaddress
import json
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

import pulumi

from ._patterns import (
    ACCOUNT_ID,
    AMI_ID,
    ARN,
    AWS_REGION,
    IAM_POLICY_ARN,
    INSTANCE_TYPE,
    KMS_KEY,
    SECURITY_GROUP_ID,
    SUBNET_ID,
    VPC_ID,
)
from .errors import ComponentInputError


class ComponentInputWarning(UserWarning):
    """An input the cloud may accept but the library cannot confirm, or a risky one."""


def is_unknown(value: Any) -> bool:
    """True for values only the engine can know (Outputs and other awaitables)."""
    return isinstance(value, pulumi.Output) or hasattr(value, "__await__")


class Check:
    """Validation bound to one component instance, e.g. ``Check("GoldenImage", "base")``."""

    def __init__(self, component: str, name: str) -> None:
        self.label = f"{component} {name!r}"

    def fail(self, field: str, value: Any, accepted: str) -> NoReturn:
        raise ComponentInputError(self.label, field, value, accepted)

    def warn(self, field: str, value: Any, note: str) -> None:
        """A :class:`ComponentInputWarning` naming the component, field and value."""
        warnings.warn(
            f"{self.label}: `{field}` = {value!r}: {note}", ComponentInputWarning, stacklevel=3
        )

    def present(self, field: str, value: Any, accepted: str = "a list") -> None:
        """``None`` where a value (a collection) is required fails naming the field."""
        if value is None:
            self.fail(field, value, f"{accepted}, not None")

    def items_present(self, field: str, value: Any) -> None:
        """No ``None`` inside a list or as a mapping's value (names ``field[i]``/``[key]``)."""
        if value is None or is_unknown(value) or isinstance(value, (str, bytes)):
            return
        if isinstance(value, Mapping):
            for key, item in value.items():
                if item is None:
                    self.fail(f"{field}[{key!r}]", None, "a value, not None")
        elif isinstance(value, Sequence):
            for index, item in enumerate(value):
                if item is None:
                    self.fail(f"{field}[{index}]", None, "a value, not None")

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
        """The shape ``family.size`` (else an error); a type missing from the AWS provider
        SDK's ``InstanceType`` enum gets a warning (it may be newer than the SDK)."""
        self.matches(
            field, value, INSTANCE_TYPE, "an EC2 instance type such as 't3.micro' or 'm7g.2xlarge'"
        )
        if is_unknown(value):
            return
        known = ec2_instance_types()
        if not known or value in known:
            return
        family = value.split(".", 1)[0]
        if family in {item.split(".", 1)[0] for item in known}:
            note = f"the {family} family has no size {value.split('.', 1)[1]!r} in the AWS SDK"
        else:
            note = f"no instance family {family!r} in the AWS SDK"
        self.warn(field, value, note + " (a type newer than the SDK, or a typo?)")

    def subnet_id(self, field: str, value: Any) -> None:
        self.matches(field, value, SUBNET_ID, "a subnet id: 'subnet-' and 8 or 17 hex digits")

    def security_group_id(self, field: str, value: Any) -> None:
        self.matches(
            field, value, SECURITY_GROUP_ID, "a security group id: 'sg-' and 8 or 17 hex digits"
        )

    def vpc_id(self, field: str, value: Any) -> None:
        self.matches(field, value, VPC_ID, "a VPC id: 'vpc-' and 8 or 17 hex digits")

    def aws_region(self, field: str, value: Any) -> None:
        """A region of botocore's endpoint data (every partition: aws, aws-cn, aws-us-gov...)."""
        if is_unknown(value):
            return
        regions = aws_regions()  # empty without botocore's data: then the shape decides
        if not isinstance(value, str) or not (
            value in regions if regions else AWS_REGION.match(value)
        ):
            self.fail(field, value, "an AWS region such as 'us-east-1' (botocore's endpoint data)")

    def account_id(self, field: str, value: Any) -> None:
        self.matches(field, value, ACCOUNT_ID, "a 12-digit AWS account id")

    def arn(self, field: str, value: Any, service: str | None = None) -> None:
        accepted = f"an ARN of the {service} service" if service else "an ARN"
        self.matches(field, value, ARN, accepted)
        if service and isinstance(value, str) and value.split(":")[2] != service:
            self.fail(field, value, accepted)

    def iam_policy_arn(self, field: str, value: Any) -> None:
        """A managed policy: the account's (``arn:aws:iam::<account>:policy/...``) or AWS's
        (``arn:aws:iam::aws:policy/...``)."""
        self.matches(
            field,
            value,
            IAM_POLICY_ARN,
            "an IAM managed policy ARN, 'arn:aws:iam::<account id>:policy/<name>' or "
            "AWS's 'arn:aws:iam::aws:policy/<name>'",
        )

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


@functools.cache
def aws_regions() -> frozenset[str]:
    """Every region of botocore's endpoint data, all partitions (read on first use, from the
    data file: importing botocore is the rollout's cost, not a construction check's). Empty
    when botocore is not installed."""
    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "endpoints.json"
    try:
        partitions = json.loads(path.read_text())["partitions"]
    except (OSError, ValueError, KeyError):
        return frozenset()
    return frozenset(region for partition in partitions for region in partition["regions"])


_ENUM_VALUE = re.compile(r'^    [A-Z0-9_]+ = "([^"]+)"$', re.M)


@functools.cache
def ec2_instance_types() -> frozenset[str]:
    """The AWS provider SDK's ``ec2.InstanceType`` values, read from its source file (importing
    ``pulumi_aws.ec2`` loads some 180 modules). Empty when the SDK is not installed."""
    spec = importlib.util.find_spec("pulumi_aws")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    path = Path(next(iter(spec.submodule_search_locations))) / "ec2" / "_enums.py"
    try:
        text = path.read_text()
    except OSError:
        return frozenset()
    start = text.find("class InstanceType(")
    if start < 0:
        return frozenset()
    end = text.find("\nclass ", start + 1)
    block = text[start : end if end > 0 else None]
    return frozenset(_ENUM_VALUE.findall(block))
