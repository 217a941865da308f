"""GoldenImage through Pulumi's component provider, as another language uses it: the schema
the analyzer infers, and ``construct`` with the camelCase dict another language sends, which
must register exactly what the Python call registers (layering included: a parent passed as
its image id and build hash)."""

import pytest
from pulumi.provider.server import ComponentInitError

from immutable_components import (
    AwsBuilder,
    ComponentInputError,
    GoldenImage,
    GoldenImageArgs,
    ImageTest,
    ParentImage,
    RunCommands,
)
from immutable_components.testing import mocked

from ._provider import construct, registered, schema

TOKEN = "immutable:index:GoldenImage"
SUBNET = "subnet-0123456789abcdef0"
AMI = "ami-0123456789abcdef0"
PARENT_HASH = "c" * 64


def test_schema_inputs_outputs_and_types():
    generated = schema(GoldenImage)
    resource = generated["resources"][TOKEN]
    assert resource["isComponent"] is True
    assert resource["requiredInputs"] == ["provisioners"]
    inputs = resource["inputProperties"]
    assert set(inputs) == {
        "aws",
        "azure",
        "channel",
        "description",
        "gcp",
        "gitCommit",
        "namePrefix",
        "provisioners",
        "tags",
        "test",
        "version",
    }
    assert inputs["aws"]["$ref"] == "#/types/immutable:index:AwsBuilder"
    assert inputs["gcp"]["$ref"] == "#/types/immutable:index:GcpBuilder"
    assert inputs["azure"]["$ref"] == "#/types/immutable:index:AzureBuilder"
    assert inputs["provisioners"]["items"]["$ref"] == "#/types/immutable:index:Provisioner"
    types = generated["types"]
    kinds = [e["value"] for e in types["immutable:index:ProvisionerKind"]["enum"]]
    assert kinds == ["upload_file", "upload_directory", "run_script", "run_commands"]
    assert types["immutable:index:Provisioner"]["required"] == ["kind"]
    builder = types["immutable:index:AwsBuilder"]
    assert sorted(builder["required"]) == ["sshCidrs", "subnetId"]
    for name in ("subnetId", "sourceImageId"):  # ids another resource's outputs may give
        assert builder["properties"][name]["type"] == "string"
        assert "plain" not in builder["properties"][name], name
    parent = types["immutable:index:ParentImage"]
    assert sorted(parent["required"]) == ["buildHash", "imageId"]
    assert "plain" not in parent["properties"]["imageId"]
    assert "plain" not in parent["properties"]["buildHash"]
    outputs = resource["properties"]
    assert {"imageId", "buildHash", "approvedImageIds", "lineage", "imageName"} <= set(outputs)
    assert outputs["approvedImageIds"]["items"]["type"] == "string"
    assert all(p.get("description") for p in {**inputs, **outputs}.values())


def test_construct_matches_the_python_call():
    python = registered(
        lambda: GoldenImage(
            "app",
            GoldenImageArgs(
                aws=AwsBuilder(
                    parent=ParentImage(image_id=AMI, build_hash=PARENT_HASH),
                    subnet_id=SUBNET,
                    ssh_cidrs=["203.0.113.10/32"],
                    volume_size_gib=16,
                ),
                provisioners=[RunCommands(commands=["apt-get -y install nginx"], sudo=True)],
                test=ImageTest(commands=["systemctl is-enabled nginx"]),
                version="1.4.0",
                channel="app-dev",
                tags={"Team": "web"},
            ),
        )
    )
    provider = registered(
        lambda: construct(
            GoldenImage,
            "app",
            {
                "aws": {
                    "parent": {"imageId": AMI, "buildHash": PARENT_HASH},
                    "subnetId": SUBNET,
                    "sshCidrs": ["203.0.113.10/32"],
                    "volumeSizeGib": 16.0,  # numbers arrive as floats
                },
                "provisioners": [
                    {"kind": "run_commands", "commands": ["apt-get -y install nginx"], "sudo": True}
                ],
                "test": {"commands": ["systemctl is-enabled nginx"]},
                "version": "1.4.0",
                "channel": "app-dev",
                "tags": {"Team": "web"},
            },
        )
    )
    assert python[0][:2] == (TOKEN, "app")
    assert ("aws:ec2/instance:Instance", "app-builder") in [(t, n) for t, n, *_ in python]
    assert provider == python


def test_construct_refuses_a_bad_dict_before_registering():
    with mocked() as run:
        with pytest.raises(ComponentInitError) as info:
            construct(
                GoldenImage,
                "app",
                {
                    "aws": {"sourceImageId": AMI, "subnetId": SUBNET, "sshCidrs": ["10.0.0.1/8"]},
                    "provisioners": [{"kind": "run_commands", "commands": ["true"]}],
                },
            )
        assert str(info.value).startswith(
            "GoldenImage 'app': `aws.ssh_cidrs[0]` = '10.0.0.1/8' is not accepted"
        )
        assert isinstance(info.value.__cause__ or info.value.__context__, ComponentInputError)
        assert run.resources == []
