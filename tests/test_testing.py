"""The recording mocks themselves: what users' own stack tests rely on."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest

from immutable_components.testing import (
    RecordingMocks,
    UnmockedInvokeError,
    hex_id,
    mocked,
)


def test_records_inputs_parent_dependencies_and_options(pulumi_mocks):
    class Box(pulumi.ComponentResource):
        def __init__(self, name: str) -> None:
            super().__init__("test:index:Box", name)
            self.sg = aws.ec2.SecurityGroup(f"{name}-sg", opts=pulumi.ResourceOptions(parent=self))
            aws.ec2.Instance(
                f"{name}-vm",
                ami="ami-0123456789abcdef0",
                instance_type="t3.micro",
                vpc_security_group_ids=[self.sg.id],
                opts=pulumi.ResourceOptions(
                    parent=self,
                    ignore_changes=["ami"],
                    replace_on_changes=["instanceType"],
                    delete_before_replace=True,
                    retain_on_delete=True,
                    protect=True,
                    deleted_with=self.sg,
                    custom_timeouts=pulumi.CustomTimeouts(create="5m"),
                ),
            )

    Box("b")
    box = pulumi_mocks.one("test:index:Box")
    sg = pulumi_mocks.one("aws:ec2/securityGroup:SecurityGroup")
    vm = pulumi_mocks.one("aws:ec2/instance:Instance")
    assert [r.name for r in pulumi_mocks.resources] == ["b", "b-sg", "b-vm"]
    assert vm.parent == box.urn and sg.parent == box.urn
    assert box.custom is False and vm.custom is True
    assert vm.dependencies == [sg.urn]
    assert vm.inputs["vpcSecurityGroupIds"] == [f"sg-{hex_id(sg.type, sg.name)}"]
    assert vm.options == {
        "ignoreChanges": ["ami"],
        "replaceOnChanges": ["instanceType"],
        "deleteBeforeReplace": True,
        "retainOnDelete": True,
        "deletedWith": sg.urn,
        "customTimeouts": {"create": "5m"},
        "protect": True,
        "additionalSecretOutputs": [],
        "replaceWith": [],
    }


def test_outputs_are_realistic_and_deterministic():
    def ids() -> tuple[str, str, str, int]:
        with mocked() as run:
            vm = aws.ec2.Instance("vm", ami="ami-0123456789abcdef0", instance_type="t3.micro")
            lt = aws.ec2.LaunchTemplate("lt", image_id="ami-0123456789abcdef0")
            role = aws.iam.Role("role", assume_role_policy="{}")
            return (
                run.resolve(vm.id),
                run.resolve(vm.arn),
                run.resolve(role.arn),
                run.resolve(lt.latest_version),
            )

    first = ids()
    assert first == ids()
    vm_id, vm_arn, role_arn, version = first
    assert vm_id.startswith("i-") and len(vm_id) == 19
    assert vm_arn == f"arn:aws:ec2:us-east-1:123456789012:instance/{vm_id}"
    assert role_arn.startswith("arn:aws:iam::123456789012:role/role-")
    assert version == 1


def test_secrets_are_masked_and_can_be_revealed(pulumi_mocks):
    aws.ssm.Parameter("p", type="SecureString", value=pulumi.Output.secret("hunter2"))
    param = pulumi_mocks.one("aws:ssm/parameter:Parameter")
    assert param.inputs["value"] == "[secret]"
    assert param.revealed["value"] == "hunter2"


def test_unknown_invoke_fails_the_program_loudly():
    with (
        pytest.raises(
            Exception, match="no mock for invoke 'aws:ec2/getVpcEndpoint:getVpcEndpoint'"
        ),
        mocked(),
    ):
        aws.ec2.get_vpc_endpoint(service_name="com.amazonaws.us-east-1.s3")


def test_invokes_and_resources_can_be_taught():
    mocks = RecordingMocks()
    mocks.register_invoke("aws:ec2/getVpc:getVpc", lambda c: {"id": "vpc-1", "cidrBlock": "x"})
    result = mocks.call(pulumi.runtime.MockCallArgs("aws:ec2/getVpc:getVpc", {}, ""))
    assert result["id"] == "vpc-1"
    mocks.register_resource("test:index:Thing", lambda c: (f"thing-{c.hex[:4]}", {"x": 1}))
    rid, state = mocks.new_resource(
        pulumi.runtime.MockResourceArgs("test:index:Thing", "t", {}, "", "", True)
    )
    assert rid == f"thing-{hex_id('test:index:Thing', 't')[:4]}"
    assert state == {"x": 1}
    with pytest.raises(UnmockedInvokeError):
        RecordingMocks().call(pulumi.runtime.MockCallArgs("x:y:z", {}, ""))


def test_preview_leaves_ids_and_computed_outputs_unknown():
    with mocked(preview=True) as run:
        vm = aws.ec2.Instance("vm", ami="ami-0123456789abcdef0", instance_type="t3.micro")
        aws.ec2.Tag("t", resource_id=vm.id, key="k", value="v")
        assert run.one("aws:ec2/tag:Tag").inputs["resourceId"] == "[unknown]"


def test_each_test_gets_a_fresh_runtime(pulumi_mocks):
    assert pulumi_mocks.resources == []
    aws.ec2.SecurityGroup("only-this-one")
    assert len(pulumi_mocks.resources) == 1


def test_each_test_gets_a_fresh_runtime_again(pulumi_mocks):
    test_each_test_gets_a_fresh_runtime(pulumi_mocks)


def test_gcp_ids_use_the_stacks_project_unless_the_resource_names_one():
    mocks = RecordingMocks(gcp_project="stack-project")
    args = pulumi.runtime.MockResourceArgs
    _, state = mocks.new_resource(
        args("gcp:compute/image:Image", "img", {"name": "x"}, "", "", True)
    )
    assert state["selfLink"] == (
        "https://www.googleapis.com/compute/v1/projects/stack-project/global/images/x"
    )
    _, state = mocks.new_resource(
        args("gcp:compute/image:Image", "img", {"name": "x", "project": "own"}, "", "", True)
    )
    assert state["selfLink"].endswith("/projects/own/global/images/x")


def test_invokes_are_recorded_with_their_provider_and_repeats_are_counted():
    with mocked() as run:
        west = aws.Provider("west", region="us-west-2")
        aws.get_region()
        aws.get_region()
        aws.get_region(opts=pulumi.InvokeOptions(provider=west))
    calls = run.mocks.invoke_calls
    assert [c.token for c in calls] == ["aws:index/getRegion:getRegion"] * 3
    assert calls[0].provider == "" and calls[2].provider.endswith("::west-provider-id")
    assert run.mocks.invokes == [(c.token, c.args) for c in calls]
    assert run.mocks.repeated_invokes() == {("aws:index/getRegion:getRegion", "{}", ""): 2}


def test_the_pytest_plugin_is_its_own_module_and_the_entry_point_names_it():
    from pathlib import Path

    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    from immutable_components import testing
    from immutable_components.testing import _pytest_plugin

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    plugins = pyproject["project"]["entry-points"]["pytest11"]
    assert plugins == {"immutable_components": "immutable_components.testing._pytest_plugin"}
    assert testing.pulumi_mocks is _pytest_plugin.pulumi_mocks
    assert "pulumi_mocks" not in testing.__all__  # a star import never imports pytest
