"""GoldenImage on Azure: a builder VM, generalized, captured into an image and published
in an Azure Compute Gallery (Packer's azure-arm way, as Pulumi resources).

Inputs and validation live here; the resources are registered by ``_azure_bake`` (read
its docstring for the order and for why generalization goes through the Azure CLI).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Union

import pulumi

from .._validate import Check, is_unknown
from .component import BakePlan, BakeResult, GoldenImage

__all__ = ["AzureBuilder", "AzureGallery", "AzureMarketplaceImage"]

LOCATION = re.compile(r"^[a-z][a-z0-9]{2,40}$")
VM_SIZE = re.compile(r"^(Standard|Basic)_[A-Za-z0-9_]+$")
RESOURCE_GROUP = re.compile(r"^[-\w._()]{0,89}[-\w_()]$")
SUBNET_ID = re.compile(
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/"
    r"virtualNetworks/[^/]+/subnets/[^/]+$",
    re.IGNORECASE,
)
IMAGE_ID = re.compile(
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Compute/"
    r"(images/[^/]+|galleries/[^/]+/images/[^/]+/versions/\d+\.\d+\.\d+)$",
    re.IGNORECASE,
)
GALLERY = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._]{0,78}[A-Za-z0-9])?$")
IDENTIFIER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,126}[A-Za-z0-9])?$")
VERSION = re.compile(r"^(\d{1,10})\.(\d{1,10})(?:\.(\d{1,10}))?$")
PATCH_HEX_DIGITS = 7
"""A derived patch is the build hash's first 7 hex digits as an integer: 0 to 268435455,
always inside the 32-bit range Azure allows."""
IMAGE_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,61})$")
USER = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
STORAGE_TYPES = ("StandardSSD_LRS", "Premium_LRS", "Standard_LRS", "StandardSSD_ZRS", "Premium_ZRS")
REPLICA_STORAGE = ("Standard_LRS", "Standard_ZRS", "Premium_LRS")
RESERVED_USERS = ("root", "admin", "administrator", "azureadmin", "guest", "test", "user")


@dataclass(frozen=True, kw_only=True)
class AzureMarketplaceImage:
    """A marketplace image, pinned to a version, e.g. Canonical /
    ``ubuntu-24_04-lts`` / ``server`` / ``24.04.202501140``."""

    publisher: str
    offer: str
    sku: str
    version: str
    """A pinned version. ``latest`` is refused: the build hash could not see it move."""

    def validate(self, check: Check, f: str) -> None:
        for attr in ("publisher", "offer", "sku"):
            check.matches(f"{f}.{attr}", getattr(self, attr), IDENTIFIER, "a marketplace name")
        if not isinstance(self.version, str) or not re.match(r"^\d+(\.\d+){1,3}$", self.version):
            check.fail(f"{f}.version", self.version, "a pinned version such as '24.04.202501140'")

    def key(self) -> str:
        return f"{self.publisher}:{self.offer}:{self.sku}:{self.version}"


@dataclass(frozen=True, kw_only=True)
class AzureGallery:
    """Publish into an existing Azure Compute Gallery: an image definition (the channel)
    and one image version per build, kept when a newer build replaces it."""

    gallery_name: pulumi.Input[str]
    """The gallery (letters, digits, ``.`` and ``_``; it must exist, e.g. a
    ``azure_native.compute.Gallery`` in the same stack)."""
    version: str
    """``Major.Minor`` (each build its own version) or a pinned ``Major.Minor.Patch``.

    With ``Major.Minor`` every build publishes ``Major.Minor.<patch>``, the patch being the
    first 7 hex digits of the build hash as an integer (below 2**28): a new build is a new
    version id, so a scale set on :attr:`GoldenImage.image_id` rolls to it, and the same
    build always gets the same id. The patch is not chronological: consumers following
    the definition's *latest* get the highest number, which inside one ``Major.Minor`` is
    whichever hash is larger (earlier versions are retained). Bump Minor (or Major) with
    each release that "latest" must pick.

    A pinned ``Major.Minor.Patch`` holds exactly one build. A changed build under it is a
    replacement of ``{name}-version`` under the same name: the preview shows it, and
    ``pulumi up`` fails when creating it (azure-native refuses to create a version that
    exists), before anything using the version changes. Then change the version."""
    publisher: str = "immutable-components"
    """Image definition identifier: publisher. Default: ``immutable-components``."""
    offer: str | None = None
    """Image definition identifier: offer. Default: the channel (definition) name."""
    sku: str = "linux"
    """Image definition identifier: SKU. Default: ``linux``."""
    replica_regions: Sequence[str] = ()
    """More regions to replicate the version to (the builder's location is always one).
    Default: only the builder's location."""
    replica_count: int = 1
    """Replicas per region (1-50). Default: 1."""
    storage_account_type: str = "Standard_LRS"
    """Storage of the replicas: Standard_LRS, Standard_ZRS or Premium_LRS.
    Default: Standard_LRS."""

    def validate(self, check: Check, location: str) -> None:
        f = "builder.gallery"
        check.matches(
            f"{f}.gallery_name",
            self.gallery_name,
            GALLERY,
            "1-80 letters, digits, '.' and '_' (no hyphens), starting and ending with a "
            "letter or digit",
        )
        m = VERSION.match(self.version) if isinstance(self.version, str) else None
        if m is None or any(p is not None and int(p) > 2**31 - 1 for p in m.groups()):
            check.fail(
                f"{f}.version",
                self.version,
                "'Major.Minor' (the patch comes from the build hash) or a pinned "
                "'Major.Minor.Patch', each part an integer from 0 to 2147483647",
            )
        for attr in ("publisher", "offer", "sku"):
            value = getattr(self, attr)
            if value is not None:
                check.matches(f"{f}.{attr}", value, IDENTIFIER, "1-128 letters, digits, . _ -")
        if isinstance(self.replica_regions, str) or not isinstance(self.replica_regions, Sequence):
            check.fail(f"{f}.replica_regions", self.replica_regions, "a list of locations")
        for i, region in enumerate(self.replica_regions):
            check.matches(f"{f}.replica_regions[{i}]", region, LOCATION, "an Azure location")
            if region == location:
                check.fail(
                    f"{f}.replica_regions[{i}]", region, "a location other than the builder's"
                )
        if len(set(self.replica_regions)) != len(self.replica_regions):
            check.fail(f"{f}.replica_regions", list(self.replica_regions), "no duplicates")
        check.int_range(f"{f}.replica_count", self.replica_count, 1, 50)
        check.one_of(f"{f}.storage_account_type", self.storage_account_type, REPLICA_STORAGE)

    def version_name(self, build_hash: str) -> str:
        """The name of the version a build publishes: :attr:`version` when pinned, else
        ``Major.Minor.<int of the hash's first 7 hex digits>``."""
        if self.version.count(".") == 2:
            return self.version
        return f"{self.version}.{int(build_hash[:PATCH_HEX_DIGITS], 16)}"


AzureSource = Union[str, pulumi.Output, GoldenImage, AzureMarketplaceImage]  # noqa: UP007


@dataclass(frozen=True, kw_only=True)
class AzureBuilder:
    """Bake on Azure: a builder VM, generalized and captured into a managed image, then
    (with ``gallery``) published as a gallery image version."""

    source: AzureSource
    """The image the builder boots from: an :class:`AzureMarketplaceImage` (pinned), a
    managed image or gallery image version id, or a :class:`GoldenImage` baked on
    Azure (layering)."""
    resource_group_name: pulumi.Input[str]
    """The resource group of every resource the builder creates."""
    location: str
    """The Azure location to bake in, e.g. ``westeurope``."""
    subnet_id: pulumi.Input[str]
    """The subnet of the builder's NIC. The machine running Pulumi must reach the builder
    on port 22 there (``public_ip=True``, VPN or peering)."""
    ssh_cidrs: Sequence[str]
    """CIDR blocks allowed to reach the builder on port 22; every other SSH source is
    denied by the NSG (even inside the virtual network)."""
    ssh_user: str = "azureuser"
    """The admin user created with the SSH key. Default: ``azureuser``."""
    vm_size: str = "Standard_B2s"
    """Builder VM size. Default: ``Standard_B2s``."""
    public_ip: bool = False
    """Give the builder a Standard static public IP and connect to it. Default: none,
    connect to the private IP."""
    os_disk_size_gb: int | None = None
    """OS disk size. Default: the source image's size."""
    storage_account_type: str = "StandardSSD_LRS"
    """OS disk storage type. Default: StandardSSD_LRS."""
    disk_encryption_set_id: pulumi.Input[str] | None = None
    """A disk encryption set (customer-managed key) for the OS disk. Default: Azure's
    platform-managed keys (managed disks are always encrypted at rest)."""
    hyper_v_generation: str = "V2"
    """V1 or V2; must match the source image. Default: V2."""
    gallery: AzureGallery | None = None
    """Publish as a gallery image version. Default: only a managed image (no channel)."""
    ssh_timeout_minutes: int = 10
    """How long to keep dialling SSH while the builder boots (1-60). Default: 10."""
    image_timeout_minutes: int = 90
    """Create timeout of the image and the version (10-1440). Default: 90."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags for the builder's resources (not the image). Default: none."""

    cloud = "azure"

    def validate(self, check: Check) -> None:
        src = self.source
        if isinstance(src, AzureMarketplaceImage):
            src.validate(check, "builder.source")
        elif isinstance(src, GoldenImage):
            if src.builder_cloud != "azure":
                check.fail("builder.source", src, "a GoldenImage baked on Azure")
        elif isinstance(src, str):
            check.matches(
                "builder.source", src, IMAGE_ID, "a managed image or gallery image version id"
            )
        elif not is_unknown(src):
            check.fail(
                "builder.source", src, "an AzureMarketplaceImage, an image id or a GoldenImage"
            )
        if isinstance(self.resource_group_name, str):
            check.matches(
                "builder.resource_group_name",
                self.resource_group_name,
                RESOURCE_GROUP,
                "1-90 letters, digits, - _ . ( ), not ending with '.'",
            )
        check.matches(
            "builder.location", self.location, LOCATION, "an Azure location such as 'westeurope'"
        )
        check.matches("builder.subnet_id", self.subnet_id, SUBNET_ID, "a subnet resource id")
        cidrs = check.non_empty_list("builder.ssh_cidrs", self.ssh_cidrs)
        for i, cidr in enumerate(cidrs):
            check.cidr(f"builder.ssh_cidrs[{i}]", cidr)
        check.matches("builder.ssh_user", self.ssh_user, USER, "a lower-case Linux user name")
        if self.ssh_user in RESERVED_USERS:
            check.fail("builder.ssh_user", self.ssh_user, "a name Azure does not reserve")
        self.validate_machine_size(check, "builder.vm_size", self.vm_size)
        if not isinstance(self.public_ip, bool):
            check.fail("builder.public_ip", self.public_ip, "True or False")
        if self.os_disk_size_gb is not None:
            check.int_range("builder.os_disk_size_gb", self.os_disk_size_gb, 30, 4095)
        check.one_of("builder.storage_account_type", self.storage_account_type, STORAGE_TYPES)
        check.one_of("builder.hyper_v_generation", self.hyper_v_generation, ("V1", "V2"))
        if self.gallery is not None:
            if not isinstance(self.gallery, AzureGallery):
                check.fail("builder.gallery", self.gallery, "an AzureGallery or None")
            self.gallery.validate(check, self.location)
        check.int_range("builder.ssh_timeout_minutes", self.ssh_timeout_minutes, 1, 60)
        check.int_range("builder.image_timeout_minutes", self.image_timeout_minutes, 10, 1440)
        check.string_map("builder.tags", dict(self.tags))

    def validate_machine_size(self, check: Check, field: str, value: Any) -> None:
        check.matches(field, value, VM_SIZE, "an Azure VM size such as 'Standard_B2s'")

    def validate_name(self, check: Check, field: str, prefix: str) -> None:
        if not IMAGE_NAME.match(prefix) or len(prefix) > 80 - 17:
            check.fail(field, prefix, "1-62 letters, digits, _ . - (Azure image names)")

    def validate_channel(self, check: Check, channel: str | None) -> None:
        if channel is not None and self.gallery is None:
            check.fail(
                "channel",
                channel,
                "a channel only with builder.gallery (the image "
                "definition is the channel on Azure)",
            )

    # -- source ------------------------------------------------------------------------

    def image_reference(self) -> dict[str, Any]:
        src = self.source
        if isinstance(src, AzureMarketplaceImage):
            return {
                "publisher": src.publisher,
                "offer": src.offer,
                "sku": src.sku,
                "version": src.version,
            }
        return {"id": src.image_id if isinstance(src, GoldenImage) else src}

    def source_key(self) -> str | pulumi.Output[str]:
        src = self.source
        if isinstance(src, GoldenImage):
            h = src.build_hash_value
            if isinstance(h, str):
                return f"golden-image:{h}"
            return h.apply(lambda v: f"golden-image:{v}")
        if isinstance(src, AzureMarketplaceImage):
            return f"azure-marketplace:{src.key()}"
        if isinstance(src, str):
            return f"azure-image:{src.lower()}"
        return pulumi.Output.from_input(src).apply(lambda s: f"azure-image:{s.lower()}")

    def source_label(self) -> pulumi.Input[str]:
        src = self.source
        if isinstance(src, AzureMarketplaceImage):
            return src.key()
        return src.image_id if isinstance(src, GoldenImage) else src

    def parent(self) -> GoldenImage | None:
        return self.source if isinstance(self.source, GoldenImage) else None

    def hash_settings(self) -> dict[str, Any]:
        return {
            "cloud": "azure",
            "vm_size": self.vm_size,
            "os_disk_size_gb": self.os_disk_size_gb,
            "storage_account_type": self.storage_account_type,
            "disk_encryption_set_id": self.disk_encryption_set_id
            if isinstance(self.disk_encryption_set_id, str) or self.disk_encryption_set_id is None
            else "[output]",
            "hyper_v_generation": self.hyper_v_generation,
        }

    def bake_scope(self) -> str:
        return str(self.resource_group_name)

    def bake(self, component: GoldenImage, name: str, plan: BakePlan) -> BakeResult:
        from . import _azure_bake  # the SDK is imported only when baking on Azure

        return _azure_bake.bake(self, component, name, plan)
