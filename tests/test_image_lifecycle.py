"""AWS lifecycle: test before publish, copies, sharing, channel; lineage tags."""

from __future__ import annotations

import pytest

from immutable_components import (
    AwsBuilder,
    AwsDistribution,
    ComponentInputError,
    GoldenImage,
    GoldenImageArgs,
    ImageTest,
)
from immutable_components.golden_image._lifecycle import lineage_tag
from tests._images import SSH, SUBNET, deps, provisioners

AMI = "ami-0123456789abcdef0"
ORG = "arn:aws:organizations::111111111111:organization/o-abcdef1234"
OU = "arn:aws:organizations::111111111111:ou/o-abcdef1234/ou-ab12-cdef3456"


def aws(**kw):
    """An AwsBuilder on ``AMI``, or on ``source`` (a GoldenImage: its ``as_parent()``)."""
    source = kw.pop("source", None)
    if source is not None:
        kw["parent"] = source.as_parent()
    else:
        kw.setdefault("source_image_id", AMI)
    return AwsBuilder(**{"subnet_id": SUBNET, "ssh_cidrs": SSH, **kw})


def publish_all(tmp_path, test=True):
    return GoldenImage(
        "app",
        GoldenImageArgs(
            aws=aws(
                distribution=AwsDistribution(
                    regions=["us-west-2"],
                    kms_key_ids={"us-west-2": "alias/images"},
                    accounts=["222222222222"],
                    organization_arns=[ORG],
                    organizational_unit_arns=[OU],
                )
            ),
            provisioners=provisioners(tmp_path),
            test=ImageTest(commands=["curl -fsS localhost:8080/healthz"], timeout_minutes=5)
            if test
            else None,
            channel="app",
        ),
    )


def test_publication_waits_on_the_test(pulumi_mocks, tmp_path):
    img = publish_all(tmp_path)
    test_vm = pulumi_mocks.one("aws:ec2/instance:Instance", "app-test")
    assert "app-image" in deps(test_vm)
    assert test_vm.inputs["ami"] == pulumi_mocks.resolve(img.image_id)
    assert test_vm.inputs["metadataOptions"]["httpTokens"] == "required"
    assert test_vm.inputs["rootBlockDevice"]["encrypted"] is True
    assert test_vm.inputs["vpcSecurityGroupIds"][0].startswith("sg-")
    assert "app-builder-sg" in deps(test_vm) and "app-key-pair" in deps(test_vm)
    ready = pulumi_mocks.one("command:remote:Command", "app-test-ready")
    run = pulumi_mocks.one("command:remote:Command", "app-test-run")
    assert "app-test" in deps(ready) and "app-test-ready" in deps(run)
    assert run.options["customTimeouts"] == {"create": "5m"}
    assert run.options["deletedWith"] == test_vm.urn
    script = run.inputs["create"]
    assert "curl -fsS localhost:8080/healthz" in script
    assert script.index("curl") < script.index("systemctl poweroff")  # powered off after
    assert script.rstrip().endswith('exit "$status"')  # the test's own status
    stopped = pulumi_mocks.one(
        "aws:ec2transitgateway/instanceState:InstanceState", "app-test-stopped"
    )
    assert stopped.inputs["state"] == "stopped" and "app-test-run" in deps(stopped)

    published = [
        *pulumi_mocks.of_type("aws:ec2/amiLaunchPermission:AmiLaunchPermission"),
        *pulumi_mocks.of_type("aws:ec2/amiCopy:AmiCopy"),
        *pulumi_mocks.of_type("aws:ssm/parameter:Parameter"),
    ]
    assert len(published) == 8
    assert all("app-test-run" in deps(r) for r in published)


def test_copies_sharing_and_channel(pulumi_mocks, tmp_path):
    img = publish_all(tmp_path)
    h = pulumi_mocks.resolve(img.build_hash)
    ami = pulumi_mocks.resolve(img.image_id)
    copy = pulumi_mocks.one("aws:ec2/amiCopy:AmiCopy")
    assert copy.name == "app-copy-us-west-2"
    assert copy.inputs["region"] == "us-west-2"
    assert copy.inputs["encrypted"] is True and copy.inputs["kmsKeyId"] == "alias/images"
    assert copy.inputs["sourceAmiId"] == ami and copy.inputs["sourceAmiRegion"] == "us-east-1"
    assert copy.inputs["name"] == f"app-{h[:16]}"
    assert copy.inputs["description"] == f"app build {h}"  # readable where tags are not
    assert copy.inputs["tags"]["BuildHash"] == h
    assert copy.options["customTimeouts"] == {"create": "120m", "delete": "120m"}
    copies = pulumi_mocks.resolve(img.copies)
    assert list(copies) == ["us-west-2"] and copies["us-west-2"].startswith("ami-")

    perms = {
        r.name: r.inputs
        for r in pulumi_mocks.of_type("aws:ec2/amiLaunchPermission:AmiLaunchPermission")
    }
    assert perms == {
        "app-share-222222222222": {"imageId": ami, "accountId": "222222222222"},
        "app-share-o-abcdef1234": {"imageId": ami, "organizationArn": ORG},
        "app-share-ou-ab12-cdef3456": {"imageId": ami, "organizationalUnitArn": OU},
        "app-us-west-2-share-222222222222": {
            "imageId": copies["us-west-2"],
            "accountId": "222222222222",
            "region": "us-west-2",
        },
        "app-us-west-2-share-o-abcdef1234": {
            "imageId": copies["us-west-2"],
            "organizationArn": ORG,
            "region": "us-west-2",
        },
        "app-us-west-2-share-ou-ab12-cdef3456": {
            "imageId": copies["us-west-2"],
            "organizationalUnitArn": OU,
            "region": "us-west-2",
        },
    }
    param = pulumi_mocks.one("aws:ssm/parameter:Parameter")
    assert param.name == "app-channel"
    assert param.inputs["name"] == "/images/app"
    assert param.inputs["dataType"] == "aws:ec2:image" and param.inputs["type"] == "String"
    assert param.inputs["insecureValue"] == ami  # readable in previews, not a secret
    assert pulumi_mocks.resolve(img.channel) == "/images/app"


def test_without_test_or_distribution_nothing_extra(pulumi_mocks, tmp_path):
    img = GoldenImage("base", GoldenImageArgs(aws=aws(), provisioners=provisioners(tmp_path)))
    types = {r.type for r in pulumi_mocks.resources}
    assert not types & {
        "aws:ec2/amiCopy:AmiCopy",
        "aws:ec2/amiLaunchPermission:AmiLaunchPermission",
        "aws:ssm/parameter:Parameter",
    }
    assert [r.name for r in pulumi_mocks.of_type("aws:ec2/instance:Instance")] == ["base-builder"]
    assert pulumi_mocks.resolve(img.copies) == {}
    assert pulumi_mocks.resolve(img.lineage) == []


def test_channel_without_test_publishes_after_the_image(pulumi_mocks, tmp_path):
    publish_all(tmp_path, test=False)
    param = pulumi_mocks.one("aws:ssm/parameter:Parameter")
    assert "app-image" in deps(param)
    assert not pulumi_mocks.of_type("command:remote:Command")[-1].name.startswith("app-test")


def test_lineage_output_and_tag(pulumi_mocks, tmp_path):
    chain = [GoldenImage("layer0", GoldenImageArgs(aws=aws(), provisioners=provisioners(tmp_path)))]
    for i in range(1, 4):
        chain.append(
            GoldenImage(
                f"layer{i}",
                GoldenImageArgs(
                    aws=aws(source=chain[-1]), provisioners=provisioners(tmp_path, str(i))
                ),
            )
        )
    hashes = [pulumi_mocks.resolve(g.build_hash) for g in chain]
    lineage = pulumi_mocks.resolve(chain[3].lineage)
    assert [e["build_hash"] for e in lineage] == [hashes[2], hashes[1], hashes[0]]
    assert [e["image_id"] for e in lineage] == [
        pulumi_mocks.resolve(chain[i].image_id) for i in (2, 1, 0)
    ]
    tags = pulumi_mocks.one("aws:ec2/amiFromInstance:AmiFromInstance", "layer3-image").inputs[
        "tags"
    ]
    assert tags["Ancestry"] == ",".join(h[:16] for h in (hashes[2], hashes[1], hashes[0]))
    assert (
        "Ancestry"
        not in pulumi_mocks.one("aws:ec2/amiFromInstance:AmiFromInstance", "layer0-image").inputs[
            "tags"
        ]
    )


def test_lineage_tag_fits_aws_limit():
    tag = lineage_tag(["f" * 64] * 40)
    assert len(tag) <= 256 and tag.count(",") == 14  # 15 ancestors of 16 hex digits
    assert lineage_tag([]) == ""


@pytest.mark.parametrize(
    ("dist", "field"),
    [
        ({"regions": ["mars-1"]}, r"aws.distribution.regions\[0\]"),
        ({"regions": ["us-east-1"]}, r"aws.distribution.regions\[0\]"),  # the bake region
        ({"regions": ["us-west-2", "us-west-2"]}, "aws.distribution.regions"),
        ({"regions": "us-west-2"}, "aws.distribution.regions"),
        ({"accounts": ["12345"]}, r"aws.distribution.accounts\[0\]"),
        ({"accounts": ["12345678901a"]}, r"aws.distribution.accounts\[0\]"),
        ({"organization_arns": ["o-abcdef1234"]}, "organization_arns"),
        ({"organizational_unit_arns": [ORG]}, "organizational_unit_arns"),
        ({"regions": ["us-west-2"], "kms_key_ids": {"eu-west-1": "alias/x"}}, "kms_key_ids"),
        ({"regions": ["us-west-2"], "kms_key_ids": {"us-west-2": "nope"}}, "kms_key_ids"),
    ],
)
def test_bad_distribution(pulumi_mocks, tmp_path, dist, field):
    with pytest.raises(ComponentInputError, match=field):
        GoldenImage(
            "app",
            GoldenImageArgs(
                aws=aws(region="us-east-1", distribution=AwsDistribution(**dist)),
                provisioners=provisioners(tmp_path),
            ),
        )
    assert pulumi_mocks.resources == []


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"channel": "App"}, "channel"),
        ({"channel": "-app"}, "channel"),
        ({"channel": "a" * 64}, "channel"),
        ({"test": ImageTest(commands="true")}, "test.commands"),
        ({"test": ImageTest(commands=["true"], instance_type="e2-small")}, "test.instance_type"),
        ({"test": ImageTest(commands=["true"], timeout_minutes=241)}, "test.timeout_minutes"),
        ({"test": ["true"]}, "test"),
    ],
)
def test_bad_lifecycle_input(pulumi_mocks, tmp_path, args, field):
    with pytest.raises(ComponentInputError, match=field):
        GoldenImage("app", GoldenImageArgs(aws=aws(), provisioners=provisioners(tmp_path), **args))
