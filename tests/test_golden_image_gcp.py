"""GoldenImage on GCP: resources, inputs, ordering, labels, test and family."""

from __future__ import annotations

import re

import pytest

from immutable_components import ComponentInputError, GoldenImage, GoldenImageArgs, ImageTest
from immutable_components.golden_image import _labels
from immutable_components.golden_image.args import GcpBuilder, GcpImageFamily
from tests._images import GCP_IMAGE, SSH, deps, provisioners


def gcp(**kw):
    """A GcpBuilder; ``source`` (as the tests give it) goes to the field of its kind."""
    source = kw.pop("source", GCP_IMAGE)
    if isinstance(source, GoldenImage):
        kw["parent"] = source.as_parent()
    elif isinstance(source, GcpImageFamily):
        kw["source_family"] = source
    else:
        kw["source_image_id"] = source
    return GcpBuilder(**{"zone": "us-central1-a", "ssh_cidrs": SSH, **kw})


def test_bake_resources_and_order(pulumi_mocks, tmp_path):
    img = GoldenImage("base", GoldenImageArgs(gcp=gcp(), provisioners=provisioners(tmp_path)))
    names = [(r.type, r.name) for r in pulumi_mocks.resources if r.name != "base"]
    assert names == [
        ("tls:index/privateKey:PrivateKey", "base-ssh-key"),
        ("gcp:compute/firewall:Firewall", "base-builder-fw"),
        ("gcp:compute/firewall:Firewall", "base-builder-egress"),
        ("gcp:compute/firewall:Firewall", "base-builder-egress-deny"),
        ("gcp:compute/instance:Instance", "base-builder"),
        ("command:remote:Command", "base-wait-ready"),
        ("command:remote:Command", "base-provision-1"),
        ("command:remote:CopyToRemote", "base-provision-2"),
        ("command:remote:Command", "base-provision-3"),
        ("command:remote:Command", "base-clear-login"),
        ("command:local:Command", "base-builder-stopped"),
        ("gcp:compute/image:Image", "base-image"),
    ]
    component = pulumi_mocks.named("base")
    assert all(r.parent == component.urn for r in pulumi_mocks.children_of(component))
    assert len(pulumi_mocks.children_of(component)) == 12
    clear = pulumi_mocks.named("base-clear-login")
    assert "authorized_keys" in clear.inputs["create"]
    assert clear.urn in pulumi_mocks.named("base-builder-stopped").dependencies
    assert pulumi_mocks.named("base-builder").options["replaceOnChanges"] == ["*"]

    out = pulumi_mocks.one("gcp:compute/firewall:Firewall", "base-builder-egress").inputs
    assert (out["direction"], out["priority"], out["targetTags"]) == (
        "EGRESS",
        1000,
        ["base-builder"],
    )
    assert out["allows"] == [
        {"protocol": "tcp", "ports": ["53", "80", "443"]},
        {"protocol": "udp", "ports": ["53"]},
    ]
    assert out["destinationRanges"] == ["0.0.0.0/0"]
    deny = pulumi_mocks.one("gcp:compute/firewall:Firewall", "base-builder-egress-deny").inputs
    assert (deny["direction"], deny["priority"], deny["denies"]) == (
        "EGRESS",
        65000,
        [{"protocol": "all"}],
    )
    fw = pulumi_mocks.one("gcp:compute/firewall:Firewall", "base-builder-fw").inputs
    assert fw["sourceRanges"] == SSH
    assert fw["allows"] == [{"protocol": "tcp", "ports": ["22"]}]
    assert fw["targetTags"] == ["base-builder"] and fw["direction"] == "INGRESS"

    vm = pulumi_mocks.one("gcp:compute/instance:Instance")
    assert vm.inputs["tags"] == ["base-builder"]
    assert vm.inputs["metadata"]["block-project-ssh-keys"] == "TRUE"
    assert vm.inputs["metadata"]["ssh-keys"].startswith("builder:ssh-ed25519 ")
    assert vm.inputs["shieldedInstanceConfig"] == {
        "enableSecureBoot": True,
        "enableVtpm": True,
        "enableIntegrityMonitoring": True,
    }
    assert vm.inputs["networkInterfaces"][0]["accessConfigs"] == []  # no external IP
    assert vm.inputs["bootDisk"]["initializeParams"]["image"] == GCP_IMAGE
    assert "serviceAccount" not in vm.inputs
    assert vm.options["replaceOnChanges"] == ["*"]

    stop = pulumi_mocks.one("command:local:Command", "base-builder-stopped")
    assert stop.inputs["create"].startswith("gcloud compute instances stop base-builder --zone")
    assert deps(stop) >= {"base-clear-login"}  # after the last step and the clearing
    assert stop.options["deletedWith"] == vm.urn

    image = pulumi_mocks.one("gcp:compute/image:Image")
    assert {"base-builder-stopped", "base-clear-login"} <= deps(image)
    assert image.inputs["sourceDisk"].endswith("/zones/us-central1-a/disks/base-builder")
    assert "family" not in image.inputs
    h = pulumi_mocks.resolve(img.build_hash)
    assert image.inputs["description"] == f"base build {h}"  # the full hash
    labels = image.inputs["labels"]
    assert labels["build_hash"] == h[:63]
    assert labels["managed_by"] == "immutable-components"
    assert labels["source_image"] == "debian-12-bookworm-v20250101"
    assert all(len(v) <= _labels.LABEL_MAX for v in labels.values())
    assert pulumi_mocks.resolve(img.image_id) == (
        f"https://www.googleapis.com/compute/v1/projects/mock-project/global/images/base-{h[:16]}"
    )
    assert pulumi_mocks.resolve(img.region) == "global"
    assert pulumi_mocks.resolve(img.channel) is None


def test_family_source_layering_test_and_channel(pulumi_mocks, tmp_path):
    base = GoldenImage(
        "base",
        GoldenImageArgs(
            gcp=gcp(source=GcpImageFamily(project="debian-cloud", family="debian-12")),
            provisioners=provisioners(tmp_path),
        ),
    )
    app = GoldenImage(
        "app",
        GoldenImageArgs(
            gcp=gcp(source=base, public_ip=True),
            provisioners=provisioners(tmp_path, "app"),
            test=ImageTest(commands=["systemctl is-active app"], instance_type="e2-medium"),
            channel="app",
        ),
    )
    assert pulumi_mocks.mocks.invokes[0][0] == "gcp:compute/getImage:getImage"
    image = pulumi_mocks.one("gcp:compute/image:Image", "app-image")
    assert "family" not in image.inputs  # not visible on the channel before the test
    tester = pulumi_mocks.one("gcp:compute/instance:Instance", "app-test")
    assert tester.inputs["machineType"] == "e2-medium"
    assert deps(tester) >= {"app-image"}
    run = pulumi_mocks.one("command:remote:Command", "app-test-run")
    assert deps(run) >= {"app-test-ready"}
    assert run.options["customTimeouts"] == {"create": "15m"}
    published = pulumi_mocks.one("gcp:compute/image:Image", "app-published")
    assert published.inputs["family"] == "app"
    assert "app-test-run" in deps(published)
    assert published.inputs["sourceImage"].endswith(image.inputs["name"])
    assert published.inputs["name"] == image.inputs["name"] + "-p"
    assert pulumi_mocks.resolve(app.channel) == "app"
    assert pulumi_mocks.resolve(app.image_id).endswith("-p")
    base_hash = pulumi_mocks.resolve(base.build_hash)
    assert image.inputs["labels"]["ancestry"] == base_hash[:16]
    assert pulumi_mocks.resolve(app.lineage) == [
        {"image_id": pulumi_mocks.resolve(base.image_id), "build_hash": base_hash}
    ]
    builder = pulumi_mocks.one("gcp:compute/instance:Instance", "app-builder")
    assert builder.inputs["networkInterfaces"][0]["accessConfigs"] == [{}]


def test_channel_without_test_puts_the_image_in_the_family(pulumi_mocks, tmp_path):
    GoldenImage(
        "web", GoldenImageArgs(gcp=gcp(), provisioners=provisioners(tmp_path), channel="web")
    )
    assert pulumi_mocks.one("gcp:compute/image:Image").inputs["family"] == "web"


def test_labels_are_gcp_safe():
    labels = _labels.labels({"BuildHash": "A" * 64, "Team": "Platform Ops/Images"})
    assert labels == {"build_hash": "a" * 63, "team": "platform_ops_images"}
    assert _labels.lineage_label(["a" * 64] * 5) == "_".join(["a" * 16] * 3)


@pytest.mark.parametrize(
    ("kwargs", "args", "field"),
    [
        ({"zone": "us-central1"}, {}, "gcp.zone"),
        ({"source": "debian-12"}, {}, "gcp.source_image_id"),
        (
            {"source": "projects/debian-cloud/global/images/family/debian-12"},
            {},
            "gcp.source_image_id",
        ),
        ({"ssh_cidrs": ["0.0.0.1/0"]}, {}, r"gcp.ssh_cidrs\[0\]"),
        ({"ssh_cidrs": []}, {}, "gcp.ssh_cidrs"),
        ({"ssh_cidrs": ["203.0.113.0/24", "2001:db8::/64"]}, {}, "only IPv4 or only IPv6"),
        ({"machine_type": "E2_SMALL"}, {}, "gcp.machine_type"),
        ({"disk_type": "gp3"}, {}, "gcp.disk_type"),
        ({"kms_key_self_link": "alias/x"}, {}, "gcp.kms_key_self_link"),
        ({"labels": {"Team": "x"}}, {}, "gcp.labels key"),
        ({"project": "P"}, {}, "gcp.project"),
        ({"source": GcpImageFamily(project="debian-cloud", family="Debian")}, {}, "family"),
        ({}, {"channel": "App"}, "channel"),
        ({}, {"name_prefix": "Base"}, "name_prefix"),
        (
            {},
            {"test": ImageTest(commands=["true"], instance_type="t3.micro")},
            "test.instance_type",
        ),
        ({}, {"test": ImageTest(commands=[])}, "test.commands"),
        ({}, {"test": ImageTest(commands=["true"], timeout_minutes=0)}, "test.timeout_minutes"),
    ],
)
def test_bad_input(pulumi_mocks, tmp_path, kwargs, args, field):
    with pytest.raises(ComponentInputError, match=field):
        GoldenImage(
            "base",
            GoldenImageArgs(gcp=gcp(**kwargs), provisioners=provisioners(tmp_path), **args),
        )
    assert pulumi_mocks.resources == []


def test_an_image_of_the_build_the_project_holds_is_reused_or_tested(pulumi_mocks, tmp_path):
    from immutable_components import ImageTest

    held = "https://www.googleapis.com/compute/v1/projects/p/global/images/"

    def answer(c):
        # the project holds the untested image of the build asked for: app-<hash16>
        build = re.search(r'labels.build_hash = "([0-9a-f]+)"', c.inputs["filter"]).group(1)
        name = f"app-{build[:16]}"
        return {"id": "x", "images": [{"name": name, "selfLink": held + name}]}

    pulumi_mocks.mocks.register_invoke("gcp:compute/getImages:getImages", answer)
    probe = GoldenImage("app", GoldenImageArgs(gcp=gcp(), provisioners=provisioners(tmp_path)))
    # Without a test the held image is the image: nothing is registered for it.
    assert pulumi_mocks.resolve(probe.image_id) == held + pulumi_mocks.resolve(probe.image_name)
    assert pulumi_mocks.resolve(probe.origin) == "reuse"
    assert [r.name for r in pulumi_mocks.resources if r.custom] == []
    # With a test, an untested image of the build is tested, then published as <name>-p.
    tested = GoldenImage(
        "app-t",
        GoldenImageArgs(
            gcp=gcp(project="other-project"),  # another project: no shared bake
            provisioners=provisioners(tmp_path),
            name_prefix="app",
            test=ImageTest(commands=["true"]),
        ),
    )
    names = [r.name for r in pulumi_mocks.resources if r.custom]
    assert "app-t-builder" not in names and "app-t-image" not in names
    assert {"app-t-test", "app-t-test-run", "app-t-published"} <= set(names)
    assert pulumi_mocks.resolve(tested.origin) == "test"


def test_one_build_bakes_once_and_cannot_join_two_families(pulumi_mocks, tmp_path):
    first = GoldenImage(
        "app-a", GoldenImageArgs(gcp=gcp(), provisioners=provisioners(tmp_path), channel="app")
    )
    second = GoldenImage(
        "app-b", GoldenImageArgs(gcp=gcp(), provisioners=provisioners(tmp_path), channel="app")
    )
    assert pulumi_mocks.resolve(second.image_id) == pulumi_mocks.resolve(first.image_id)
    assert not [r for r in pulumi_mocks.resources if r.name.startswith("app-b-")]
    with pytest.raises(ComponentInputError, match=r"GoldenImage 'app-c': `channel` = 'other'"):
        GoldenImage(
            "app-c",
            GoldenImageArgs(gcp=gcp(), provisioners=provisioners(tmp_path), channel="other"),
        )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"egress_cidrs": ["0.0.0.0/0", "::/0"]}, r"gcp\.egress_cidrs"),
        ({"egress_cidrs": []}, r"gcp\.egress_cidrs"),
        ({"egress_tcp_ports": [0]}, r"gcp\.egress_tcp_ports\[0\]"),
    ],
)
def test_bad_egress(pulumi_mocks, tmp_path, kwargs, field):
    with pytest.raises(ComponentInputError, match=field):
        GoldenImage("base", GoldenImageArgs(gcp=gcp(**kwargs), provisioners=provisioners(tmp_path)))


SUBNET_LINK = "projects/net-host/regions/us-central1/subnetworks/builders"


@pytest.mark.parametrize(
    ("kwargs", "field", "accepted"),
    [
        # a subnetwork's path where the network is expected, and the other way round
        ({"network": SUBNET_LINK}, "gcp.network", "network name ('default') or self link"),
        (
            {"subnetwork": "projects/net-host/global/networks/shared"},
            "gcp.subnetwork",
            "subnetwork name or self link",
        ),
        (
            {"subnetwork": "projects/net-host/regions/europe-west1/subnetworks/builders"},
            "gcp.subnetwork",
            "in the zone's region (us-central1)",
        ),
        ({"network": "Shared VPC"}, "gcp.network", "network name"),
        # a key's name where its path is expected
        ({"kms_key_self_link": "images-key"}, "gcp.kms_key_self_link", "not its name"),
        # an image's name where its self link is expected
        ({"source": "debian-12-bookworm-v20250101"}, "gcp.source_image_id", "not a bare image"),
        ({"project": "123456789012"}, "gcp.project", "a GCP project id"),
    ],
)
def test_names_where_self_links_are_expected_and_back(
    pulumi_mocks, tmp_path, kwargs, field, accepted
):
    with pytest.raises(ComponentInputError, match=re.escape(f"`{field}`")) as info:
        GoldenImage("base", GoldenImageArgs(gcp=gcp(**kwargs), provisioners=provisioners(tmp_path)))
    assert accepted in info.value.accepted
    assert str(next(iter(kwargs.values()))) in str(info.value)
    assert pulumi_mocks.resources == []


def test_network_and_subnetwork_as_names_or_self_links_reach_the_builder(pulumi_mocks, tmp_path):
    network = "https://www.googleapis.com/compute/v1/projects/net-host/global/networks/shared"
    GoldenImage(
        "base",
        GoldenImageArgs(
            gcp=gcp(network=network, subnetwork=SUBNET_LINK), provisioners=provisioners(tmp_path)
        ),
    )
    nic = pulumi_mocks.one("gcp:compute/instance:Instance").inputs["networkInterfaces"][0]
    assert (nic["network"], nic["subnetwork"]) == (network, SUBNET_LINK)
    assert (
        pulumi_mocks.one("gcp:compute/firewall:Firewall", "base-builder-fw").inputs["network"]
        == network
    )


def test_ssh_from_anywhere_warns(pulumi_mocks, tmp_path, monkeypatch):
    import pulumi

    warnings: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda msg, *a, **k: warnings.append(msg))
    GoldenImage(
        "base",
        GoldenImageArgs(gcp=gcp(ssh_cidrs=["0.0.0.0/0"]), provisioners=provisioners(tmp_path)),
    )
    assert warnings and "gcp.ssh_cidrs[0] is 0.0.0.0/0" in warnings[0]


def test_none_where_a_list_is_expected_names_the_field(pulumi_mocks, tmp_path):
    with pytest.raises(ComponentInputError, match=r"`gcp\.ssh_cidrs` = None"):
        GoldenImage(
            "base", GoldenImageArgs(gcp=gcp(ssh_cidrs=None), provisioners=provisioners(tmp_path))
        )


def test_approved_image_ids_include_the_chain_root_on_gcp(pulumi_mocks, tmp_path):
    family = GcpImageFamily(project="debian-cloud", family="debian-12")
    base = GoldenImage(
        "base", GoldenImageArgs(gcp=gcp(source=family), provisioners=provisioners(tmp_path))
    )
    app = GoldenImage(
        "app", GoldenImageArgs(gcp=gcp(source=base), provisioners=provisioners(tmp_path, "a"))
    )
    root = pulumi_mocks.resolve(pulumi_mocks_output(base.root_source))
    base_id, app_id = pulumi_mocks.resolve(base.image_id), pulumi_mocks.resolve(app.image_id)
    assert pulumi_mocks.resolve(base.approved_image_ids) == [base_id, root]
    # the app bakes on the base: its source while baking, and the chain's root
    assert pulumi_mocks.resolve(app.approved_image_ids) == [app_id, base_id, root]
    # one family, asked once per program run
    asked = [i for i in pulumi_mocks.mocks.invokes if i[0] == "gcp:compute/getImage:getImage"]
    assert len(asked) == 1


def pulumi_mocks_output(value):
    import pulumi

    return pulumi.Output.from_input(value)
