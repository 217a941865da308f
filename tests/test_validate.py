"""The shared construction-time checks and the error type."""

from __future__ import annotations

import pulumi
import pytest

from immutable_components._validate import Check
from immutable_components.errors import ComponentInputError

check = Check("Thing", "t")


def test_error_names_component_field_value_and_what_is_accepted():
    with pytest.raises(ComponentInputError) as info:
        check.instance_type("size", "huge")
    err = info.value
    assert isinstance(err, ValueError)
    assert (err.component, err.field, err.value) == ("Thing 't'", "size", "huge")
    assert str(err) == (
        "Thing 't': `size` = 'huge' is not accepted: an EC2 instance type such as "
        "'t3.micro' or 'm7g.2xlarge'"
    )


@pytest.mark.parametrize(
    ("method", "good", "bad"),
    [
        (
            "ami_id",
            ["ami-12345678", "ami-0123456789abcdef0"],
            ["ami-1", "AMI-12345678", "ami-0123456789abcdef"],
        ),
        (
            "instance_type",
            ["t3.micro", "m7g.2xlarge", "u-6tb1.metal", "c7i-flex.large"],
            ["t3", "t3.", ".micro", "T3.micro"],
        ),
        (
            "subnet_id",
            ["subnet-12345678", "subnet-0123456789abcdef0"],
            ["subnet-xyz", "sn-12345678"],
        ),
        ("security_group_id", ["sg-12345678"], ["sg-1", "group"]),
        ("vpc_id", ["vpc-0123456789abcdef0"], ["vpc-", "vpc-zz"]),
        (
            "aws_region",
            ["us-east-1", "eu-central-2", "us-gov-west-1", "ap-southeast-4"],
            ["us-east", "useast1", "US-EAST-1"],
        ),
        ("account_id", ["123456789012"], ["12345678901", "abcdefghijkl"]),
        (
            "kms_key",
            [
                "alias/images",
                "11111111-2222-3333-4444-555555555555",
                "arn:aws:kms:us-east-1:123456789012:key/abc",
            ],
            ["images", "arn:aws:s3:::b"],
        ),
        (
            "cidr",
            ["10.0.0.0/8", "203.0.113.7/32", "2001:db8::/64"],
            ["10.0.0.1/8", "10.0.0.0/33", "x", None],
        ),
        ("non_empty_str", ["a"], ["", "  ", None, 3]),
    ],
)
def test_pattern_checks(method, good, bad):
    for value in good:
        getattr(check, method)("f", value)
    for value in bad:
        with pytest.raises(ComponentInputError, match="`f`"):
            getattr(check, method)("f", value)


def test_unknown_values_are_skipped():
    unknown = pulumi.Output.from_input("not checked")
    for method in ("ami_id", "instance_type", "cidr", "aws_region", "non_empty_str"):
        getattr(check, method)("f", unknown)
    check.int_range("f", unknown, 0, 1)
    check.one_of("f", unknown, ["a"])


def test_ranges_choices_lists_and_maps():
    check.int_range("n", 5, 1, 10)
    for bad in (0, 11, True, 2.5, "3"):
        with pytest.raises(ComponentInputError, match="`n`"):
            check.int_range("n", bad, 1, 10)
    with pytest.raises(ComponentInputError, match=">= 1"):
        check.int_range("n", 0, 1)
    check.one_of("c", "blue", ["blue", "green"])
    with pytest.raises(ComponentInputError, match="one of 'blue', 'green'"):
        check.one_of("c", "red", ["blue", "green"])
    assert check.non_empty_list("l", [1]) == [1]
    for bad in ([], "abc", None):
        with pytest.raises(ComponentInputError, match="`l`"):
            check.non_empty_list("l", bad)
    check.string_map("m", {"a": "b"})
    with pytest.raises(ComponentInputError, match=r"m\['a'\]"):
        check.string_map("m", {"a": 1})
    with pytest.raises(ComponentInputError, match="m key"):
        check.string_map("m", {"": "x"})


def test_arn_service():
    check.arn("a", "arn:aws:acm:us-east-1:123456789012:certificate/abc", service="acm")
    with pytest.raises(ComponentInputError, match="acm"):
        check.arn("a", "arn:aws:iam::123456789012:role/x", service="acm")
    with pytest.raises(ComponentInputError, match="an ARN"):
        check.arn("a", "not-an-arn")
