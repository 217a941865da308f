"""BlueGreenService through the component provider: its schema, and construction from the
camelCase dicts another language's program sends."""

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pulumi.provider.server import ComponentInitError

from immutable_components import (
    BlueGreenColor,
    BlueGreenFleet,
    BlueGreenService,
    BlueGreenServiceArgs,
    EbsVolume,
    ExistingLoadBalancer,
    HealthCheck,
    InstanceMaintenancePolicy,
    RefreshPreferences,
)
from immutable_components._records import Record
from immutable_components.errors import ComponentInputError
from immutable_components.testing import mocked

from .._provider import construct, schema

TOKEN = "immutable:index:BlueGreenService"
VPC = "vpc-0123456789abcdef0"
LB_SUBNETS = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
FLEET_SUBNETS = ["subnet-0123456789abcdef2", "subnet-0123456789abcdef3"]
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
BLUE_AMI, GREEN_AMI = "ami-0123456789abcdef0", "ami-0fedcba9876543210"
ROLE = "arn:aws:iam::123456789012:role/deployer"


@pytest.fixture(scope="module")
def service_schema() -> Iterator[dict[str, Any]]:
    """The schema the analyzer infers. Until the release package's nested records (EbsVolume,
    RefreshPreferences, InstanceMaintenancePolicy) are Records with real annotations, their
    string annotations are evaluated for the analyzer here; once they are, this does
    nothing."""
    patched: dict[type, dict[str, Any]] = {}
    for cls in (EbsVolume, RefreshPreferences, InstanceMaintenancePolicy):
        annotations = inspect.get_annotations(cls)
        if any(isinstance(v, str) for v in annotations.values()):
            patched[cls] = annotations
            cls.__annotations__ = inspect.get_annotations(cls, eval_str=True)
    try:
        yield schema(BlueGreenService)
    finally:
        for cls, annotations in patched.items():
            cls.__annotations__ = annotations


def test_the_service_records_are_analyzable_records():
    for cls in (BlueGreenServiceArgs, BlueGreenColor, BlueGreenFleet, HealthCheck):
        assert issubclass(cls, Record)
        assert not any(isinstance(v, str) for v in inspect.get_annotations(cls).values())


def test_token_and_required_inputs(service_schema):
    resource = service_schema["resources"][TOKEN]
    assert resource["isComponent"] is True
    assert sorted(resource["requiredInputs"]) == [
        "blue",
        "fleetSubnetIds",
        "green",
        "ingressCidrs",
        "vpcId",
    ]
    inputs = resource["inputProperties"]
    assert len(inputs) == 28
    assert all(inputs[name]["description"] for name in inputs)
    assert inputs["live"]["description"].startswith("The colour that takes the traffic")
    types = service_schema["types"]
    assert types["immutable:index:BlueGreenColor"]["required"] == ["imageId"]
    assert sorted(types["immutable:index:ExistingLoadBalancer"]["required"]) == [
        "arn",
        "dnsName",
        "securityGroupId",
    ]
    for name in ("HealthCheck", "BlueGreenFleet"):
        assert "required" not in types[f"immutable:index:{name}"], name


def test_ids_and_arns_can_come_from_other_resources(service_schema):
    inputs = service_schema["resources"][TOKEN]["inputProperties"]
    types = service_schema["types"]
    for name in ("vpcId", "certificateArn", "accessLogsBucket"):
        assert "plain" not in inputs[name], name
    for name in ("fleetSubnetIds", "loadBalancerSubnetIds"):
        assert "plain" not in inputs[name]["items"], name
    assert "plain" not in inputs["tags"]["additionalProperties"]
    color = types["immutable:index:BlueGreenColor"]["properties"]
    assert "plain" not in color["imageId"] and "plain" not in color["imageBuildHash"]
    existing = types["immutable:index:ExistingLoadBalancer"]["properties"]
    assert all("plain" not in existing[name] for name in ("arn", "securityGroupId", "dnsName"))
    fleet = types["immutable:index:BlueGreenFleet"]["properties"]
    for name in ("instanceProfileName", "refreshRoleArn"):
        assert "plain" not in fleet[name], name
    assert "plain" not in fleet["rolePolicyArns"]["items"]
    assert "plain" not in fleet["settings"]["additionalProperties"]
    assert fleet["extraVolumes"]["items"]["$ref"] == "#/types/immutable:index:EbsVolume"
    assert fleet["refresh"]["$ref"] == "#/types/immutable:index:RefreshPreferences"


def test_the_outputs_are_described(service_schema):
    resource = service_schema["resources"][TOKEN]
    assert set(resource["properties"]) == {
        "loadBalancerArn",
        "loadBalancerDnsName",
        "loadBalancerSecurityGroupId",
        "fleetSecurityGroupId",
        "listenerArn",
        "liveColor",
        "blueTargetGroupArn",
        "greenTargetGroupArn",
        "blueAutoScalingGroupName",
        "greenAutoScalingGroupName",
        "blueLaunchTemplateVersion",
        "greenLaunchTemplateVersion",
    }
    assert all(p["description"] for p in resource["properties"].values())
    assert resource["properties"]["blueLaunchTemplateVersion"]["type"] == "integer"


# --------------------------------------------------------------------------------------
# Construction through the provider

CAMEL = {
    "vpcId": VPC,
    "loadBalancerSubnetIds": LB_SUBNETS,
    "fleetSubnetIds": FLEET_SUBNETS,
    "blue": {"imageId": BLUE_AMI, "imageBuildHash": "b" * 64, "version": "1.0.0"},
    "green": {"imageId": GREEN_AMI, "version": "1.1.0"},
    "ingressCidrs": ["0.0.0.0/0"],
    "live": "green",
    "canaryWeight": 10,
    "certificateArn": CERT,
    "healthCheck": {"path": "/ready", "matcher": "200-299"},
    "minSize": 3,
    "maxSize": 4,
    "healthGateTimeout": "20m",
    "fleetEgressCidrs": ["10.0.0.0/16"],
    "accessLogsBucket": "web-logs",
    "deletionProtection": False,
    "fleet": {
        "settings": {"APP_MESSAGE": "hello"},
        "secrets": {"DB_PASSWORD": "ssm:/web/db"},
        "restartServices": ["app.service"],
        "detailedMonitoring": True,
        "refreshRoleArn": ROLE,
    },
    "tags": {"Team": "web"},
}

PYTHON = BlueGreenServiceArgs(
    vpc_id=VPC,
    load_balancer_subnet_ids=LB_SUBNETS,
    fleet_subnet_ids=FLEET_SUBNETS,
    blue=BlueGreenColor(image_id=BLUE_AMI, image_build_hash="b" * 64, version="1.0.0"),
    green=BlueGreenColor(image_id=GREEN_AMI, version="1.1.0"),
    ingress_cidrs=["0.0.0.0/0"],
    live="green",
    canary_weight=10,
    certificate_arn=CERT,
    health_check=HealthCheck(path="/ready", matcher="200-299"),
    min_size=3,
    max_size=4,
    health_gate_timeout="20m",
    fleet_egress_cidrs=["10.0.0.0/16"],
    access_logs_bucket="web-logs",
    deletion_protection=False,
    fleet=BlueGreenFleet(
        settings={"APP_MESSAGE": "hello"},
        secrets={"DB_PASSWORD": "ssm:/web/db"},
        restart_services=["app.service"],
        detailed_monitoring=True,
        refresh_role_arn=ROLE,
    ),
    tags={"Team": "web"},
)


def _plan(make: Callable[[], object]) -> list[dict[str, Any]]:
    with mocked() as run:
        make()
        run.settle()
        return [r.to_plan() for r in run.resources]


def test_construct_from_camel_case_dicts_gives_the_python_calls_resources():
    python = _plan(lambda: BlueGreenService("web", PYTHON))
    provided = _plan(lambda: construct(BlueGreenService, "web", CAMEL))
    assert len(python) > 20
    assert [(r["type"], r["name"]) for r in provided] == [(r["type"], r["name"]) for r in python]
    assert provided == python


def test_construct_with_an_existing_load_balancer_and_defaults():
    existing = {
        "arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/0123abcd",
        "securityGroupId": "sg-0123456789abcdef0",
        "dnsName": "x.example.com",
    }
    camel = {
        "vpcId": VPC,
        "fleetSubnetIds": FLEET_SUBNETS,
        "blue": {"imageId": BLUE_AMI},
        "green": {"imageId": GREEN_AMI},
        "ingressCidrs": ["10.0.0.0/8"],
        "loadBalancer": existing,
    }
    python = BlueGreenServiceArgs(
        vpc_id=VPC,
        fleet_subnet_ids=FLEET_SUBNETS,
        blue=BlueGreenColor(image_id=BLUE_AMI),
        green=BlueGreenColor(image_id=GREEN_AMI),
        ingress_cidrs=["10.0.0.0/8"],
        load_balancer=ExistingLoadBalancer(
            arn=existing["arn"],
            security_group_id=existing["securityGroupId"],
            dns_name=existing["dnsName"],
        ),
    )
    assert _plan(lambda: construct(BlueGreenService, "web", camel)) == _plan(
        lambda: BlueGreenService("web", python)
    )


def test_a_snake_case_mapping_is_built_and_checked_as_a_record_is():
    """The provider's own path aside, ``args`` may be a mapping of field names."""
    mapping = {
        "vpc_id": VPC,
        "load_balancer_subnet_ids": LB_SUBNETS,
        "fleet_subnet_ids": FLEET_SUBNETS,
        "blue": {"image_id": BLUE_AMI},
        "green": {"image_id": GREEN_AMI},
        "ingress_cidrs": ["0.0.0.0/0"],
    }
    record = BlueGreenServiceArgs(
        vpc_id=VPC,
        load_balancer_subnet_ids=LB_SUBNETS,
        fleet_subnet_ids=FLEET_SUBNETS,
        blue=BlueGreenColor(image_id=BLUE_AMI),
        green=BlueGreenColor(image_id=GREEN_AMI),
        ingress_cidrs=["0.0.0.0/0"],
    )
    assert _plan(lambda: BlueGreenService("web", mapping)) == _plan(  # type: ignore[arg-type]
        lambda: BlueGreenService("web", record)
    )


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        ({"fleet": {"settings": {"not a name": "x"}}}, "fleet.settings key"),
        ({"fleet": {"minSize": 1}}, None),  # not in the schema: the analyzer drops it
        ({"blue": {"imageId": "ubuntu"}}, "blue.image_id"),
        ({"healthGateTimeout": "0s"}, "health_gate_timeout"),
        ({"loadBalancerSubnetIds": [LB_SUBNETS[0], None]}, "load_balancer_subnet_ids[1]"),
    ],
)
def test_a_bad_input_through_the_provider_fails_naming_the_field(inputs, field):
    camel = {**CAMEL, **inputs}
    with mocked() as run:
        if field is None:
            construct(BlueGreenService, "web", camel)
            assert run.resources
            return
        with pytest.raises(ComponentInitError) as caught:
            construct(BlueGreenService, "web", camel)
        error = caught.value.inner
        assert isinstance(error, ComponentInputError)
        assert error.field == field
        assert error.component == "BlueGreenService 'web'"
        assert run.resources == []
