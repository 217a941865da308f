"""GoldenImage on AWS across deployments: what this account already holds of a build is
reused (no bake, no name clash), tested if it was not, and one build in one program bakes
once; consumers see an image only after its test; the builder's egress is narrow."""

from __future__ import annotations

import pytest

from immutable_components import (
    AwsBuilder,
    AwsDistribution,
    ComponentInputError,
    GoldenImage,
    GoldenImageArgs,
    ImageTest,
    RunCommands,
)
from immutable_components.errors import ImageConflict
from immutable_components.golden_image._lifecycle import image_test_digest

AMI = "ami-0123456789abcdef0"
SUBNET = "subnet-0123456789abcdef0"
HELD = "ami-0aaaaaaaaaaaaaaaa"
TEST = ImageTest(commands=["true"])


def builder(**overrides) -> AwsBuilder:
    settings = {"source_image_id": AMI, "subnet_id": SUBNET, "ssh_cidrs": ["203.0.113.7/32"]}
    settings.update(overrides)
    return AwsBuilder(**settings)


def image(name: str = "app", b: AwsBuilder | None = None, **args) -> GoldenImage:
    return GoldenImage(
        name,
        GoldenImageArgs(
            aws=b or builder(), provisioners=[RunCommands(commands=["echo hi"])], **args
        ),
    )


def account_holds(pulumi_mocks, *, tested: bool, available: bool = True) -> None:
    """The account holds HELD with the build's tags (tested with TEST, or not)."""

    def answer(c):
        filters = {f["name"]: f["values"] for f in c.inputs.get("filters") or []}
        if "state" in filters and not available:
            return {"id": c.region, "ids": []}
        marks = [k for k in filters if k.startswith("tag:ImageTest:")]
        if marks and not (tested and marks == [f"tag:ImageTest:{image_test_digest(TEST)}"]):
            return {"id": c.region, "ids": []}
        assert c.inputs["owners"] == ["self"]
        return {"id": c.region, "ids": [HELD]}

    pulumi_mocks.mocks.register_invoke("aws:ec2/getAmiIds:getAmiIds", answer)


def names(pulumi_mocks) -> list[str]:
    return [r.name for r in pulumi_mocks.resources if r.custom]


def test_a_tested_image_of_the_build_is_reused_without_any_bakery(pulumi_mocks):
    account_holds(pulumi_mocks, tested=True)
    img = image(test=TEST, channel="app")
    assert names(pulumi_mocks) == ["app-channel"]
    assert pulumi_mocks.resolve(img.image_id) == HELD
    assert pulumi_mocks.resolve(img.origin) == "reuse"
    channel = pulumi_mocks.one("aws:ssm/parameter:Parameter")
    assert channel.inputs["insecureValue"] == HELD


def test_an_untested_image_of_the_build_is_tested_not_baked(pulumi_mocks):
    account_holds(pulumi_mocks, tested=False)
    img = image(test=TEST, channel="app")
    assert names(pulumi_mocks) == [
        "app-ssh-key",
        "app-key-pair",
        "app-builder-sg",
        "app-test",
        "app-test-ready",
        "app-test-run",
        "app-test-stopped",
        "app-tested",
        "app-channel",
    ]
    assert pulumi_mocks.one("aws:ec2/instance:Instance", "app-test").inputs["ami"] == HELD
    mark = pulumi_mocks.one("aws:ec2/tag:Tag", "app-tested")
    assert (mark.inputs["resourceId"], mark.inputs["key"], mark.inputs["value"]) == (
        HELD,
        f"ImageTest:{image_test_digest(TEST)}",
        "passed",
    )
    assert mark.options["retainOnDelete"] is True
    assert pulumi_mocks.resolve(img.origin) == "test"


def test_without_a_test_an_available_image_of_the_build_is_reused(pulumi_mocks):
    account_holds(pulumi_mocks, tested=False)
    img = image()
    assert names(pulumi_mocks) == []
    assert pulumi_mocks.resolve(img.image_id) == HELD


def test_an_image_of_the_build_still_pending_is_a_clear_error(pulumi_mocks):
    account_holds(pulumi_mocks, tested=False, available=False)
    with pytest.raises(ImageConflict, match=rf"image {HELD} of build [0-9a-f]{{16}} exists but"):
        image(test=TEST)


def test_the_published_id_waits_for_the_test(pulumi_mocks):
    copies = AwsDistribution(regions=["us-west-2"])
    img = image(test=TEST, channel="app", b=builder(distribution=copies))
    run = pulumi_mocks.one("command:remote:Command", "app-test-run")
    for name in ("app-channel", "app-copy-us-west-2"):
        assert run.urn in pulumi_mocks.named(name).dependencies
    # A consumer of image_id (a launch template, a child image, a drift rule) waits too.
    import pulumi_aws as aws

    aws.ec2.LaunchTemplate("consumer", image_id=img.image_id)
    assert run.urn in pulumi_mocks.named("consumer").dependencies


def test_one_build_in_one_program_bakes_once(pulumi_mocks):
    first = image("app-blue", test=TEST, channel="app-blue")
    second = image("app-green", test=TEST, channel="app-green")
    assert [n for n in names(pulumi_mocks) if n.startswith("app-green")] == ["app-green-channel"]
    assert pulumi_mocks.resolve(second.image_id) == pulumi_mocks.resolve(first.image_id)
    assert pulumi_mocks.resolve(second.origin) == "sibling"
    run = pulumi_mocks.one("command:remote:Command", "app-blue-test-run")
    assert run.urn in pulumi_mocks.named("app-green-channel").dependencies
    assert len(pulumi_mocks.of_type("aws:ec2/amiFromInstance:AmiFromInstance")) == 1


def test_other_builds_or_regions_bake_apart(pulumi_mocks):
    image("app-a")
    GoldenImage(
        "app-b",
        GoldenImageArgs(aws=builder(), provisioners=[RunCommands(commands=["echo other"])]),
    )
    image("app-c", b=builder(region="eu-west-1"))
    assert len(pulumi_mocks.of_type("aws:ec2/amiFromInstance:AmiFromInstance")) == 3


def test_builder_egress_is_only_what_a_bake_needs(pulumi_mocks):
    image()
    sg = pulumi_mocks.one("aws:ec2/securityGroup:SecurityGroup")
    assert sg.inputs["egress"] == [
        {
            "description": f"Bake: {protocol}/{port}",
            "protocol": protocol,
            "fromPort": port,
            "toPort": port,
            "cidrBlocks": ["0.0.0.0/0"],
            "ipv6CidrBlocks": ["::/0"],
        }
        for protocol, port in (("tcp", 53), ("tcp", 80), ("tcp", 443), ("udp", 53))
    ]
    assert all(rule["protocol"] != "-1" for rule in sg.inputs["egress"])


def test_builder_egress_is_overridable(pulumi_mocks):
    image(b=builder(egress_cidrs=["10.0.0.0/8"], egress_tcp_ports=[443], egress_udp_ports=[]))
    sg = pulumi_mocks.one("aws:ec2/securityGroup:SecurityGroup")
    assert [(r["protocol"], r["fromPort"], r["cidrBlocks"]) for r in sg.inputs["egress"]] == [
        ("tcp", 443, ["10.0.0.0/8"])
    ]


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("egress_cidrs", [], r"aws\.egress_cidrs"),
        ("egress_cidrs", ["10.0.0.1/8"], r"aws\.egress_cidrs\[0\]"),
        ("egress_tcp_ports", [0], r"aws\.egress_tcp_ports\[0\]"),
        ("egress_udp_ports", [70000], r"aws\.egress_udp_ports\[0\]"),
        ("egress_tcp_ports", "443", r"aws\.egress_tcp_ports"),
    ],
)
def test_bad_egress_is_refused(pulumi_mocks, field, value, match):
    with pytest.raises(ComponentInputError, match=match):
        image(b=builder(**{field: value}))


def test_a_sibling_with_its_own_test_tests_the_shared_image(pulumi_mocks):
    first = image("app-blue")  # no test
    other = ImageTest(commands=["curl -fsS localhost:8080/health"])
    second = image("app-green", test=other, channel="app-green")
    green = [n for n in names(pulumi_mocks) if n.startswith("app-green")]
    assert "app-green-builder" not in green and "app-green-image" not in green
    assert {"app-green-test", "app-green-test-run", "app-green-tested"} <= set(green)
    test_vm = pulumi_mocks.one("aws:ec2/instance:Instance", "app-green-test")
    assert test_vm.inputs["ami"] == pulumi_mocks.resolve(first.image_id)
    run = pulumi_mocks.one("command:remote:Command", "app-green-test-run")
    assert run.urn in pulumi_mocks.named("app-green-channel").dependencies
    assert pulumi_mocks.resolve(second.origin) == "test"


def test_a_changed_test_boots_a_fresh_test_instance_and_runs_again(pulumi_mocks):
    image("app-a", test=TEST)
    image("app-b", test=ImageTest(commands=["false"]), b=builder(region="eu-west-1"))
    a = pulumi_mocks.one("aws:ec2/instance:Instance", "app-a-test")
    b = pulumi_mocks.one("aws:ec2/instance:Instance", "app-b-test")
    assert (
        image_test_digest(TEST) in a.inputs["userData"]
        and a.inputs["userDataReplaceOnChange"] is True
    )
    assert a.inputs["userData"] != b.inputs["userData"]
    run = pulumi_mocks.one("command:remote:Command", "app-a-test-run")
    assert run.inputs["triggers"][-1] == image_test_digest(TEST)


def test_the_test_digest_is_the_one_images_already_carry():
    """Images in accounts carry ``ImageTest:<digest>`` tags: the digest must not move."""
    assert image_test_digest(TEST) == "0bd5d47b6eb438ed"
