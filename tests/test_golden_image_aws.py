"""GoldenImage on AWS: the exact resources, their wiring, the build hash, secrets, validation."""

from __future__ import annotations

import itertools
from pathlib import Path

import pulumi
import pytest

from immutable_components import (
    AwsBuilder,
    AwsImageLookup,
    ComponentInputError,
    GoldenImage,
    GoldenImageArgs,
    RunCommands,
    RunScript,
    UploadDirectory,
    UploadFile,
)
from immutable_components.testing import mocked

AMI = "ami-0123456789abcdef0"
SUBNET = "subnet-0123456789abcdef0"
CIDR = "203.0.113.7/32"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    script = tmp_path / "setup.sh"
    script.write_text("echo setting up\n")
    config = tmp_path / "app.conf"
    config.write_text("port=8080\n")
    tree = tmp_path / "site"
    (tree / "static").mkdir(parents=True)
    (tree / "index.html").write_text("<h1>hi</h1>\n")
    (tree / "static" / "app.js").write_text("console.log(1)\n")
    return {"script": script, "config": config, "tree": tree}


def builder(**overrides) -> AwsBuilder:
    """An AwsBuilder; ``source`` (as the tests give it) goes to the field of its kind."""
    settings = {"subnet_id": SUBNET, "ssh_cidrs": [CIDR]}
    source = overrides.pop("source", AMI)
    if isinstance(source, GoldenImage):
        settings["parent"] = source.as_parent()
    elif isinstance(source, AwsImageLookup):
        settings["source_lookup"] = source
    else:
        settings["source_image_id"] = source
    settings.update(overrides)
    return AwsBuilder(**settings)


def image(name: str = "base", *, files: dict[str, Path], b: AwsBuilder | None = None, **args):
    provisioners = args.pop(
        "provisioners",
        [
            UploadFile(source=files["config"], destination="/tmp/app.conf"),
            UploadDirectory(source=files["tree"], destination="/tmp/site"),
            RunScript(path=files["script"], env={"STAGE": "prod"}),
            RunCommands(commands=["systemctl enable nginx"]),
        ],
    )
    opts = args.pop("opts", None)
    return GoldenImage(
        name, GoldenImageArgs(aws=b or builder(), provisioners=provisioners, **args), opts
    )


EXPECTED_CHILDREN = [
    ("tls:index/privateKey:PrivateKey", "base-ssh-key"),
    ("aws:ec2/keyPair:KeyPair", "base-key-pair"),
    ("aws:ec2/securityGroup:SecurityGroup", "base-builder-sg"),
    ("aws:ec2/instance:Instance", "base-builder"),
    ("command:remote:Command", "base-wait-ready"),
    ("command:remote:CopyToRemote", "base-provision-1"),
    ("command:remote:CopyToRemote", "base-provision-2"),
    ("command:remote:Command", "base-provision-3"),
    ("command:remote:Command", "base-provision-4"),
    ("command:remote:Command", "base-clear-login"),
    ("aws:ec2transitgateway/instanceState:InstanceState", "base-builder-stopped"),
    ("aws:ec2/amiFromInstance:AmiFromInstance", "base-image"),
    ("aws:ec2/tag:Tag", "base-snapshot-tag-buildhash"),
    ("aws:ec2/tag:Tag", "base-snapshot-tag-managedby"),
    ("aws:ec2/tag:Tag", "base-snapshot-tag-name"),
    ("aws:ec2/tag:Tag", "base-snapshot-tag-sourceimage"),
]


def test_registers_exactly_the_bake_chain_parented_to_the_component(pulumi_mocks, files):
    img = image(files=files)
    component = pulumi_mocks.one("immutable:index:GoldenImage", "base")
    children = [(r.type, r.name) for r in pulumi_mocks.children_of(component)]
    assert children == EXPECTED_CHILDREN
    assert len(pulumi_mocks.resources) == len(EXPECTED_CHILDREN) + 1
    build_hash = pulumi_mocks.resolve(img.build_hash)
    assert len(build_hash) == 64
    assert pulumi_mocks.resolve(img.image_name) == f"base-{build_hash[:16]}"
    assert pulumi_mocks.resolve(img.image_id).startswith("ami-")
    assert pulumi_mocks.resolve(img.region) == "us-east-1"
    assert pulumi_mocks.resolve(img.origin) == "bake"
    assert set(component.outputs) == {
        "image_id",
        "image_name",
        "build_hash",
        "region",
        "lineage",
        "copies",
        "provisioners_hash",
        "origin",
        "approved_image_ids",
    }  # `channel` is registered too, but Pulumi drops outputs that are None


def test_builder_instance_is_secure_and_replaced_on_every_rebake(pulumi_mocks, files):
    img = image(files=files)
    inst = pulumi_mocks.one("aws:ec2/instance:Instance", "base-builder")
    assert inst.inputs["ami"] == AMI
    assert inst.inputs["instanceType"] == "t3.micro"
    assert inst.inputs["subnetId"] == SUBNET
    assert inst.inputs["associatePublicIpAddress"] is False
    assert inst.inputs["metadataOptions"] == {
        "httpEndpoint": "enabled",
        "httpTokens": "required",
        "httpPutResponseHopLimit": 1,
    }
    assert inst.inputs["rootBlockDevice"] == {
        "encrypted": True,
        "volumeType": "gp3",
        "deleteOnTermination": True,
    }
    build_hash = pulumi_mocks.resolve(img.build_hash)
    assert build_hash in inst.inputs["userData"]
    assert inst.inputs["userDataReplaceOnChange"] is True
    key_pair = pulumi_mocks.one("aws:ec2/keyPair:KeyPair")
    assert inst.inputs["keyName"].startswith("base-key-pair-")
    assert key_pair.urn in inst.dependencies


def test_security_group_admits_ssh_only_from_the_given_cidrs(pulumi_mocks, files):
    image(files=files, b=builder(ssh_cidrs=["198.51.100.0/24", "2001:db8::/64"]))
    sg = pulumi_mocks.one("aws:ec2/securityGroup:SecurityGroup")
    assert sg.inputs["ingress"] == [
        {
            "description": "SSH from the machine running Pulumi",
            "protocol": "tcp",
            "fromPort": 22,
            "toPort": 22,
            "cidrBlocks": ["198.51.100.0/24"],
            "ipv6CidrBlocks": ["2001:db8::/64"],
        }
    ]
    # the VPC comes from the subnet (invoke), not a default VPC
    assert sg.inputs["vpcId"].startswith("vpc-")
    assert ("aws:ec2/getSubnet:getSubnet", {"id": SUBNET}) in pulumi_mocks.mocks.invokes


def test_ssh_key_is_generated_once_and_the_private_half_is_secret(pulumi_mocks, files):
    image(files=files)
    key = pulumi_mocks.one("tls:index/privateKey:PrivateKey")
    assert key.inputs == {"algorithm": "ED25519"}
    for step in pulumi_mocks.of_type("command:remote:Command"):
        assert step.inputs["connection"] == "[secret]"
        conn = step.revealed["connection"]
        assert conn["privateKey"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
        assert conn["user"] == "ec2-user"
        assert conn["host"].startswith("10.")  # private IP unless a public one is asked for
        assert conn["perDialTimeout"] == 10
        assert conn["dialErrorLimit"] == 60  # 10 minutes of dialling while the VM boots


def test_public_ip_is_opt_in_and_then_used_for_ssh(pulumi_mocks, files):
    image(files=files, b=builder(associate_public_ip=True))
    inst = pulumi_mocks.one("aws:ec2/instance:Instance")
    assert inst.inputs["associatePublicIpAddress"] is True
    wait = pulumi_mocks.one("command:remote:Command", "base-wait-ready")
    assert wait.revealed["connection"]["host"].startswith("203.0.113.")


def test_provisioners_run_in_order_after_ssh_is_ready(pulumi_mocks, files):
    img = image(files=files)
    by_name = {r.name: r for r in pulumi_mocks.resources}
    chain = ["base-builder", "base-wait-ready"] + [f"base-provision-{i}" for i in range(1, 5)]
    chain.append("base-clear-login")
    for before, after in itertools.pairwise(chain):
        assert by_name[before].urn in by_name[after].dependencies, (before, after)
    build_hash = pulumi_mocks.resolve(img.build_hash)
    builder_id = pulumi_mocks.monitor.resources[by_name["base-builder"].urn].id
    for name in chain[1:]:
        step = by_name[name]
        # The builder's id replaces every step when the builder is replaced, whatever the
        # reason (a new subnet, zone or public-IP setting is not in the build hash).
        assert step.inputs["triggers"] == [build_hash, builder_id]
        assert step.options["deletedWith"] == by_name["base-builder"].urn
    upload = by_name["base-provision-1"]
    assert upload.inputs["remotePath"] == "/tmp/app.conf"
    assert upload.inputs["source"] == {"asset": str(files["config"])}
    tree = by_name["base-provision-2"]
    assert tree.inputs["source"] == {"archive": str(files["tree"])}
    script = by_name["base-provision-3"].inputs["create"]
    assert "echo setting up" in script
    assert "export STAGE=prod" in script
    assert "sudo -H bash -c" in script
    assert "systemctl enable nginx" in by_name["base-provision-4"].inputs["create"]


def test_image_waits_for_the_last_provisioner_and_the_stopped_builder(pulumi_mocks, files):
    image(files=files)
    by_name = {r.name: r for r in pulumi_mocks.resources}
    stopped = by_name["base-builder-stopped"]
    assert set(stopped.inputs) == {"instanceId", "state"}
    assert stopped.inputs["state"] == "stopped"
    assert stopped.inputs["instanceId"].startswith("i-")
    assert by_name["base-builder"].urn in stopped.dependencies
    assert by_name["base-clear-login"].urn in stopped.dependencies
    clear = by_name["base-clear-login"]
    assert by_name["base-provision-4"].urn in clear.dependencies
    assert "authorized_keys" in clear.inputs["create"]
    assert "cloud-init clean --logs" in clear.inputs["create"]
    ami = by_name["base-image"]
    assert by_name["base-builder-stopped"].urn in ami.dependencies
    assert by_name["base-clear-login"].urn in ami.dependencies
    assert ami.inputs["sourceInstanceId"] == stopped.inputs["instanceId"]
    assert ami.options["customTimeouts"] == {"create": "120m", "delete": "120m"}


def test_image_carries_provenance_tags_and_so_does_its_snapshot(pulumi_mocks, files):
    img = image(files=files, version="1.4.0", git_commit="0a1b2c3", tags={"Team": "platform"})
    build_hash = pulumi_mocks.resolve(img.build_hash)
    ami = pulumi_mocks.one("aws:ec2/amiFromInstance:AmiFromInstance")
    expected = {
        "Name": f"base-{build_hash[:16]}",
        "BuildHash": build_hash,
        "SourceImage": AMI,
        "ManagedBy": "immutable-components",
        "Version": "1.4.0",
        "GitCommit": "0a1b2c3",
        "Team": "platform",
    }
    assert ami.inputs["tags"] == expected
    assert ami.inputs["name"] == f"base-{build_hash[:16]}"
    assert ami.inputs["description"] == f"base build {build_hash}"
    snapshot_tags = {
        r.inputs["key"]: r.inputs["value"] for r in pulumi_mocks.of_type("aws:ec2/tag:Tag")
    }
    assert snapshot_tags == expected
    snapshot_ids = {r.inputs["resourceId"] for r in pulumi_mocks.of_type("aws:ec2/tag:Tag")}
    assert len(snapshot_ids) == 1
    assert next(iter(snapshot_ids)).startswith("snap-")
    for tag in pulumi_mocks.of_type("aws:ec2/tag:Tag"):
        assert ami.urn in tag.dependencies
        # The tags stay with the snapshot when the bakery is cleaned up (the AMI is kept).
        assert tag.options["retainOnDelete"] is True


def test_kms_key_region_and_volume_settings_reach_the_builder(pulumi_mocks, files):
    key = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    img = image(
        files=files,
        b=builder(
            kms_key_id=key,
            region="eu-west-1",
            volume_size_gib=30,
            volume_type="io2",
            instance_type="m7g.large",
            snapshot_timeout_minutes=240,
        ),
    )
    inst = pulumi_mocks.one("aws:ec2/instance:Instance")
    assert inst.inputs["rootBlockDevice"]["kmsKeyId"] == key
    assert inst.inputs["rootBlockDevice"]["volumeSize"] == 30
    assert inst.inputs["rootBlockDevice"]["volumeType"] == "io2"
    assert inst.inputs["instanceType"] == "m7g.large"
    for r in pulumi_mocks.resources:
        if r.custom and r.type.startswith("aws:"):
            assert r.inputs["region"] == "eu-west-1", r.name
    assert pulumi_mocks.resolve(img.region) == "eu-west-1"
    ami = pulumi_mocks.one("aws:ec2/amiFromInstance:AmiFromInstance")
    assert ami.options["customTimeouts"]["create"] == "240m"


def test_secret_env_stays_secret_and_hides_the_step_output(pulumi_mocks, files):
    image(
        files=files,
        provisioners=[
            RunScript(
                path=files["script"],
                env={"TOKEN": pulumi.Output.secret("s3cr3t"), "STAGE": "prod"},
            )
        ],
    )
    step = pulumi_mocks.one("command:remote:Command", "base-provision-1")
    assert step.inputs["create"] == "[secret]"
    assert "export TOKEN=s3cr3t" in step.revealed["create"]
    assert step.inputs["logging"] == "none"
    assert {"stdout", "stderr"} <= set(step.options["additionalSecretOutputs"])
    for r in pulumi_mocks.resources:
        assert "s3cr3t" not in repr(r.inputs), r.name
    inst = pulumi_mocks.one("aws:ec2/instance:Instance")
    assert "s3cr3t" not in inst.inputs["userData"]


def test_plain_steps_log_their_output(pulumi_mocks, files):
    image(files=files)
    step = pulumi_mocks.one("command:remote:Command", "base-provision-3")
    assert step.inputs["logging"] == "stdoutAndStderr"
    assert "stdout" not in step.options["additionalSecretOutputs"]


def test_layered_image_builds_on_its_parent_and_records_it(pulumi_mocks, files):
    base = image("base", files=files)
    app = GoldenImage(
        "app",
        GoldenImageArgs(
            aws=builder(source=base),
            provisioners=[RunCommands(commands=["echo app"])],
        ),
    )
    base_hash = pulumi_mocks.resolve(base.build_hash)
    base_id = pulumi_mocks.resolve(base.image_id)
    inst = pulumi_mocks.one("aws:ec2/instance:Instance", "app-builder")
    assert inst.inputs["ami"] == base_id
    ami = pulumi_mocks.one("aws:ec2/amiFromInstance:AmiFromInstance", "app-image")
    assert ami.inputs["tags"]["ParentImage"] == pulumi_mocks.resolve(base.image_name)
    assert ami.inputs["tags"]["ParentBuildHash"] == base_hash
    assert ami.inputs["tags"]["SourceImage"] == base_id
    # the child's hash is known at construction (it derives from the parent's hash)
    assert isinstance(app.build_hash_value, str)


def test_vendor_lookup_is_resolved_with_strict_filters(pulumi_mocks, files):
    lookup = AwsImageLookup(owners=["099720109477"], name_pattern="ubuntu/images/*noble*")
    img = image(files=files, b=builder(source=lookup))
    _, args = next(i for i in pulumi_mocks.mocks.invokes if i[0] == "aws:ec2/getAmi:getAmi")
    assert args["mostRecent"] is True
    assert args["owners"] == ["099720109477"]
    assert {f["name"]: f["values"] for f in args["filters"]} == {
        "name": ["ubuntu/images/*noble*"],
        "architecture": ["x86_64"],
        "state": ["available"],
        "root-device-type": ["ebs"],
        "virtualization-type": ["hvm"],
    }
    inst = pulumi_mocks.one("aws:ec2/instance:Instance")
    assert inst.inputs["ami"].startswith("ami-")
    assert isinstance(img.build_hash_value, str)


def test_unknown_invoke_fails_loudly(files):
    from immutable_components.testing import RecordingMocks, UnmockedInvokeError

    mocks = RecordingMocks()
    mocks._invokes.pop("aws:ec2/getSubnet:getSubnet")
    with pytest.raises(UnmockedInvokeError, match="aws:ec2/getSubnet:getSubnet"):
        mocks.call(
            pulumi.runtime.MockCallArgs(token="aws:ec2/getSubnet:getSubnet", args={}, provider="")
        )


# -- the build hash ------------------------------------------------------------------------


def hash_of(files: dict[str, Path], **kwargs) -> str:
    with mocked() as run:
        img = image(files=files, **kwargs)
        return run.resolve(img.build_hash)


def test_build_hash_is_stable_for_unchanged_inputs(files):
    assert hash_of(files) == hash_of(files)


def test_build_hash_ignores_metadata(files):
    base = hash_of(files)
    assert hash_of(files, version="2.0.0") == base
    assert hash_of(files, git_commit="deadbeef") == base
    assert hash_of(files, tags={"Team": "x"}) == base
    assert hash_of(files, b=builder(ssh_cidrs=["10.0.0.0/8"])) == base


@pytest.mark.parametrize(
    "change",
    [
        "file-bytes",
        "directory-file",
        "directory-new-file",
        "script",
        "env",
        "commands",
        "source",
        "instance-type",
        "volume-size",
        "kms",
        "destination",
    ],
)
def test_build_hash_changes_when_a_build_input_changes(files, change):
    before = hash_of(files)
    b = builder()
    if change == "file-bytes":
        files["config"].write_text("port=9090\n")
    elif change == "directory-file":
        (files["tree"] / "static" / "app.js").write_text("console.log(2)\n")
    elif change == "directory-new-file":
        (files["tree"] / "robots.txt").write_text("User-agent: *\n")
    elif change == "script":
        files["script"].write_text("echo other\n")
    elif change == "source":
        b = builder(source="ami-0fedcba9876543210")
    elif change == "instance-type":
        b = builder(instance_type="t3.large")
    elif change == "volume-size":
        b = builder(volume_size_gib=50)
    elif change == "kms":
        b = builder(kms_key_id="alias/images")
    provisioners = [
        UploadFile(
            source=files["config"],
            destination="/tmp/other.conf" if change == "destination" else "/tmp/app.conf",
        ),
        UploadDirectory(source=files["tree"], destination="/tmp/site"),
        RunScript(path=files["script"], env={"STAGE": "dev" if change == "env" else "prod"}),
        RunCommands(
            commands=["systemctl enable nginx"] + (["true"] if change == "commands" else [])
        ),
    ]
    assert hash_of(files, b=b, provisioners=provisioners) != before


def test_secret_env_values_are_not_hashed_but_their_names_are(files):
    def with_env(env):
        return hash_of(files, provisioners=[RunScript(path=files["script"], env=env)])

    a = with_env({"TOKEN": pulumi.Output.secret("one")})
    b = with_env({"TOKEN": pulumi.Output.secret("two")})
    c = with_env({"OTHER": pulumi.Output.secret("one")})
    assert a == b
    assert a != c


def test_parent_change_rebakes_the_child(files):
    def child_hash() -> str:
        with mocked() as run:
            base = image("base", files=files)
            app = GoldenImage(
                "app",
                GoldenImageArgs(
                    aws=builder(source=base),
                    provisioners=[RunCommands(commands=["echo app"])],
                ),
            )
            return run.resolve(app.build_hash)

    before = child_hash()
    files["script"].write_text("echo hardened differently\n")
    assert child_hash() != before


def test_build_hash_is_known_at_preview_and_the_chain_shows_rebaking(files):
    with mocked(preview=True) as run:
        base = image("base", files=files)
        app = GoldenImage(
            "app",
            GoldenImageArgs(
                aws=builder(source=base), provisioners=[RunCommands(commands=["echo app"])]
            ),
        )
        ami = run.one("aws:ec2/amiFromInstance:AmiFromInstance", "app-image")
        # the parent's id is unknown in a preview, but the child's name (its hash) is not
        assert ami.inputs["name"].startswith("app-")
        assert run.one("aws:ec2/instance:Instance", "app-builder").inputs["ami"] == "[unknown]"
        assert isinstance(app.build_hash_value, str)


# -- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("aws.source_image_id", {"source": "ami-123"}),
        ("aws.source_image_id", {"source": "img-0123456789abcdef0"}),
        ("aws.source_image_id", {"source": 42}),
        ("aws.subnet_id", {"subnet_id": ""}),
        ("aws.subnet_id", {"subnet_id": "sub-123"}),
        ("aws.ssh_cidrs", {"ssh_cidrs": []}),
        ("aws.ssh_cidrs", {"ssh_cidrs": "10.0.0.0/8"}),
        (r"aws.ssh_cidrs\[0\]", {"ssh_cidrs": ["10.0.0.1/8"]}),
        (r"aws.ssh_cidrs\[1\]", {"ssh_cidrs": ["10.0.0.0/8", "not-a-cidr"]}),
        ("aws.instance_type", {"instance_type": "t3micro"}),
        ("aws.instance_type", {"instance_type": "T3.MICRO"}),
        ("aws.ssh_user", {"ssh_user": " "}),
        ("aws.volume_size_gib", {"volume_size_gib": 0}),
        ("aws.volume_size_gib", {"volume_size_gib": "30"}),
        ("aws.volume_type", {"volume_type": "ssd"}),
        ("aws.kms_key_id", {"kms_key_id": "my-key"}),
        ("aws.kms_key_id", {"kms_key_id": "alias/x", "encrypted": False}),
        ("aws.region", {"region": "us-east"}),
        ("aws.ssh_timeout_minutes", {"ssh_timeout_minutes": 0}),
        ("aws.snapshot_timeout_minutes", {"snapshot_timeout_minutes": 5}),
        ("aws.tags key", {"tags": {"aws:reserved": "x"}}),
        ("aws.source_lookup.owners", {"source": AwsImageLookup(owners=[], name_pattern="x*")}),
        (
            r"aws.source_lookup.owners\[0\]",
            {"source": AwsImageLookup(owners=["canonical"], name_pattern="x*")},
        ),
        (
            "aws.source_lookup.architecture",
            {"source": AwsImageLookup(owners=["amazon"], name_pattern="x*", architecture="arm")},
        ),
    ],
)
def test_bad_builder_input_is_rejected_naming_the_field(pulumi_mocks, files, field, overrides):
    with pytest.raises(ComponentInputError, match=field) as info:
        image(files=files, b=builder(**overrides))
    assert "GoldenImage 'base'" in str(info.value)
    assert info.value.field.startswith(field.replace("\\", ""))
    assert pulumi_mocks.resources == []  # nothing registered


@pytest.mark.parametrize(
    ("field", "make"),
    [
        ("provisioners", lambda f: []),
        ("provisioners", lambda f: "echo hi"),
        (r"provisioners\[0\]", lambda f: ["echo hi"]),
        (
            r"provisioners\[0\].source",
            lambda f: [UploadFile(source=f["config"].with_name("missing"), destination="/tmp/x")],
        ),
        (
            r"provisioners\[0\].source",
            lambda f: [UploadDirectory(source=f["config"], destination="/tmp/x")],
        ),
        (
            r"provisioners\[0\].destination",
            lambda f: [UploadFile(source=f["config"], destination="relative/path")],
        ),
        (r"provisioners\[0\].path", lambda f: [RunScript(path=f["tree"] / "nope.sh")]),
        (r"provisioners\[0\].commands", lambda f: [RunCommands(commands=[])]),
        (r"provisioners\[0\].commands", lambda f: [RunCommands(commands="echo hi")]),
        (r"provisioners\[0\].commands", lambda f: [RunCommands(commands=["echo", " "])]),
        (
            r"provisioners\[0\].env key",
            lambda f: [RunCommands(commands=["true"], env={"BAD-NAME": "x"})],
        ),
        (
            r"provisioners\[0\].env\['N'\]",
            lambda f: [RunCommands(commands=["true"], env={"N": 3})],
        ),
    ],
)
def test_bad_provisioners_are_rejected_naming_the_field(pulumi_mocks, files, field, make):
    with pytest.raises(ComponentInputError, match=field):
        image(files=files, provisioners=make(files))


def test_empty_script_is_rejected(pulumi_mocks, files):
    files["script"].write_text("  \n")
    with pytest.raises(ComponentInputError, match=r"provisioners\[0\].path"):
        image(files=files, provisioners=[RunScript(path=files["script"])])


@pytest.mark.parametrize(
    ("field", "args"),
    [
        ("name_prefix", {"name_prefix": "x"}),
        ("name_prefix", {"name_prefix": "bad name!"}),
        ("version", {"version": ""}),
        ("git_commit", {"git_commit": 123}),
        ("tags", {"tags": {"Team": 5}}),
    ],
)
def test_bad_metadata_is_rejected(pulumi_mocks, files, field, args):
    with pytest.raises(ComponentInputError, match=field):
        image(files=files, **args)


def test_bad_component_name_is_rejected_when_it_would_be_the_image_prefix(pulumi_mocks, files):
    with pytest.raises(ComponentInputError, match="`name`"):
        image("app!", files=files)


@pytest.mark.parametrize(
    ("blocks", "given"),
    [({}, "None"), ({"aws": "A", "gcp": "G"}, "aws, gcp")],
)
def test_exactly_one_cloud_block(pulumi_mocks, files, blocks, given):
    from immutable_components import GcpBuilder

    values = {
        "aws": builder(),
        "gcp": GcpBuilder(zone="us-central1-a", ssh_cidrs=[CIDR], source_image_id="x"),
    }
    kwargs = {cloud: values[cloud] for cloud in blocks}
    with pytest.raises(ComponentInputError, match="aws/gcp/azure") as info:
        GoldenImage("x", GoldenImageArgs(provisioners=[RunCommands(commands=["true"])], **kwargs))
    assert info.value.value == (None if given == "None" else given)
    assert "exactly one of aws=AwsBuilder" in str(info.value)
    assert pulumi_mocks.resources == []


def test_a_block_must_be_a_builder_record(pulumi_mocks, files):
    with pytest.raises(ComponentInputError, match="`aws`") as info:
        GoldenImage(
            "x",
            GoldenImageArgs(aws="aws", provisioners=[RunCommands(commands=["true"])]),  # type: ignore[arg-type]
        )
    assert "AwsBuilder(...) or a mapping of its fields" in str(info.value)


@pytest.mark.parametrize(
    ("sources", "given"),
    [
        ({}, "None"),
        ({"source_image_id": AMI, "parent": "P"}, "source_image_id, parent"),
        (
            {
                "source_image_id": AMI,
                "source_lookup": AwsImageLookup(owners=["amazon"], name_pattern="x*"),
            },
            "source_image_id, source_lookup",
        ),
    ],
)
def test_exactly_one_source(pulumi_mocks, files, sources, given):
    if sources.get("parent") == "P":
        sources["parent"] = image("base", files=files).as_parent()
    b = AwsBuilder(subnet_id=SUBNET, ssh_cidrs=[CIDR], **sources)
    with pytest.raises(
        ComponentInputError, match=r"aws\.source_image_id/source_lookup/parent"
    ) as info:
        image("app", files=files, b=b)
    assert info.value.value == (None if given == "None" else given)
    assert "exactly one source" in str(info.value)


@pytest.mark.parametrize(
    ("field", "make"),
    [
        ("aws.ssh_cidrs", lambda: builder(ssh_cidrs=None)),
        (
            "aws.source_lookup.owners",
            lambda: builder(source=AwsImageLookup(owners=None, name_pattern="x*")),  # type: ignore[arg-type]
        ),
        ("aws.distribution.regions", lambda: builder(distribution=_dist(regions="us-west-2"))),
    ],
)
def test_none_or_a_string_where_a_list_is_expected_names_the_field(
    pulumi_mocks, files, field, make
):
    with pytest.raises(ComponentInputError, match=field) as info:
        image(files=files, b=make())
    assert "list" in info.value.accepted


def _dist(**kwargs):
    from immutable_components import AwsDistribution

    return AwsDistribution(**kwargs)


def test_none_provisioners_name_the_field(pulumi_mocks, files):
    with pytest.raises(ComponentInputError, match="`provisioners`") as info:
        GoldenImage("x", GoldenImageArgs(aws=builder(), provisioners=None))  # type: ignore[arg-type]
    assert info.value.accepted == "a non-empty list"


def test_ssh_open_to_the_world_is_a_warning_not_an_error(pulumi_mocks, files, monkeypatch):
    warnings: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda msg, *a, **k: warnings.append(msg))
    image(files=files, b=builder(ssh_cidrs=["0.0.0.0/0", "::/0", CIDR]))
    assert len(warnings) == 2
    assert warnings[0].startswith("GoldenImage 'base': aws.ssh_cidrs[0] is 0.0.0.0/0")
    assert "aws.ssh_cidrs[1] is ::/0" in warnings[1]
    sg = pulumi_mocks.one("aws:ec2/securityGroup:SecurityGroup")
    assert sg.inputs["ingress"][0]["cidrBlocks"] == ["0.0.0.0/0", CIDR]


def test_no_warning_for_a_narrow_ssh_range(pulumi_mocks, files, monkeypatch):
    warnings: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda msg, *a, **k: warnings.append(msg))
    image(files=files)
    assert warnings == []


def test_parent_from_another_cloud_is_rejected(pulumi_mocks, files):
    base = image("base", files=files)
    object.__setattr__(base, "builder_cloud", "gcp")
    with pytest.raises(ComponentInputError, match=r"aws\.parent") as info:
        image("app", files=files, b=builder(source=base))
    assert "GoldenImage 'base' baked on GCP" in str(info.value)
    assert "a GoldenImage baked on AWS" in str(info.value)


@pytest.mark.parametrize(
    ("field", "parent"),
    [
        ("aws.parent.build_hash", {"image_id": AMI, "build_hash": "abc"}),
        ("aws.parent.image_id", {"image_id": "my-base", "build_hash": "a" * 64}),
        (
            r"aws.parent.lineage\[0\].build_hash",
            {
                "image_id": AMI,
                "build_hash": "a" * 64,
                "lineage": [{"image_id": AMI, "build_hash": "short"}],
            },
        ),
    ],
)
def test_bad_parent_outputs_are_rejected(pulumi_mocks, files, field, parent):
    from immutable_components import ParentImage

    with pytest.raises(ComponentInputError, match=field):
        image("app", files=files, b=builder(source=None, parent=ParentImage(**parent)))


def test_a_parent_given_as_outputs_layers_like_the_golden_image_itself(files):
    """What another program (or language) passes: the parent's id, build hash and
    lineage; the child's build hash is the same as with ``base.as_parent()``."""
    from immutable_components import LineageEntry, ParentImage

    with mocked() as run:
        base = image("base", files=files)
        app = image("app", files=files, b=builder(source=base))
        base_id, base_hash = run.resolve(base.image_id), run.resolve(base.build_hash)
        want = run.resolve(app.build_hash), run.resolve(app.lineage)
    with mocked() as run:
        grand = LineageEntry(image_id="ami-0aaaaaaaaaaaaaaaa", build_hash="b" * 64)
        parent = ParentImage(image_id=base_id, build_hash=base_hash, lineage=[grand])
        app = image("app", files=files, b=builder(source=None, parent=parent))
        assert run.resolve(app.build_hash) == want[0]
        assert run.resolve(app.lineage) == [
            {"image_id": base_id, "build_hash": base_hash},
            {"image_id": grand.image_id, "build_hash": grand.build_hash},
        ]
        ami = run.one("aws:ec2/amiFromInstance:AmiFromInstance", "app-image")
        assert ami.inputs["tags"]["ParentImage"] == base_id
        assert ami.inputs["tags"]["ParentBuildHash"] == base_hash
        assert ami.inputs["tags"]["Ancestry"] == f"{base_hash[:16]},{'b' * 16}"
        assert run.one("aws:ec2/instance:Instance", "app-builder").inputs["ami"] == base_id
    assert want[1] == [{"image_id": base_id, "build_hash": base_hash}]


def test_approved_image_ids_are_the_image_its_source_while_baking_and_the_previous(
    pulumi_mocks, files
):
    img = image(files=files)
    image_id = pulumi_mocks.resolve(img.image_id)
    assert pulumi_mocks.resolve(img.approved_image_ids) == [image_id, AMI]


def test_args_may_be_a_mapping_of_the_fields(pulumi_mocks, files):
    """What the provider's construct hands the component: nested records as dicts."""
    img = GoldenImage(
        "base",
        {  # type: ignore[arg-type]
            "aws": {"subnet_id": SUBNET, "ssh_cidrs": [CIDR], "source_image_id": AMI},
            "provisioners": [{"kind": "run_commands", "commands": ["true"]}],
        },
    )
    inst = pulumi_mocks.one("aws:ec2/instance:Instance", "base-builder")
    assert inst.inputs["ami"] == AMI
    assert pulumi_mocks.resolve(img.origin) == "bake"


@pytest.mark.parametrize(
    ("field", "args"),
    [
        ("aws.subnet", {"aws": {"subnet": SUBNET}}),
        (r"provisioners\[0\].kind", {"provisioners": [{"kind": "shell"}]}),
        (r"provisioners\[0\].kind", {"provisioners": [{"commands": ["true"]}]}),
    ],
)
def test_a_bad_mapping_names_the_field(pulumi_mocks, files, field, args):
    good = {
        "aws": {"subnet_id": SUBNET, "ssh_cidrs": [CIDR], "source_image_id": AMI},
        "provisioners": [{"kind": "run_commands", "commands": ["true"]}],
    }
    with pytest.raises(ComponentInputError, match=field):
        GoldenImage("base", {**good, **args})  # type: ignore[arg-type]


def test_component_ignore_changes_reach_the_children_that_have_the_property(pulumi_mocks, files):
    image(files=files, opts=pulumi.ResourceOptions(ignore_changes=["tags", "user_data"]))
    inst = pulumi_mocks.one("aws:ec2/instance:Instance")
    assert inst.options["ignoreChanges"] == ["tags", "userData"]
    assert pulumi_mocks.one("aws:ec2/keyPair:KeyPair").options["ignoreChanges"] == ["tags"]
    ami = pulumi_mocks.one("aws:ec2/amiFromInstance:AmiFromInstance")
    assert ami.options["ignoreChanges"] == ["tags"]
    # children without the property are left alone
    assert pulumi_mocks.one("tls:index/privateKey:PrivateKey").options["ignoreChanges"] == []
    step = pulumi_mocks.one("command:remote:Command", "base-provision-3")
    assert step.options["ignoreChanges"] == ["connection", "create"]
