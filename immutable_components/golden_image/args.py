"""GoldenImage's inputs: pure-data records, and the checks they get at construction.

One component bakes on one cloud: exactly one of the per-cloud blocks
:attr:`GoldenImageArgs.aws`, :attr:`~GoldenImageArgs.gcp` and
:attr:`~GoldenImageArgs.azure` is set, and it says where and how to bake. Each builder
boots from one of three sources: a pinned image id (``source_image_id``), a lookup the
builder resolves at construction (``source_lookup`` on AWS, ``source_family`` on GCP,
``source_marketplace`` on Azure), or a parent image (``parent``: layering).

Layering takes what any language can pass: the parent's image id and build hash (and
lineage). From Python, :meth:`GoldenImage.as_parent` returns exactly that for a
GoldenImage of the same program, which the component then also recognises (its cloud,
its chain's root source).
"""

import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Optional, Union

import pulumi

from .._records import Defaulted, Record
from .._validate import Check, is_unknown
from ..provisioners import Provisioner, check_commands
from . import _egress

__all__ = [
    "AwsBuilder",
    "AwsDistribution",
    "AwsImageLookup",
    "AzureBuilder",
    "AzureGallery",
    "AzureMarketplaceImage",
    "GcpBuilder",
    "GcpImageFamily",
    "GoldenImageArgs",
    "ImageTest",
    "LineageEntry",
    "ParentImage",
]

Builder = Union["AwsBuilder", "GcpBuilder", "AzureBuilder"]
"""One of the per-cloud blocks (internal: never a record field)."""


# -- layering and the test, the same on every cloud ------------------------------------


@dataclass(frozen=True, kw_only=True)
class LineageEntry(Record):
    """One ancestor of a layered image."""

    image_id: str
    """The ancestor's image id."""
    build_hash: str
    """The ancestor's build hash."""


@dataclass(frozen=True, kw_only=True)
class ParentImage(Record):
    """The image a layered image is baked on: another GoldenImage's outputs (Python:
    ``base.as_parent()``). Its build hash, not its id, goes into the child's build hash,
    so a preview shows the chain rebaking while the parent's new id is unknown."""

    image_id: pulumi.Input[str]
    """The parent's ``image_id`` output: the image the builder boots from."""
    build_hash: pulumi.Input[str]
    """The parent's ``build_hash`` output."""
    lineage: Optional[pulumi.Input[Sequence[LineageEntry]]] = None
    """The parent's ``lineage`` output (its ancestors, nearest first). Default: the parent
    was baked on a vendor image."""


@dataclass(frozen=True, kw_only=True)
class ImageTest(Record):
    """Commands that must pass on an instance booted from the new image before it is
    published. The same value works on every cloud."""

    commands: Sequence[str]
    """Shell lines run in order with ``bash -euo pipefail``; the first failure fails the
    test, and the update, with the command's output."""
    instance_type: Optional[str] = None
    """Size of the test instance in the cloud's words (``t3.micro``, ``e2-small``,
    ``Standard_B2s``). Default: the builder's instance type."""
    timeout_minutes: Defaulted[int] = 15
    """How long the test may run, SSH wait excluded (1-240). Default: 15."""
    sudo: Defaulted[bool] = True
    """Run the commands as root through ``sudo -H``. Default: True."""


# -- AWS -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AwsImageLookup(Record):
    """The newest image matching an owner and a name pattern (opt-in).

    NOTE: the lookup runs on every ``pulumi preview``/``up``. When the vendor publishes a
    newer image, the build hash changes and the whole chain rebakes. Pin an AMI id for
    reproducible builds; use a lookup to follow the vendor deliberately.
    """

    owners: Sequence[str]
    """Account ids or aliases (``amazon``, ``aws-marketplace``) that may own the image."""
    name_pattern: str
    """Image name filter, with ``*`` wildcards, e.g.
    ``ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*``."""
    architecture: Defaulted[str] = "x86_64"
    """``x86_64`` or ``arm64``. Default: x86_64."""


@dataclass(frozen=True, kw_only=True)
class AwsDistribution(Record):
    """Where the AMI goes once it has passed its test: copies and launch permissions."""

    regions: Defaulted[Sequence[str]] = ()
    """Regions to copy the AMI to (encrypted copies, same name and tags). Not the bake
    region. Default: no copies."""
    kms_key_ids: Optional[Mapping[str, str]] = None
    """Region -> KMS key for that region's copy. Default: the account's default EBS key
    in that region (which cannot be shared with other accounts: AMIs encrypted with it
    cannot be launched elsewhere; share a customer-managed key instead)."""
    accounts: Defaulted[Sequence[str]] = ()
    """12-digit account ids allowed to launch the AMI and its copies. Default: none."""
    organization_arns: Defaulted[Sequence[str]] = ()
    """Organization ARNs (``arn:aws:organizations::<mgmt>:organization/o-...``) whose
    accounts may launch the AMI and its copies. Default: none."""
    organizational_unit_arns: Defaulted[Sequence[str]] = ()
    """OU ARNs (``arn:aws:organizations::<mgmt>:ou/o-.../ou-...``). Default: none."""


@dataclass(frozen=True, kw_only=True)
class AwsBuilder(Record):
    """Bake on EC2: a builder instance in a subnet, snapshotted into an AMI. The source is
    exactly one of ``source_image_id``, ``source_lookup`` and ``parent``."""

    subnet_id: pulumi.Input[str]
    """The subnet the builder runs in. The machine running Pulumi must reach the builder
    on port 22 there (public IP, VPN or peering)."""
    ssh_cidrs: Sequence[str]
    """CIDR blocks allowed to reach the builder on port 22: the address of the machine
    running Pulumi. Nothing else may connect (``0.0.0.0/0`` is accepted with a warning)."""
    source_image_id: Optional[pulumi.Input[str]] = None
    """The AMI the builder boots from (``ami-...``), pinned."""
    source_lookup: Optional[AwsImageLookup] = None
    """The newest AMI matching a lookup (opt-in; rebakes whenever the vendor publishes)."""
    parent: Optional[ParentImage] = None
    """Layering: another GoldenImage baked on AWS (its build hash becomes part of this
    one)."""
    ssh_user: Defaulted[str] = "ec2-user"
    """The login user of the source image (Amazon Linux: ``ec2-user``, Ubuntu:
    ``ubuntu``, Debian: ``admin``). Default: ``ec2-user``."""
    instance_type: Defaulted[str] = "t3.micro"
    """Builder instance type. Its architecture must match the source image. Default:
    ``t3.micro``."""
    associate_public_ip: Defaulted[bool] = False
    """Give the builder a public IP and connect to it; otherwise connect to its private
    IP. Default: no public IP."""
    volume_size_gib: Optional[int] = None
    """Root volume size. Default: the source image's size."""
    volume_type: Defaulted[str] = "gp3"
    """Root volume type: gp3, gp2, io1, io2 or standard. Default: gp3."""
    encrypted: Defaulted[bool] = True
    """Encrypt the root volume, and so the image's snapshots. Default: encrypted."""
    kms_key_id: Optional[str] = None
    """KMS key for the encryption. Default: the account's default EBS key."""
    iam_instance_profile: Optional[pulumi.Input[str]] = None
    """An instance profile for the builder (e.g. to read artifacts from S3). Default:
    none."""
    region: Optional[str] = None
    """Region to bake in. Default: the AWS provider's region."""
    ssh_timeout_minutes: Defaulted[int] = 10
    """How long to keep dialling SSH while the builder boots (1-60). Default: 10."""
    snapshot_timeout_minutes: Defaulted[int] = 120
    """Create timeout of the AMI; large volumes outlast AWS's default 40 minutes
    (10-1440). Default: 120."""
    tags: Optional[Mapping[str, str]] = None
    """Extra tags for the builder's resources (not the image). Default: none."""
    egress_cidrs: Defaulted[Sequence[str]] = ("0.0.0.0/0", "::/0")
    """Where the builder may connect (package mirrors, artifact stores). Default: anywhere,
    but only on ``egress_tcp_ports`` and ``egress_udp_ports``."""
    egress_tcp_ports: Defaulted[Sequence[int]] = _egress.TCP_PORTS
    """TCP ports the builder may connect to. Default: DNS, HTTP and HTTPS."""
    egress_udp_ports: Defaulted[Sequence[int]] = _egress.UDP_PORTS
    """UDP ports the builder may connect to. Default: DNS."""
    distribution: Optional[AwsDistribution] = None
    """Copies to other regions and launch permissions for other accounts, created after
    the image passes its test. Not part of the build hash. Default: the AMI stays in the
    bake region, private to this account."""


# -- GCP -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class GcpImageFamily(Record):
    """The newest image of a family (opt-in), e.g. ``debian-cloud`` / ``debian-12``.

    NOTE: resolved on every ``pulumi preview``/``up``; when the vendor publishes a newer
    image, the build hash changes and the chain rebakes. Pin an image for reproducible
    builds.
    """

    project: str
    """The project publishing the family (``debian-cloud``, ``ubuntu-os-cloud``)."""
    family: str
    """The family name (``debian-12``, ``ubuntu-2404-lts-amd64``)."""


@dataclass(frozen=True, kw_only=True)
class GcpBuilder(Record):
    """Bake on Compute Engine: a builder instance, its boot disk made into an image. The
    source is exactly one of ``source_image_id``, ``source_family`` and ``parent``."""

    zone: str
    """The zone the builder runs in, e.g. ``us-central1-a``."""
    ssh_cidrs: Sequence[str]
    """CIDR blocks allowed to reach the builder on port 22: the machine running Pulumi.
    Nothing else may connect (``0.0.0.0/0`` is accepted with a warning)."""
    source_image_id: Optional[pulumi.Input[str]] = None
    """The image the builder boots from, pinned: a self link or
    ``projects/<p>/global/images/<name>``."""
    source_family: Optional[GcpImageFamily] = None
    """The newest image of a family (opt-in; rebakes when the family moves)."""
    parent: Optional[ParentImage] = None
    """Layering: another GoldenImage baked on GCP."""
    network: Defaulted[pulumi.Input[str]] = "default"
    """The VPC network of the builder and of its firewall rule: a name or a self link
    (``projects/<p>/global/networks/<n>``). Default: ``default``."""
    subnetwork: Optional[pulumi.Input[str]] = None
    """The subnetwork: a name or a self link (``projects/<p>/regions/<r>/subnetworks/<s>``).
    Default: the network's subnetwork in the zone's region (auto-mode networks)."""
    project: Optional[str] = None
    """The project to bake in. Default: the gcp provider's project."""
    ssh_user: Defaulted[str] = "builder"
    """The user the guest agent creates for the SSH key. Default: ``builder``."""
    machine_type: Defaulted[str] = "e2-small"
    """Builder machine type. Default: ``e2-small``."""
    public_ip: Defaulted[bool] = False
    """Give the builder an ephemeral external IP and connect to it; otherwise connect to
    its internal IP (VPN, IAP tunnel or a runner in the VPC). Default: no external IP."""
    disk_size_gb: Optional[int] = None
    """Boot disk size. Default: the source image's size."""
    disk_type: Defaulted[str] = "pd-balanced"
    """Boot disk type: pd-balanced, pd-ssd, pd-standard or hyperdisk-balanced.
    Default: pd-balanced."""
    kms_key_self_link: Optional[str] = None
    """Cloud KMS key (``projects/.../cryptoKeys/...``) for the boot disk and the image.
    Default: Google-managed encryption (disks and images are always encrypted at rest)."""
    shielded_vm: Defaulted[bool] = True
    """Boot the builder (and the test instance) as a Shielded VM. Turn off only for
    source images without UEFI support. Default: on."""
    ssh_timeout_minutes: Defaulted[int] = 10
    """How long to keep dialling SSH while the builder boots (1-60). Default: 10."""
    image_timeout_minutes: Defaulted[int] = 60
    """Create timeout of the image (10-1440). Default: 60."""
    labels: Optional[Mapping[str, str]] = None
    """Labels for the builder's resources (not the image). Default: none."""
    egress_cidrs: Defaulted[Sequence[str]] = ("0.0.0.0/0",)
    """Where the builder (and the test instance) may connect, one address family (a GCP
    firewall rule takes one). Default: anywhere, but only on the ports below; every other
    egress of the builder's network tag is denied."""
    egress_tcp_ports: Defaulted[Sequence[int]] = _egress.TCP_PORTS
    """TCP ports the builder may connect to. Default: DNS, HTTP and HTTPS."""
    egress_udp_ports: Defaulted[Sequence[int]] = _egress.UDP_PORTS
    """UDP ports the builder may connect to. Default: DNS."""


# -- Azure -----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AzureMarketplaceImage(Record):
    """A marketplace image, pinned to a version, e.g. Canonical /
    ``ubuntu-24_04-lts`` / ``server`` / ``24.04.202501140``."""

    publisher: str
    """The image's publisher, e.g. ``Canonical``."""
    offer: str
    """The offer, e.g. ``ubuntu-24_04-lts``."""
    sku: str
    """The SKU, e.g. ``server``."""
    version: str
    """A pinned version. ``latest`` is refused: the build hash could not see it move."""


@dataclass(frozen=True, kw_only=True)
class AzureGallery(Record):
    """Publish into an existing Azure Compute Gallery: an image definition (the channel)
    and one image version per build, kept when a newer build replaces it."""

    gallery_name: pulumi.Input[str]
    """The gallery's name, not its resource id (letters, digits, ``.`` and ``_``; it must
    exist, e.g. a ``azure_native.compute.Gallery`` in the same stack)."""
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
    publisher: Defaulted[str] = "immutable-components"
    """Image definition identifier: publisher. Default: ``immutable-components``."""
    offer: Optional[str] = None
    """Image definition identifier: offer. Default: the channel (definition) name."""
    sku: Defaulted[str] = "linux"
    """Image definition identifier: SKU. Default: ``linux``."""
    replica_regions: Defaulted[Sequence[str]] = ()
    """More regions to replicate the version to (the builder's location is always one).
    Default: only the builder's location."""
    replica_count: Defaulted[int] = 1
    """Replicas per region (1-50). Default: 1."""
    storage_account_type: Defaulted[str] = "Standard_LRS"
    """Storage of the replicas: Standard_LRS, Standard_ZRS or Premium_LRS.
    Default: Standard_LRS."""


@dataclass(frozen=True, kw_only=True)
class AzureBuilder(Record):
    """Bake on Azure: a builder VM, generalized and captured into a managed image, then
    (with ``gallery``) published as a gallery image version. The source is exactly one of
    ``source_image_id``, ``source_marketplace`` and ``parent``."""

    resource_group_name: pulumi.Input[str]
    """The name (not the id) of the resource group of every resource the builder
    creates."""
    location: str
    """The Azure location to bake in, e.g. ``westeurope``."""
    subnet_id: pulumi.Input[str]
    """The resource id of the subnet of the builder's NIC
    (``/subscriptions/.../virtualNetworks/<vnet>/subnets/<subnet>``). The machine running
    Pulumi must reach the builder on port 22 there (``public_ip=True``, VPN or peering)."""
    ssh_cidrs: Sequence[str]
    """CIDR blocks allowed to reach the builder on port 22; every other SSH source is
    denied by the NSG, even inside the virtual network (``0.0.0.0/0`` is accepted with a
    warning)."""
    source_image_id: Optional[pulumi.Input[str]] = None
    """The image the builder boots from, pinned: a managed image or gallery image version
    resource id."""
    source_marketplace: Optional[AzureMarketplaceImage] = None
    """A marketplace image, pinned to a version."""
    parent: Optional[ParentImage] = None
    """Layering: another GoldenImage baked on Azure."""
    ssh_user: Defaulted[str] = "azureuser"
    """The admin user created with the SSH key. Default: ``azureuser``."""
    vm_size: Defaulted[str] = "Standard_B2s"
    """Builder VM size. Default: ``Standard_B2s``."""
    public_ip: Defaulted[bool] = False
    """Give the builder a Standard static public IP and connect to it. Default: none,
    connect to the private IP."""
    os_disk_size_gb: Optional[int] = None
    """OS disk size. Default: the source image's size."""
    storage_account_type: Defaulted[str] = "StandardSSD_LRS"
    """OS disk storage type. Default: StandardSSD_LRS."""
    disk_encryption_set_id: Optional[pulumi.Input[str]] = None
    """The resource id of a disk encryption set (customer-managed key) for the OS disk.
    Default: Azure's platform-managed keys (managed disks are always encrypted at rest)."""
    hyper_v_generation: Defaulted[str] = "V2"
    """V1 or V2; must match the source image. Default: V2."""
    gallery: Optional[AzureGallery] = None
    """Publish as a gallery image version. Default: only a managed image (no channel)."""
    ssh_timeout_minutes: Defaulted[int] = 10
    """How long to keep dialling SSH while the builder boots (1-60). Default: 10."""
    image_timeout_minutes: Defaulted[int] = 90
    """Create timeout of the image and the version (10-1440). Default: 90."""
    tags: Optional[Mapping[str, str]] = None
    """Tags for the builder's resources (not the image). Default: none."""


# -- the component's args --------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class GoldenImageArgs(Record):
    """Inputs of :class:`~immutable_components.GoldenImage`: exactly one of ``aws``,
    ``gcp`` and ``azure`` (where and how to bake), and the provisioners."""

    provisioners: Sequence[Provisioner]
    """The steps run on the builder, in order. At least one."""
    aws: Optional[AwsBuilder] = None
    """Bake on AWS (EC2, an AMI)."""
    gcp: Optional[GcpBuilder] = None
    """Bake on GCP (Compute Engine, an image)."""
    azure: Optional[AzureBuilder] = None
    """Bake on Azure (a managed image, and a gallery image version with ``gallery``)."""
    version: Optional[str] = None
    """A version label recorded in the image's provenance tags (``Version``). It is
    metadata: it does not change the build hash. Default: no version tag."""
    git_commit: Optional[str] = None
    """The commit the image was built from, recorded as the ``GitCommit`` tag. Metadata,
    not part of the build hash. Default: no commit tag."""
    name_prefix: Optional[str] = None
    """The image name is ``<name_prefix>-<first 16 hex digits of the build hash>``.
    Default: the component's name."""
    description: Optional[str] = None
    """Image description. Default: ``"<name> build <hash>"``."""
    tags: Optional[Mapping[str, str]] = None
    """Extra tags for the image (and its snapshots where the cloud allows). Default: none."""
    test: Optional[ImageTest] = None
    """Commands run on an instance launched from the new image; the image is published
    (channel, sharing, copies) only when they pass. Default: no test, published at once."""
    channel: Optional[str] = None
    """The channel consumers follow instead of an image id: AWS an SSM parameter
    ``/images/<channel>`` (data type ``aws:ec2:image``), GCP the image family, Azure the
    gallery image definition. Lower-case letters, digits and hyphens, 1-63 characters.
    Default: not published on a channel (on Azure with a gallery: the definition is
    named after the component)."""


# ======================================================================================
# Checks
# ======================================================================================

IMAGE_NAME_PREFIX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9()\[\] ./'@_-]{2,100}$")
CHANNEL = re.compile(r"^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$")
BUILD_HASH = re.compile(r"^[0-9a-f]{64}$")
AWS_VOLUME_TYPES = ("gp3", "gp2", "io1", "io2", "standard")
AWS_TAG_KEY = re.compile(r"^[A-Za-z0-9 +\-=._:/@]{1,128}$")
AWS_ORG_ARN = re.compile(r"^arn:aws[a-z-]*:organizations::\d{12}:organization/o-[a-z0-9]{10,32}$")
AWS_OU_ARN = re.compile(
    r"^arn:aws[a-z-]*:organizations::\d{12}:ou/o-[a-z0-9]{10,32}/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$"
)

GCP_NAME = re.compile(r"^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$")
GCP_PROJECT = re.compile(r"^[a-z][-a-z0-9]{4,28}[a-z0-9]$")
GCP_ZONE = re.compile(r"^[a-z]+-[a-z]+\d+-[a-z]$")
GCP_MACHINE_TYPE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")
_GCP_API = r"^(https://www\.googleapis\.com/compute/v1/)?"
GCP_IMAGE = re.compile(
    _GCP_API + r"projects/[a-z][-a-z0-9.:]*[a-z0-9]/global/images/[a-z](?:[-a-z0-9]*[a-z0-9])?$"
)
GCP_NETWORK = re.compile(_GCP_API + r"projects/[^/]+/global/networks/[a-z](?:[-a-z0-9]*[a-z0-9])?$")
GCP_SUBNETWORK = re.compile(
    _GCP_API
    + r"projects/[^/]+/regions/([a-z]+-[a-z]+\d+)/subnetworks/[a-z](?:[-a-z0-9]*[a-z0-9])?$"
)
GCP_KMS_KEY = re.compile(r"^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$")
GCP_LABEL_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
GCP_LABEL_VALUE = re.compile(r"^[a-z0-9_-]{0,63}$")
GCP_DISK_TYPES = ("pd-balanced", "pd-ssd", "pd-standard", "hyperdisk-balanced")
GCP_PUBLISHED_SUFFIX = "-p"  # the published copy of a tested image: <image name>-p

AZURE_LOCATION = re.compile(r"^[a-z][a-z0-9]{2,40}$")
AZURE_VM_SIZE = re.compile(r"^(Standard|Basic)_[A-Za-z0-9_]+$")
AZURE_RESOURCE_GROUP = re.compile(r"^[-\w._()]{0,89}[-\w_()]$")
_AZ_RG = r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/"
AZURE_SUBNET_ID = re.compile(
    _AZ_RG + r"Microsoft\.Network/virtualNetworks/[^/]+/subnets/[^/]+$", re.IGNORECASE
)
AZURE_IMAGE_ID = re.compile(
    _AZ_RG + r"Microsoft\.Compute/(images/[^/]+|galleries/[^/]+/images/[^/]+/versions/"
    r"\d+\.\d+\.\d+)$",
    re.IGNORECASE,
)
AZURE_DISK_ENCRYPTION_SET_ID = re.compile(
    _AZ_RG + r"Microsoft\.Compute/diskEncryptionSets/[^/]+$", re.IGNORECASE
)
AZURE_GALLERY = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._]{0,78}[A-Za-z0-9])?$")
AZURE_IDENTIFIER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,126}[A-Za-z0-9])?$")
AZURE_VERSION = re.compile(r"^(\d{1,10})\.(\d{1,10})(?:\.(\d{1,10}))?$")
AZURE_IMAGE_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,61})$")
AZURE_USER = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
AZURE_STORAGE_TYPES = (
    "StandardSSD_LRS",
    "Premium_LRS",
    "Standard_LRS",
    "StandardSSD_ZRS",
    "Premium_ZRS",
)
AZURE_REPLICA_STORAGE = ("Standard_LRS", "Standard_ZRS", "Premium_LRS")
AZURE_RESERVED_USERS = ("root", "admin", "administrator", "azureadmin", "guest", "test", "user")
AZURE_PATCH_HEX_DIGITS = 7
"""A derived patch is the build hash's first 7 hex digits as an integer: 0 to 268435455,
always inside the 32-bit range Azure allows."""

_AZ_SUBNET_SHAPE = (
    "a subnet resource id: /subscriptions/<subscription>/resourceGroups/<group>/providers/"
    "Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>"
)
_AZ_IMAGE_SHAPE = (
    "a managed image or gallery image version resource id: /subscriptions/<subscription>/"
    "resourceGroups/<group>/providers/Microsoft.Compute/images/<image> or .../galleries/"
    "<gallery>/images/<definition>/versions/<x.y.z>"
)
_AZ_DES_SHAPE = (
    "a disk encryption set resource id: /subscriptions/<subscription>/resourceGroups/"
    "<group>/providers/Microsoft.Compute/diskEncryptionSets/<name>"
)

CLOUDS = ("aws", "gcp", "azure")
OPEN_SSH = ("0.0.0.0/0", "::/0")


def validate(check: Check, args: GoldenImageArgs) -> tuple[str, Builder, list[str]]:
    """Every check of ``args`` (already built); returns the cloud, its block and the
    warnings to log (risky but legal settings)."""
    given = [c for c in CLOUDS if getattr(args, c) is not None]
    if len(given) != 1:
        check.fail(
            "aws/gcp/azure",
            ", ".join(given) or None,
            "exactly one of aws=AwsBuilder(...), gcp=GcpBuilder(...), azure=AzureBuilder(...)",
        )
    cloud = given[0]
    builder: Builder = getattr(args, cloud)
    warnings: list[str] = []
    validators: dict[str, Callable[[Check, Any, list[str]], None]] = {
        "aws": validate_aws,
        "gcp": validate_gcp,
        "azure": validate_azure,
    }
    validators[cloud](check, builder, warnings)
    if args.test is not None:
        validate_test(check, args.test)
        if args.test.instance_type is not None:
            validate_machine_size(check, cloud, "test.instance_type", args.test.instance_type)
    for label, value in (("version", args.version), ("git_commit", args.git_commit)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            check.fail(label, value, "a non-empty string, or None")
    check.string_map("tags", dict(args.tags) if isinstance(args.tags, Mapping) else args.tags)
    validate_channel(check, args.channel)
    if cloud == "azure" and args.channel is not None and args.azure.gallery is None:  # type: ignore[union-attr]
        check.fail(
            "channel",
            args.channel,
            "a channel only with azure.gallery (the image definition is the channel on Azure)",
        )
    return cloud, builder, warnings


def validate_name_prefix(check: Check, cloud: str, field: str, prefix: Any) -> None:
    if not isinstance(prefix, str) or not IMAGE_NAME_PREFIX.match(prefix):
        check.fail(
            field,
            prefix,
            "3-101 characters: letters, digits and ( ) [ ] . / ' @ _ -, starting with a "
            "letter or digit (it prefixes the image name)",
        )
    if cloud == "gcp" and (
        not GCP_NAME.match(prefix) or len(prefix) > 63 - 17 - len(GCP_PUBLISHED_SUFFIX)
    ):
        check.fail(
            field,
            prefix,
            "1-44 lower-case letters, digits and hyphens, starting with a letter (GCP image names)",
        )
    if cloud == "azure" and (not AZURE_IMAGE_NAME.match(prefix) or len(prefix) > 80 - 17):
        check.fail(field, prefix, "1-62 letters, digits, _ . - (Azure image names)")


def validate_channel(check: Check, channel: Any) -> None:
    if channel is None:
        return
    if not isinstance(channel, str) or not CHANNEL.match(channel):
        check.fail(
            "channel",
            channel,
            "1-63 lower-case letters, digits and hyphens, starting with a letter and not "
            "ending with a hyphen (it names a GCP image family, an SSM parameter "
            "/images/<channel> or an Azure image definition)",
        )


def validate_test(check: Check, test: ImageTest) -> None:
    check_commands(check, "test.commands", test.commands)
    check.int_range("test.timeout_minutes", test.timeout_minutes, 1, 240)
    if not isinstance(test.sudo, bool):
        check.fail("test.sudo", test.sudo, "True or False")


def validate_machine_size(check: Check, cloud: str, field: str, value: Any) -> None:
    """An instance type / machine type / VM size in the cloud's words."""
    if cloud == "aws":
        check.instance_type(field, value)
    elif cloud == "gcp":
        check.matches(field, value, GCP_MACHINE_TYPE, "a GCP machine type such as 'e2-small'")
    else:
        check.matches(field, value, AZURE_VM_SIZE, "an Azure VM size such as 'Standard_B2s'")


def _source(check: Check, cloud: str, builder: Builder, lookup: str) -> None:
    """Exactly one of ``source_image_id``, the cloud's lookup and ``parent``."""
    names = ("source_image_id", lookup, "parent")
    given = [n for n in names if getattr(builder, n) is not None]
    if len(given) != 1:
        check.fail(
            f"{cloud}.{'/'.join(names)}",
            ", ".join(given) or None,
            f"exactly one source: {names[0]}, {names[1]} or {names[2]} (layering)",
        )
    if builder.parent is not None:
        validate_parent(check, cloud, builder.parent)


def validate_parent(check: Check, cloud: str, parent: ParentImage) -> None:
    f = f"{cloud}.parent"
    if isinstance(parent.build_hash, str) and not BUILD_HASH.match(parent.build_hash):
        check.fail(f"{f}.build_hash", parent.build_hash, "a GoldenImage's build_hash (64 hex)")
    if isinstance(parent.image_id, str):
        if cloud == "aws":
            check.ami_id(f"{f}.image_id", parent.image_id)
        elif cloud == "gcp":
            check.matches(f"{f}.image_id", parent.image_id, GCP_IMAGE, "an image self link")
        else:
            check.matches(f"{f}.image_id", parent.image_id, AZURE_IMAGE_ID, _AZ_IMAGE_SHAPE)
    lineage = parent.lineage
    if lineage is None or is_unknown(lineage):
        return
    if isinstance(lineage, (str, bytes)) or not isinstance(lineage, Sequence):
        check.fail(f"{f}.lineage", lineage, "a list of LineageEntry (the parent's lineage)")
    for i, entry in enumerate(lineage):
        if not isinstance(entry, LineageEntry):
            check.fail(f"{f}.lineage[{i}]", entry, "a LineageEntry(image_id=..., build_hash=...)")
        if not isinstance(entry.build_hash, str) or not BUILD_HASH.match(entry.build_hash):
            check.fail(f"{f}.lineage[{i}].build_hash", entry.build_hash, "a build hash (64 hex)")


def _ssh_cidrs(check: Check, cloud: str, cidrs: Any, warnings: list[str]) -> Sequence[Any]:
    items = check.non_empty_list(f"{cloud}.ssh_cidrs", cidrs)
    for i, cidr in enumerate(items):
        check.cidr(f"{cloud}.ssh_cidrs[{i}]", cidr)
        if isinstance(cidr, str) and ipaddress.ip_network(cidr).prefixlen == 0:
            warnings.append(
                f"{cloud}.ssh_cidrs[{i}] is {cidr}: the builder (and the test instance) "
                "accept SSH from anywhere while the image bakes; give the address of the "
                "machine running Pulumi instead"
            )
    return items


def _string_map(check: Check, field: str, value: Any) -> None:
    check.string_map(field, dict(value) if isinstance(value, Mapping) else value)


def _bool(check: Check, field: str, value: Any) -> None:
    if not isinstance(value, bool):
        check.fail(field, value, "True or False")


def validate_aws(check: Check, b: AwsBuilder, warnings: list[str]) -> None:
    _source(check, "aws", b, "source_lookup")
    if b.source_lookup is not None:
        validate_lookup(check, "aws.source_lookup", b.source_lookup)
    if b.source_image_id is not None:
        check.ami_id("aws.source_image_id", b.source_image_id)
    if isinstance(b.subnet_id, str) and not b.subnet_id:
        check.fail("aws.subnet_id", b.subnet_id, "a subnet id such as 'subnet-0abc...'")
    check.subnet_id("aws.subnet_id", b.subnet_id)
    _ssh_cidrs(check, "aws", b.ssh_cidrs, warnings)
    check.non_empty_str("aws.ssh_user", b.ssh_user)
    check.instance_type("aws.instance_type", b.instance_type)
    _bool(check, "aws.associate_public_ip", b.associate_public_ip)
    _bool(check, "aws.encrypted", b.encrypted)
    if b.volume_size_gib is not None:
        check.int_range("aws.volume_size_gib", b.volume_size_gib, 1, 16384)
    check.one_of("aws.volume_type", b.volume_type, AWS_VOLUME_TYPES)
    if b.kms_key_id is not None:
        check.kms_key("aws.kms_key_id", b.kms_key_id)
        if not b.encrypted:
            check.fail("aws.kms_key_id", b.kms_key_id, "no KMS key when encrypted=False")
    if b.region is not None:
        check.aws_region("aws.region", b.region)
    check.int_range("aws.ssh_timeout_minutes", b.ssh_timeout_minutes, 1, 60)
    check.int_range("aws.snapshot_timeout_minutes", b.snapshot_timeout_minutes, 10, 1440)
    _string_map(check, "aws.tags", b.tags)
    _egress.validate(check, "aws", b.egress_cidrs, b.egress_tcp_ports, b.egress_udp_ports)
    if b.distribution is not None:
        validate_distribution(check, b.distribution, b.region)
    for key in b.tags or {}:
        if not AWS_TAG_KEY.match(key) or key.lower().startswith("aws:"):
            check.fail("aws.tags key", key, "1-128 characters, not starting with 'aws:'")


def validate_lookup(check: Check, field_name: str, lookup: AwsImageLookup) -> None:
    owners = check.non_empty_list(f"{field_name}.owners", lookup.owners)
    for i, owner in enumerate(owners):
        if not isinstance(owner, str) or not (
            (owner.isdigit() and len(owner) == 12) or owner in ("amazon", "aws-marketplace", "self")
        ):
            check.fail(
                f"{field_name}.owners[{i}]",
                owner,
                "a 12-digit account id, 'amazon', 'aws-marketplace' or 'self'",
            )
    check.non_empty_str(f"{field_name}.name_pattern", lookup.name_pattern)
    check.one_of(f"{field_name}.architecture", lookup.architecture, ("x86_64", "arm64"))


def validate_distribution(check: Check, dist: AwsDistribution, bake_region: Any) -> None:
    f = "aws.distribution"
    for attr in ("regions", "accounts", "organization_arns", "organizational_unit_arns"):
        value = getattr(dist, attr)
        if isinstance(value, str) or not isinstance(value, Sequence):
            check.fail(f"{f}.{attr}", value, "a list")
    for i, region in enumerate(dist.regions):
        check.aws_region(f"{f}.regions[{i}]", region)
        if region == bake_region:
            check.fail(f"{f}.regions[{i}]", region, "a region other than the bake region")
    if len(set(dist.regions)) != len(dist.regions):
        check.fail(f"{f}.regions", list(dist.regions), "regions without duplicates")
    keys = dist.kms_key_ids or {}
    _string_map(check, f"{f}.kms_key_ids", keys)
    for region, key in keys.items():
        if region not in dist.regions:
            check.fail(f"{f}.kms_key_ids", region, "a region listed in `regions`")
        check.kms_key(f"{f}.kms_key_ids[{region!r}]", key)
    for i, account in enumerate(dist.accounts):
        check.account_id(f"{f}.accounts[{i}]", account)
    for i, arn in enumerate(dist.organization_arns):
        check.matches(f"{f}.organization_arns[{i}]", arn, AWS_ORG_ARN, "an organization ARN")
    for i, arn in enumerate(dist.organizational_unit_arns):
        check.matches(f"{f}.organizational_unit_arns[{i}]", arn, AWS_OU_ARN, "an OU ARN")


def grantees(dist: AwsDistribution) -> list[tuple[str, dict[str, str]]]:
    """(slug, AmiLaunchPermission arguments) per grantee, in a stable order."""
    out = [(a, {"account_id": a}) for a in dist.accounts]
    out += [(a.rsplit("/", 1)[-1], {"organization_arn": a}) for a in dist.organization_arns]
    out += [
        (a.rsplit("/", 1)[-1], {"organizational_unit_arn": a})
        for a in dist.organizational_unit_arns
    ]
    return out


def validate_gcp(check: Check, b: GcpBuilder, warnings: list[str]) -> None:
    _source(check, "gcp", b, "source_family")
    if b.source_family is not None:
        fam = b.source_family
        check.matches("gcp.source_family.project", fam.project, GCP_PROJECT, "a GCP project id")
        check.matches("gcp.source_family.family", fam.family, GCP_NAME, "a GCP image family name")
    if b.source_image_id is not None:
        check.matches(
            "gcp.source_image_id",
            b.source_image_id,
            GCP_IMAGE,
            "an image self link or 'projects/<p>/global/images/<name>', not a bare image "
            "name (use source_family to follow a family)",
        )
    check.matches("gcp.zone", b.zone, GCP_ZONE, "a GCP zone such as 'us-central1-a'")
    cidrs = _ssh_cidrs(check, "gcp", b.ssh_cidrs, warnings)
    if len({":" in c for c in cidrs if isinstance(c, str)}) > 1:
        # GCP: "A firewall rule can contain either IPv4 or IPv6 ranges, but not both."
        check.fail("gcp.ssh_cidrs", list(cidrs), "only IPv4 or only IPv6 ranges on GCP")
    _gcp_network(check, b)
    if b.project is not None:
        check.matches("gcp.project", b.project, GCP_PROJECT, "a GCP project id (not a number)")
    check.matches("gcp.ssh_user", b.ssh_user, GCP_NAME, "a lower-case user name")
    validate_machine_size(check, "gcp", "gcp.machine_type", b.machine_type)
    if b.disk_size_gb is not None:
        check.int_range("gcp.disk_size_gb", b.disk_size_gb, 10, 65536)
    check.one_of("gcp.disk_type", b.disk_type, GCP_DISK_TYPES)
    if b.kms_key_self_link is not None:
        check.matches(
            "gcp.kms_key_self_link",
            b.kms_key_self_link,
            GCP_KMS_KEY,
            "projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k> (the key's path, not its name)",
        )
    for flag in ("public_ip", "shielded_vm"):
        _bool(check, f"gcp.{flag}", getattr(b, flag))
    check.int_range("gcp.ssh_timeout_minutes", b.ssh_timeout_minutes, 1, 60)
    check.int_range("gcp.image_timeout_minutes", b.image_timeout_minutes, 10, 1440)
    _string_map(check, "gcp.labels", b.labels)
    _egress.validate(check, "gcp", b.egress_cidrs, b.egress_tcp_ports, b.egress_udp_ports)
    if len({":" in c for c in b.egress_cidrs if isinstance(c, str)}) > 1:
        check.fail("gcp.egress_cidrs", list(b.egress_cidrs), "only IPv4 or only IPv6 on GCP")
    for key, value in (b.labels or {}).items():
        check.matches("gcp.labels key", key, GCP_LABEL_KEY, "a GCP label key")
        check.matches(f"gcp.labels[{key!r}]", value, GCP_LABEL_VALUE, "a GCP label value")


def _gcp_network(check: Check, b: GcpBuilder) -> None:
    """Names or self links of the right kind: a subnetwork's path given as the network (or
    the other way round) is refused, and a subnetwork in another region than the zone."""
    network, subnetwork = b.network, b.subnetwork
    if isinstance(network, str) and not (GCP_NAME.match(network) or GCP_NETWORK.match(network)):
        check.fail(
            "gcp.network",
            network,
            "a network name ('default') or self link ('projects/<p>/global/networks/<n>')",
        )
    if isinstance(subnetwork, str):
        m = GCP_SUBNETWORK.match(subnetwork)
        if not (GCP_NAME.match(subnetwork) or m):
            check.fail(
                "gcp.subnetwork",
                subnetwork,
                "a subnetwork name or self link ('projects/<p>/regions/<r>/subnetworks/<s>')",
            )
        region = b.zone.rsplit("-", 1)[0] if isinstance(b.zone, str) else None
        if m is not None and region is not None and m.group(2) != region:
            check.fail(
                "gcp.subnetwork",
                subnetwork,
                f"a subnetwork in the zone's region ({region})",
            )


def validate_azure(check: Check, b: AzureBuilder, warnings: list[str]) -> None:
    _source(check, "azure", b, "source_marketplace")
    if b.source_marketplace is not None:
        f = "azure.source_marketplace"
        m = b.source_marketplace
        for attr in ("publisher", "offer", "sku"):
            check.matches(f"{f}.{attr}", getattr(m, attr), AZURE_IDENTIFIER, "a marketplace name")
        if not isinstance(m.version, str) or not re.match(r"^\d+(\.\d+){1,3}$", m.version):
            check.fail(f"{f}.version", m.version, "a pinned version such as '24.04.202501140'")
    if b.source_image_id is not None:
        check.matches("azure.source_image_id", b.source_image_id, AZURE_IMAGE_ID, _AZ_IMAGE_SHAPE)
    if isinstance(b.resource_group_name, str):
        if b.resource_group_name.startswith("/"):
            check.fail(
                "azure.resource_group_name",
                b.resource_group_name,
                "the resource group's name, not its resource id",
            )
        check.matches(
            "azure.resource_group_name",
            b.resource_group_name,
            AZURE_RESOURCE_GROUP,
            "1-90 letters, digits, - _ . ( ), not ending with '.'",
        )
    check.matches(
        "azure.location", b.location, AZURE_LOCATION, "an Azure location such as 'westeurope'"
    )
    check.matches("azure.subnet_id", b.subnet_id, AZURE_SUBNET_ID, _AZ_SUBNET_SHAPE)
    _ssh_cidrs(check, "azure", b.ssh_cidrs, warnings)
    check.matches("azure.ssh_user", b.ssh_user, AZURE_USER, "a lower-case Linux user name")
    if b.ssh_user in AZURE_RESERVED_USERS:
        check.fail("azure.ssh_user", b.ssh_user, "a name Azure does not reserve")
    validate_machine_size(check, "azure", "azure.vm_size", b.vm_size)
    _bool(check, "azure.public_ip", b.public_ip)
    if b.os_disk_size_gb is not None:
        check.int_range("azure.os_disk_size_gb", b.os_disk_size_gb, 30, 4095)
    check.one_of("azure.storage_account_type", b.storage_account_type, AZURE_STORAGE_TYPES)
    if b.disk_encryption_set_id is not None:
        check.matches(
            "azure.disk_encryption_set_id",
            b.disk_encryption_set_id,
            AZURE_DISK_ENCRYPTION_SET_ID,
            _AZ_DES_SHAPE,
        )
    check.one_of("azure.hyper_v_generation", b.hyper_v_generation, ("V1", "V2"))
    if b.gallery is not None:
        validate_gallery(check, b.gallery, b.location)
    check.int_range("azure.ssh_timeout_minutes", b.ssh_timeout_minutes, 1, 60)
    check.int_range("azure.image_timeout_minutes", b.image_timeout_minutes, 10, 1440)
    _string_map(check, "azure.tags", b.tags)


def validate_gallery(check: Check, g: AzureGallery, location: Any) -> None:
    f = "azure.gallery"
    check.matches(
        f"{f}.gallery_name",
        g.gallery_name,
        AZURE_GALLERY,
        "the gallery's name, not its resource id: 1-80 letters, digits, '.' and '_' (no "
        "hyphens), starting and ending with a letter or digit",
    )
    m = AZURE_VERSION.match(g.version) if isinstance(g.version, str) else None
    if m is None or any(p is not None and int(p) > 2**31 - 1 for p in m.groups()):
        check.fail(
            f"{f}.version",
            g.version,
            "'Major.Minor' (the patch comes from the build hash) or a pinned "
            "'Major.Minor.Patch', each part an integer from 0 to 2147483647",
        )
    for attr in ("publisher", "offer", "sku"):
        value = getattr(g, attr)
        if value is not None:
            check.matches(f"{f}.{attr}", value, AZURE_IDENTIFIER, "1-128 letters, digits, . _ -")
    if isinstance(g.replica_regions, str) or not isinstance(g.replica_regions, Sequence):
        check.fail(f"{f}.replica_regions", g.replica_regions, "a list of locations")
    for i, region in enumerate(g.replica_regions):
        check.matches(f"{f}.replica_regions[{i}]", region, AZURE_LOCATION, "an Azure location")
        if region == location:
            check.fail(f"{f}.replica_regions[{i}]", region, "a location other than the builder's")
    if len(set(g.replica_regions)) != len(g.replica_regions):
        check.fail(f"{f}.replica_regions", list(g.replica_regions), "no duplicates")
    check.int_range(f"{f}.replica_count", g.replica_count, 1, 50)
    check.one_of(f"{f}.storage_account_type", g.storage_account_type, AZURE_REPLICA_STORAGE)


def gallery_version_name(g: AzureGallery, build_hash: str) -> str:
    """The name of the version a build publishes: :attr:`AzureGallery.version` when
    pinned, else ``Major.Minor.<int of the hash's first 7 hex digits>``."""
    if g.version.count(".") == 2:
        return g.version
    return f"{g.version}.{int(build_hash[:AZURE_PATCH_HEX_DIGITS], 16)}"


def marketplace_key(m: AzureMarketplaceImage) -> str:
    return f"{m.publisher}:{m.offer}:{m.sku}:{m.version}"
