"""GoldenImage on Azure: resources, inputs, ordering, tags, test and gallery publication."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pulumi
import pytest

from immutable_components import ComponentInputError, GoldenImage, GoldenImageArgs, ImageTest
from immutable_components.golden_image.args import (
    AzureBuilder,
    AzureGallery,
    AzureMarketplaceImage,
    gallery_version_name,
)
from immutable_components.planner import run_plan
from tests._images import AZ_SUBNET, SSH, deps, provisioners

REPO = Path(__file__).resolve().parents[1]

UBUNTU = AzureMarketplaceImage(
    publisher="Canonical", offer="ubuntu-24_04-lts", sku="server", version="24.04.202501140"
)
ID_PREFIX = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"


def azure(**kw):
    """An AzureBuilder; ``source`` (as the tests give it) goes to the field of its kind."""
    source = kw.pop("source", UBUNTU)
    if isinstance(source, GoldenImage):
        kw["parent"] = source.as_parent()
    elif isinstance(source, AzureMarketplaceImage):
        kw["source_marketplace"] = source
    else:
        kw["source_image_id"] = source
    return AzureBuilder(
        **{
            "resource_group_name": "rg",
            "location": "westeurope",
            "subnet_id": AZ_SUBNET,
            "ssh_cidrs": SSH,
            **kw,
        }
    )


def test_bake_resources_and_order(pulumi_mocks, tmp_path):
    img = GoldenImage("base", GoldenImageArgs(azure=azure(), provisioners=provisioners(tmp_path)))
    names = [(r.type, r.name) for r in pulumi_mocks.resources if r.name != "base"]
    assert names == [
        ("tls:index/privateKey:PrivateKey", "base-ssh-key"),
        ("azure-native:network:NetworkSecurityGroup", "base-builder-nsg"),
        ("azure-native:network:NetworkInterface", "base-builder-nic"),
        ("azure-native:compute:VirtualMachine", "base-builder"),
        ("command:remote:Command", "base-wait-ready"),
        ("command:remote:Command", "base-provision-1"),
        ("command:remote:CopyToRemote", "base-provision-2"),
        ("command:remote:Command", "base-provision-3"),
        ("command:remote:Command", "base-deprovision"),
        ("command:local:Command", "base-generalize"),
        ("azure-native:compute:Image", "base-image"),
    ]
    component = pulumi_mocks.named("base")
    assert len(pulumi_mocks.children_of(component)) == 11

    rules = pulumi_mocks.one("azure-native:network:NetworkSecurityGroup").inputs["securityRules"]
    allow, deny = rules
    assert allow["access"] == "Allow" and allow["sourceAddressPrefixes"] == SSH
    assert allow["destinationPortRange"] == "22" and allow["priority"] == 100
    assert deny["access"] == "Deny" and deny["sourceAddressPrefix"] == "*"

    nic = pulumi_mocks.one("azure-native:network:NetworkInterface").inputs
    assert "publicIPAddress" not in nic["ipConfigurations"][0]  # no public IP by default
    assert nic["ipConfigurations"][0]["subnet"]["id"] == AZ_SUBNET

    vm = pulumi_mocks.one("azure-native:compute:VirtualMachine")
    linux = vm.inputs["osProfile"]["linuxConfiguration"]
    assert linux["disablePasswordAuthentication"] is True
    assert linux["ssh"]["publicKeys"][0]["path"] == "/home/azureuser/.ssh/authorized_keys"
    assert vm.inputs["storageProfile"]["imageReference"] == {
        "publisher": "Canonical",
        "offer": "ubuntu-24_04-lts",
        "sku": "server",
        "version": "24.04.202501140",
    }
    assert vm.inputs["storageProfile"]["osDisk"]["deleteOption"] == "Delete"
    assert vm.options["replaceOnChanges"] == ["tags"]
    h = pulumi_mocks.resolve(img.build_hash)
    assert vm.inputs["tags"]["BuildHash"] == h

    deprovision = pulumi_mocks.one("command:remote:Command", "base-deprovision")
    assert "waagent -force -deprovision+user" in deprovision.inputs["create"]
    assert "base-provision-3" in deps(deprovision)
    generalize = pulumi_mocks.one("command:local:Command", "base-generalize")
    assert generalize.inputs["create"].startswith("az vm deallocate --ids /subscriptions/")
    assert " && az vm generalize --ids /subscriptions/" in generalize.inputs["create"]
    assert "base-deprovision" in deps(generalize)
    image = pulumi_mocks.one("azure-native:compute:Image")
    assert "base-generalize" in deps(image)
    assert image.inputs["imageName"] == f"base-{h[:16]}"
    assert image.inputs["sourceVirtualMachine"]["id"].startswith(
        ID_PREFIX + "Microsoft.Compute/virtualMachines/"
    )
    assert image.inputs["tags"]["BuildHash"] == h
    assert (
        pulumi_mocks.resolve(img.image_id) == f"{ID_PREFIX}Microsoft.Compute/images/base-{h[:16]}"
    )
    assert pulumi_mocks.resolve(img.channel) is None


def test_layered_tested_and_published_in_gallery(pulumi_mocks, tmp_path):
    base = GoldenImage("base", GoldenImageArgs(azure=azure(), provisioners=provisioners(tmp_path)))
    app = GoldenImage(
        "app",
        GoldenImageArgs(
            azure=azure(
                source=base,
                public_ip=True,
                gallery=AzureGallery(
                    gallery_name="images", version="1.2.3", replica_regions=["northeurope"]
                ),
            ),
            provisioners=provisioners(tmp_path, "app"),
            test=ImageTest(commands=["true"]),
            channel="app",
        ),
    )
    builder = pulumi_mocks.one("azure-native:compute:VirtualMachine", "app-builder")
    base_id = pulumi_mocks.resolve(base.image_id)
    assert builder.inputs["storageProfile"]["imageReference"] == {"id": base_id}
    assert pulumi_mocks.one("azure-native:network:PublicIPAddress", "app-builder-ip").inputs[
        "sku"
    ] == {"name": "Standard"}
    tester = pulumi_mocks.one("azure-native:compute:VirtualMachine", "app-test")
    image = pulumi_mocks.one("azure-native:compute:Image", "app-image")
    assert "app-image" in deps(tester)
    dealloc = pulumi_mocks.one("command:local:Command", "app-test-deallocated")
    assert "app-test-run" in deps(dealloc)
    definition = pulumi_mocks.one("azure-native:compute:GalleryImage").inputs
    assert definition["galleryImageName"] == "app" and definition["osState"] == "Generalized"
    assert definition["identifier"] == {
        "publisher": "immutable-components",
        "offer": "app",
        "sku": "linux",
    }
    version = pulumi_mocks.one("azure-native:compute:GalleryImageVersion")
    assert {"app-test-run", "app-definition", "app-image"} <= deps(version)
    # A scale set may still use the version this one replaces: never deleted first, kept.
    assert version.options["deleteBeforeReplace"] is False
    assert version.options["retainOnDelete"] is True
    assert version.options["replaceOnChanges"] == ["storageProfile"]
    profile = version.inputs["publishingProfile"]
    assert profile["excludeFromLatest"] is False
    assert [r["name"] for r in profile["targetRegions"]] == ["westeurope", "northeurope"]
    assert version.inputs["galleryImageVersionName"] == "1.2.3"  # pinned: taken as given
    assert version.inputs["storageProfile"]["source"]["id"].endswith(image.inputs["imageName"])
    base_hash = pulumi_mocks.resolve(base.build_hash)
    assert version.inputs["tags"]["Ancestry"] == base_hash[:16]
    assert pulumi_mocks.resolve(app.channel) == "app"
    assert pulumi_mocks.resolve(app.image_id).endswith(
        "/galleries/images/images/app/versions/1.2.3"
    )


def gallery(**kw):
    return AzureGallery(**{"gallery_name": "images", "version": "1.0.0", **kw})


@pytest.mark.parametrize(
    ("kwargs", "args", "field"),
    [
        ({"location": "West Europe"}, {}, "azure.location"),
        ({"subnet_id": "subnet-0123456789abcdef0"}, {}, "azure.subnet_id"),
        ({"source": "ami-0123456789abcdef0"}, {}, "azure.source_image_id"),
        (
            {"source": AzureMarketplaceImage(publisher="C", offer="o", sku="s", version="latest")},
            {},
            "azure.source_marketplace.version",
        ),
        ({"ssh_cidrs": ["10.0.0.1/8"]}, {}, r"azure.ssh_cidrs\[0\]"),
        ({"ssh_user": "admin"}, {}, "azure.ssh_user"),
        ({"vm_size": "t3.micro"}, {}, "azure.vm_size"),
        ({"storage_account_type": "gp3"}, {}, "azure.storage_account_type"),
        ({"hyper_v_generation": "V3"}, {}, "azure.hyper_v_generation"),
        ({"gallery": gallery(gallery_name="my-gallery")}, {}, "azure.gallery.gallery_name"),
        ({"gallery": gallery(version="1")}, {}, "azure.gallery.version"),
        ({"gallery": gallery(version="1.0.0.0")}, {}, "azure.gallery.version"),
        ({"gallery": gallery(version="v1.0")}, {}, "azure.gallery.version"),
        ({"gallery": gallery(version="1.")}, {}, "azure.gallery.version"),
        ({"gallery": gallery(version="1.-1")}, {}, "azure.gallery.version"),
        ({"gallery": gallery(version="2147483648.0")}, {}, "azure.gallery.version"),
        ({"gallery": gallery(version="1.0.2147483648")}, {}, "azure.gallery.version"),
        ({"gallery": gallery(version=1.0)}, {}, "azure.gallery.version"),
        ({"gallery": gallery(replica_regions=["westeurope"])}, {}, "replica_regions"),
        ({"gallery": gallery(replica_regions=["North Europe"])}, {}, "replica_regions"),
        ({"gallery": gallery(storage_account_type="Premium_ZRS")}, {}, "storage_account_type"),
        ({}, {"channel": "app"}, "channel"),  # a channel needs a gallery on Azure
        ({"gallery": gallery()}, {"channel": "App_1"}, "channel"),
        (
            {},
            {"test": ImageTest(commands=["true"], instance_type="e2-small")},
            "test.instance_type",
        ),
    ],
)
def test_bad_input(pulumi_mocks, tmp_path, kwargs, args, field):
    with pytest.raises(ComponentInputError, match=field):
        GoldenImage(
            "base",
            GoldenImageArgs(azure=azure(**kwargs), provisioners=provisioners(tmp_path), **args),
        )
    assert pulumi_mocks.resources == []


def published(pulumi_mocks, name: str) -> str:
    return pulumi_mocks.one("azure-native:compute:GalleryImageVersion", f"{name}-version").inputs[
        "galleryImageVersionName"
    ]


def test_each_build_publishes_its_own_version(pulumi_mocks, tmp_path):
    """``Major.Minor``: the patch comes from the build hash, so a new build is a new
    version id (a scale set on ``image_id`` rolls) and the same build the same id."""
    dirs = {key: tmp_path / key for key in ("img-a", "img-b", "img-c")}
    for path in dirs.values():
        path.mkdir()
    markers = {"img-a": "v1", "img-b": "v1", "img-c": "v2"}  # b as a; c: a file changed
    images = {
        key: GoldenImage(
            key,
            GoldenImageArgs(
                azure=azure(gallery=gallery(version="3.1")),
                provisioners=provisioners(dirs[key], markers[key]),
            ),
        )
        for key in dirs
    }
    hashes = {key: pulumi_mocks.resolve(img.build_hash) for key, img in images.items()}
    assert hashes["img-a"] == hashes["img-b"] != hashes["img-c"]
    for key, img in images.items():
        name = f"3.1.{int(hashes[key][:7], 16)}"
        assert published(pulumi_mocks, key) == name
        assert pulumi_mocks.resolve(img.image_id).endswith(f"/images/{key}/versions/{name}")
    assert published(pulumi_mocks, "img-a") == published(pulumi_mocks, "img-b")
    assert published(pulumi_mocks, "img-a") != published(pulumi_mocks, "img-c")


def test_version_named_by_a_hash_known_only_at_deployment(pulumi_mocks, tmp_path):
    source = pulumi.Output.from_input(f"{ID_PREFIX}Microsoft.Compute/images/vendor-base")
    img = GoldenImage(
        "app",
        GoldenImageArgs(
            azure=azure(source=source, gallery=gallery(version="2.0")),
            provisioners=provisioners(tmp_path),
        ),
    )
    h = pulumi_mocks.resolve(img.build_hash)
    assert published(pulumi_mocks, "app") == f"2.0.{int(h[:7], 16)}"


@pytest.mark.parametrize(
    ("version", "build_hash", "name"),
    [
        ("1.2", "0000000" + "f" * 57, "1.2.0"),
        ("1.2", "abcdef0" + "0" * 57, "1.2.180150000"),
        ("1.2", "fffffff" + "f" * 57, "1.2.268435455"),  # the largest patch, < 2**31
        ("2147483647.0", "0000001" + "0" * 57, "2147483647.0.1"),
        ("1.2.3", "abcdef0" + "0" * 57, "1.2.3"),  # pinned: the build does not name it
        ("0.0.0", "fffffff" + "f" * 57, "0.0.0"),
    ],
)
def test_version_name(version, build_hash, name):
    g = AzureGallery(gallery_name="images", version=version)
    assert gallery_version_name(g, build_hash) == name
    assert int(name.rsplit(".", 1)[1]) <= 2**31 - 1


def _service_modules() -> list[str]:
    return [m for m in sys.modules if m == "service" or m.startswith("service.")]


@pytest.fixture
def example_project(tmp_path):
    """A copy of the example project. The example's `service` package is imported by
    path: the copy's is loaded fresh, and whatever was loaded before is put back after."""
    saved = {m: sys.modules.pop(m) for m in _service_modules()}
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(REPO / "Pulumi.yaml", project)
    shutil.copytree(
        REPO / "stacks", project / "stacks", ignore=shutil.ignore_patterns("__pycache__")
    )
    yield project
    for module in _service_modules():
        del sys.modules[module]
    sys.modules.update(saved)


def plan_azure_dev(project: Path) -> dict[str, dict]:
    for module in _service_modules():
        del sys.modules[module]
    return {r["name"]: r for r in run_plan(project, "azure-dev").document()["resources"]}


def test_example_rebake_publishes_a_new_version_the_scale_set_rolls_to(example_project):
    """Done when: azure-dev's gallery version changes when a provisioning file changes."""
    project = example_project
    before = plan_azure_dev(project)
    again = plan_azure_dev(project)
    script = project / "stacks" / "images" / "app" / "install.sh"
    script.write_text(script.read_text() + "\n# a change to the app's provisioning\n")
    after = plan_azure_dev(project)

    def version(plan: dict[str, dict]) -> str:
        return plan["app-version"]["inputs"]["galleryImageVersionName"]

    def scale_set_image(plan: dict[str, dict]) -> str:
        vmss = plan["app-fleet-vmss"]["inputs"]
        return vmss["virtualMachineProfile"]["storageProfile"]["imageReference"]["id"]

    assert re.fullmatch(r"1\.0\.\d+", version(before))  # appVersion 1.0.0: Major.Minor 1.0
    assert version(again) == version(before)  # the same build: the same version, no change
    assert version(after) != version(before)
    for plan in (before, after):
        assert scale_set_image(plan).endswith(
            f"/galleries/immutable_images/images/app/versions/{version(plan)}"
        )
        options = plan["app-version"]["options"]
        assert options["deleteBeforeReplace"] is False
        assert options["retainOnDelete"] is True
    # The base image is not published in the gallery and did not change.
    assert before["base-image"]["inputs"]["imageName"] == after["base-image"]["inputs"]["imageName"]


@pytest.mark.parametrize(
    ("kwargs", "field", "accepted"),
    [
        # a bare name where a resource id is expected: the error shows the id's shape
        ({"subnet_id": "builders"}, "azure.subnet_id", "/subscriptions/<subscription>/"),
        (
            {"subnet_id": f"{ID_PREFIX}Microsoft.Network/virtualNetworks/vnet"},
            "azure.subnet_id",
            "virtualNetworks/<vnet>/subnets/<subnet>",
        ),
        ({"source": "vendor-base"}, "azure.source_image_id", "Microsoft.Compute/images/<image>"),
        (
            {"disk_encryption_set_id": "my-des"},
            "azure.disk_encryption_set_id",
            "Microsoft.Compute/diskEncryptionSets/<name>",
        ),
        # a resource id where a name is expected
        (
            {"resource_group_name": "/subscriptions/0000/resourceGroups/rg"},
            "azure.resource_group_name",
            "the resource group's name, not its resource id",
        ),
        (
            {"gallery": gallery(gallery_name=f"{ID_PREFIX}Microsoft.Compute/galleries/images")},
            "azure.gallery.gallery_name",
            "the gallery's name, not its resource id",
        ),
    ],
)
def test_names_where_ids_are_expected_and_back(pulumi_mocks, tmp_path, kwargs, field, accepted):
    with pytest.raises(ComponentInputError, match=re.escape(f"`{field}`")) as info:
        GoldenImage(
            "base", GoldenImageArgs(azure=azure(**kwargs), provisioners=provisioners(tmp_path))
        )
    assert accepted in info.value.accepted
    assert "GoldenImage 'base'" in str(info.value)
    assert pulumi_mocks.resources == []


def test_a_disk_encryption_set_id_reaches_the_os_disk(pulumi_mocks, tmp_path):
    des = f"{ID_PREFIX}Microsoft.Compute/diskEncryptionSets/images"
    GoldenImage(
        "base",
        GoldenImageArgs(
            azure=azure(disk_encryption_set_id=des), provisioners=provisioners(tmp_path)
        ),
    )
    vm = pulumi_mocks.one("azure-native:compute:VirtualMachine", "base-builder")
    assert vm.inputs["storageProfile"]["osDisk"]["managedDisk"]["diskEncryptionSet"] == {"id": des}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"ssh_cidrs": None}, r"`azure\.ssh_cidrs` = None"),
        ({"gallery": gallery(replica_regions=None)}, None),  # None: the default (none)
    ],
)
def test_none_for_a_collection(pulumi_mocks, tmp_path, kwargs, field):
    args = GoldenImageArgs(azure=azure(**kwargs), provisioners=provisioners(tmp_path))
    if field is None:
        GoldenImage("base", args)
        version = pulumi_mocks.one("azure-native:compute:GalleryImageVersion")
        regions = version.inputs["publishingProfile"]["targetRegions"]
        assert [r["name"] for r in regions] == ["westeurope"]
        return
    with pytest.raises(ComponentInputError, match=field):
        GoldenImage("base", args)


def test_ssh_from_anywhere_warns(pulumi_mocks, tmp_path, monkeypatch):
    warnings: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda msg, *a, **k: warnings.append(msg))
    GoldenImage(
        "base",
        GoldenImageArgs(azure=azure(ssh_cidrs=["0.0.0.0/0"]), provisioners=provisioners(tmp_path)),
    )
    assert len(warnings) == 1 and "azure.ssh_cidrs[0] is 0.0.0.0/0" in warnings[0]
    nsg = pulumi_mocks.one("azure-native:network:NetworkSecurityGroup")
    assert nsg.inputs["securityRules"][0]["sourceAddressPrefixes"] == ["0.0.0.0/0"]
