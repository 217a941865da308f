"""invoke_once: each distinct data-source question is asked once per program run."""

import pulumi
import pulumi_aws as aws
import pytest

from immutable_components import _invoke
from immutable_components._invoke import canonical, invoke_once
from immutable_components.testing import mocked

GET_REGION = "aws:index/getRegion:getRegion"
GET_SUBNET = "aws:ec2/getSubnet:getSubnet"
GET_AMI_IDS = "aws:ec2/getAmiIds:getAmiIds"
SUBNET = "subnet-0123456789abcdef0"


def asked(run, token):
    return [c for c in run.mocks.invoke_calls if c.token == token]


class Box(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("test:index:Box", name, None, opts)


def test_the_same_question_is_asked_once_and_answered_with_the_same_output():
    with mocked() as run:
        a = invoke_once(aws.get_region_output)
        b = invoke_once(aws.get_region_output, parent=Box("box"))
        assert a is b
        assert run.resolve(a.region) == "us-east-1"
    assert len(asked(run, GET_REGION)) == 1
    assert run.mocks.repeated_invokes() == {}


def test_arguments_are_compared_by_value():
    with mocked() as run:
        filters = [{"name": "tag:BuildHash", "values": ["abc"]}]
        first = invoke_once(aws.ec2.get_ami_ids, owners=["self"], filters=filters)
        reordered = [{"values": ["abc"], "name": "tag:BuildHash"}]
        same = invoke_once(aws.ec2.get_ami_ids, owners=("self",), filters=reordered)
        other = invoke_once(aws.ec2.get_ami_ids, owners=["self"], filters=[], region="us-west-2")
        # None is an absent argument: the same question
        absent = invoke_once(aws.ec2.get_ami_ids, owners=["self"], filters=filters, region=None)
        assert first is same is absent
        assert other is not first
    assert len(asked(run, GET_AMI_IDS)) == 2


def test_the_plain_and_the_output_form_are_two_questions():
    with mocked() as run:
        plain = invoke_once(aws.get_region)
        output = invoke_once(aws.get_region_output)
        assert plain.region == "us-east-1"
        assert isinstance(output, pulumi.Output)
        assert invoke_once(aws.get_region) is plain
    assert len(asked(run, GET_REGION)) == 2


def test_each_provider_is_asked_its_own_question():
    with mocked() as run:
        west = aws.Provider("west", region="us-west-2")
        default = invoke_once(aws.get_region_output)
        explicit = invoke_once(aws.get_region_output, provider=west)
        # a parent given the provider asks the provider's question, not the default's
        inherited = invoke_once(
            aws.get_region_output, parent=Box("box", pulumi.ResourceOptions(providers=[west]))
        )
        assert explicit is inherited and explicit is not default
        assert run.resolve(explicit.region) == "us-west-2"
        assert run.resolve(default.region) == "us-east-1"
    calls = asked(run, GET_REGION)
    assert len(calls) == 2
    assert sorted(bool(c.provider) for c in calls) == [False, True]


def test_output_arguments_are_compared_by_their_value_and_keep_their_dependencies():
    with mocked() as run:
        subnet = aws.ec2.Subnet("s", vpc_id="vpc-1", cidr_block="10.0.0.0/24")
        # two different Outputs of one value, and the plain value: one question
        a = invoke_once(aws.ec2.get_subnet_output, id=subnet.id)
        b = invoke_once(aws.ec2.get_subnet_output, id=subnet.id.apply(str))
        sg_a = aws.ec2.SecurityGroup("a", vpc_id=a.vpc_id)
        sg_b = aws.ec2.SecurityGroup("b", vpc_id=b.vpc_id)
        run.settle()
        plain = invoke_once(aws.ec2.get_subnet_output, id=run.resolve(subnet.id))
        assert run.resolve(plain.vpc_id) == run.resolve(a.vpc_id) == run.resolve(b.vpc_id)
        del sg_a, sg_b
    assert len(asked(run, GET_SUBNET)) == 1
    # the answer depends on the subnet, as the direct invoke's does
    subnet_urn = run.one("aws:ec2/subnet:Subnet").urn
    for name in ("a", "b"):
        assert run.one("aws:ec2/securityGroup:SecurityGroup", name).dependencies == [subnet_urn]


def test_an_argument_that_is_not_data_is_asked_each_time():
    class Opaque:
        pass

    assert canonical({"x": Opaque()}) is None
    assert canonical({"x": [pulumi.Output.from_input("a")]}) is None
    assert canonical({"x": {1: "a"}}) is None
    with mocked() as run:
        # the plain form cannot wait for an Output: asked each time
        first = invoke_once(aws.get_region, id=pulumi.Output.from_input("x").apply(str))
        second = invoke_once(aws.get_region, id=pulumi.Output.from_input("x").apply(str))
        assert first is not second
    assert len(asked(run, GET_REGION)) == 2


def test_canonical_arguments():
    assert canonical({"b": 1, "a": (True, None), "c": None}) == '{"a":[true,null],"b":1}'
    assert canonical({}) == "{}"


def test_nothing_is_shared_between_program_runs():
    for _ in range(2):
        with mocked() as run:
            invoke_once(aws.get_region_output)
            invoke_once(aws.get_region_output)
        assert len(asked(run, GET_REGION)) == 1


def test_without_a_root_stack_nothing_is_shared(monkeypatch):
    with mocked() as run:
        monkeypatch.setattr(_invoke, "get_root_resource", lambda: None)
        assert invoke_once(aws.get_region_output) is not invoke_once(aws.get_region_output)
    assert len(asked(run, GET_REGION)) == 2


@pytest.mark.parametrize(
    ("fn", "package"),
    [(aws.get_region_output, "aws"), (lambda: None, "tests")],
)
def test_the_provider_package_comes_from_the_sdk_module(fn, package):
    assert _invoke._package(fn) == package
