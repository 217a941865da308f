"""The shared construction-time checks and the error type."""

from __future__ import annotations

import warnings

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


def test_regions_are_botocores_in_every_partition():
    for region in ("us-east-1", "cn-north-1", "us-gov-west-1", "eusc-de-east-1", "mx-central-1"):
        check.aws_region("r", region)
    # Well-formed but unknown, a zone, a typo'd partition: refused, naming the field.
    for bad in ("eu-west-9", "us-east-1a", "us-gov-east-3", "useast1", None):
        with pytest.raises(ComponentInputError) as info:
            check.aws_region("r", bad)
        assert (info.value.field, info.value.value) == ("r", bad)


def test_reference_data_is_read_on_first_use_only():
    import subprocess
    import sys

    program = (
        "import sys\n"
        "import immutable_components._validate as v\n"
        "assert v.aws_regions.cache_info().currsize == 0\n"
        "assert v.ec2_instance_types.cache_info().currsize == 0\n"
        "v.Check('T', 't').instance_type('f', 't3.micro')\n"
        "assert v.ec2_instance_types.cache_info().currsize == 1\n"
        "assert 'pulumi_aws.ec2._enums' not in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_instance_types_newer_than_the_sdk_warn_malformed_ones_fail():
    from immutable_components._validate import ComponentInputWarning, ec2_instance_types

    known = ec2_instance_types()
    assert {"t3.micro", "m7g.2xlarge", "c7i-flex.large"} <= known
    assert len(known) > 500
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check.instance_type("f", "t3.micro")  # known: no warning
    with pytest.warns(ComponentInputWarning, match=r"Thing 't': `f` = 'zz9\.large'.*family"):
        check.instance_type("f", "zz9.large")
    with pytest.warns(ComponentInputWarning, match=r"t3 family has no size 'mega'"):
        check.instance_type("f", "t3.mega")
    with pytest.raises(ComponentInputError):
        check.instance_type("f", "t3-micro")


def test_iam_policy_arns_the_accounts_and_awss():
    for good in (
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        "arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM",
        "arn:aws-cn:iam::aws:policy/ReadOnlyAccess",
        "arn:aws:iam::123456789012:policy/team/app-extra",
    ):
        check.iam_policy_arn("p", good)
    for bad in (
        "arn:aws:iam::123456789012:role/app",  # a role, not a policy
        "arn:aws:iam::amazon:policy/X",
        "arn:aws:s3:::bucket",
        "AmazonSSMManagedInstanceCore",
        None,
    ):
        with pytest.raises(ComponentInputError) as info:
            check.iam_policy_arn("p", bad)
        assert info.value.field == "p"


def test_none_where_a_collection_or_an_item_is_expected_names_the_field():
    check.present("l", [])
    with pytest.raises(ComponentInputError, match=r"`l` = None is not accepted: a list, not None"):
        check.present("l", None)
    check.items_present("l", ["a", pulumi.Output.from_input(None)])
    with pytest.raises(ComponentInputError) as info:
        check.items_present("l", ["a", None])
    assert info.value.field == "l[1]"
    with pytest.raises(ComponentInputError) as info:
        check.items_present("m", {"k": None})
    assert info.value.field == "m['k']"
