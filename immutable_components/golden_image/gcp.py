"""GoldenImage on GCP: a Compute Engine builder and an image (Packer's googlecompute way).

Resources, all children of the GoldenImage, in order:

``{name}-ssh-key``         tls PrivateKey (ED25519); its public half goes into the
                           builder's ``ssh-keys`` metadata, project-wide keys are blocked
                           (``block-project-ssh-keys``) and OS Login is off for it
``{name}-builder-fw``      an ingress firewall rule: tcp/22 only from ``ssh_cidrs``, only
                           to instances with the network tag ``{prefix}-builder``
``{name}-builder``         the builder instance: Shielded VM (secure boot, vTPM, integrity
                           monitoring) unless ``shielded_vm=False``, no service account,
                           no external IP unless ``public_ip=True``; its description
                           carries the build hash and is in ``replace_on_changes``, so
                           every rebake gets a fresh builder
``{name}-wait-ready``, ``{name}-provision-N``   the provisioners (see ``_remote``)
``{name}-builder-stopped`` ``gcloud compute instances stop`` (a pulumi-command local
                           command) after the last provisioner
``{name}-image``           the image, from the builder's boot disk, after the stop

then, with a ``test``, ``{name}-test`` (an instance from the new image), ``{name}-test-ready``
and ``{name}-test-run``, and, with a ``channel``, ``{name}-published``: the image copied
into the family after the test passed (without a test, ``{name}-image`` is itself in the
family).

Why a local ``gcloud`` command stops the builder: the image must be made from the boot
disk after the last provisioner, and GCP refuses an image of a disk attached to a running
instance (the API's ``forceCreate`` is not exposed by the provider). ``desired_status =
"TERMINATED"`` on the instance cannot express "after the provisioners": it is an input of
the instance itself, so the instance would be stopped at creation (before any step ran) or
by a second update. pulumi-gcp has no "instance power state" resource. ``gcloud compute
instances stop`` waits until the instance is ``TERMINATED`` and fails loudly otherwise, so
the image is created from a quiet disk. It needs the Google Cloud CLI, authenticated for
the project, on the machine running ``pulumi up``.

Why a second image for a channel with a test: a family is set when an image is created,
and consumers following the family get its newest image at once. The tested image is
published into the family as a copy made after the test passed.

Outputs: ``image_id`` is the image's self link (``https://www.googleapis.com/compute/v1/
projects/<p>/global/images/<name>``); ``region`` is ``global``; ``channel`` the family.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Union

import pulumi
import pulumi_gcp as gcp

from .._validate import Check, is_unknown
from . import _egress
from ._per_program import per_program
from .component import BakePlan, BakeResult, GoldenImage

__all__ = ["GcpBuilder", "GcpImageFamily"]

GCP_NAME = re.compile(r"^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$")
PROJECT = re.compile(r"^[a-z][-a-z0-9]{4,28}[a-z0-9]$")
ZONE = re.compile(r"^[a-z]+-[a-z]+\d+-[a-z]$")
MACHINE_TYPE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")
IMAGE = re.compile(
    r"^(https://www\.googleapis\.com/compute/v1/)?projects/[a-z][-a-z0-9.:]*[a-z0-9]"
    r"/global/images/[a-z](?:[-a-z0-9]*[a-z0-9])?$"
)
KMS_KEY = re.compile(r"^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$")
LABEL_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
LABEL_VALUE = re.compile(r"^[a-z0-9_-]{0,63}$")
DISK_TYPES = ("pd-balanced", "pd-ssd", "pd-standard", "hyperdisk-balanced")
PUBLISHED_SUFFIX = "-p"  # the published copy of a tested image: <image name>-p


@dataclass(frozen=True, kw_only=True)
class GcpImageFamily:
    """The newest image of a family (opt-in), e.g. ``debian-cloud`` / ``debian-12``.

    NOTE: resolved on every ``pulumi preview``/``up``; when the vendor publishes a newer
    image, the build hash changes and the chain rebakes. Pin an image for reproducible
    builds.
    """

    project: str
    """The project publishing the family (``debian-cloud``, ``ubuntu-os-cloud``)."""
    family: str
    """The family name (``debian-12``, ``ubuntu-2404-lts-amd64``)."""

    def validate(self, check: Check, field_name: str) -> None:
        check.matches(f"{field_name}.project", self.project, PROJECT, "a GCP project id")
        check.matches(f"{field_name}.family", self.family, GCP_NAME, "a GCP image family name")

    def resolve(self) -> str:
        return gcp.compute.get_image(family=self.family, project=self.project).self_link


GcpSource = Union[str, pulumi.Output, GoldenImage, GcpImageFamily]  # noqa: UP007


@dataclass(frozen=True, kw_only=True)
class GcpBuilder:
    """Bake on Compute Engine: a builder instance, its boot disk made into an image."""

    source: GcpSource
    """The image the builder boots from: an image self link or
    ``projects/<p>/global/images/<name>`` (pinned), another :class:`GoldenImage` baked on
    GCP (layering), or a :class:`GcpImageFamily` (opt-in; rebakes when the family moves)."""
    zone: str
    """The zone the builder runs in, e.g. ``us-central1-a``."""
    ssh_cidrs: Sequence[str]
    """CIDR blocks allowed to reach the builder on port 22: the machine running Pulumi.
    Nothing else may connect."""
    network: pulumi.Input[str] = "default"
    """The VPC network of the builder and of its firewall rule. Default: ``default``."""
    subnetwork: pulumi.Input[str] | None = None
    """The subnetwork. Default: the network's subnetwork in the zone's region (auto-mode
    networks)."""
    project: str | None = None
    """The project to bake in. Default: the gcp provider's project."""
    ssh_user: str = "builder"
    """The user the guest agent creates for the SSH key. Default: ``builder``."""
    machine_type: str = "e2-small"
    """Builder machine type. Default: ``e2-small``."""
    public_ip: bool = False
    """Give the builder an ephemeral external IP and connect to it; otherwise connect to
    its internal IP (VPN, IAP tunnel or a runner in the VPC). Default: no external IP."""
    disk_size_gb: int | None = None
    """Boot disk size. Default: the source image's size."""
    disk_type: str = "pd-balanced"
    """Boot disk type: pd-balanced, pd-ssd, pd-standard or hyperdisk-balanced.
    Default: pd-balanced."""
    kms_key_self_link: str | None = None
    """Cloud KMS key (``projects/.../cryptoKeys/...``) for the boot disk and the image.
    Default: Google-managed encryption (disks and images are always encrypted at rest)."""
    shielded_vm: bool = True
    """Boot the builder (and the test instance) as a Shielded VM. Turn off only for
    source images without UEFI support. Default: on."""
    ssh_timeout_minutes: int = 10
    """How long to keep dialling SSH while the builder boots (1-60). Default: 10."""
    image_timeout_minutes: int = 60
    """Create timeout of the image (10-1440). Default: 60."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Labels for the builder's resources (not the image). Default: none."""
    egress_cidrs: Sequence[str] = ("0.0.0.0/0",)
    """Where the builder (and the test instance) may connect, one address family (a GCP
    firewall rule takes one). Default: anywhere, but only on the ports below; every other
    egress of the builder's network tag is denied."""
    egress_tcp_ports: Sequence[int] = _egress.TCP_PORTS
    """TCP ports the builder may connect to. Default: DNS, HTTP and HTTPS."""
    egress_udp_ports: Sequence[int] = _egress.UDP_PORTS
    """UDP ports the builder may connect to. Default: DNS."""

    cloud = "gcp"

    def validate(self, check: Check) -> None:
        src = self.source
        if isinstance(src, GcpImageFamily):
            src.validate(check, "builder.source")
        elif isinstance(src, GoldenImage):
            if src.builder_cloud != "gcp":
                check.fail("builder.source", src, "a GoldenImage baked on GCP")
        elif isinstance(src, str):
            check.matches(
                "builder.source",
                src,
                IMAGE,
                "an image self link or 'projects/<p>/global/images/<name>' (use "
                "GcpImageFamily to follow a family)",
            )
        elif not is_unknown(src):
            check.fail("builder.source", src, "an image, a GoldenImage or a GcpImageFamily")
        check.matches("builder.zone", self.zone, ZONE, "a GCP zone such as 'us-central1-a'")
        cidrs = check.non_empty_list("builder.ssh_cidrs", self.ssh_cidrs)
        for i, cidr in enumerate(cidrs):
            check.cidr(f"builder.ssh_cidrs[{i}]", cidr)
        if len({":" in c for c in cidrs if isinstance(c, str)}) > 1:
            # GCP: "A firewall rule can contain either IPv4 or IPv6 ranges, but not both."
            check.fail("builder.ssh_cidrs", list(cidrs), "only IPv4 or only IPv6 ranges on GCP")
        if self.project is not None:
            check.matches("builder.project", self.project, PROJECT, "a GCP project id")
        check.matches("builder.ssh_user", self.ssh_user, GCP_NAME, "a lower-case user name")
        self.validate_machine_size(check, "builder.machine_type", self.machine_type)
        if self.disk_size_gb is not None:
            check.int_range("builder.disk_size_gb", self.disk_size_gb, 10, 65536)
        check.one_of("builder.disk_type", self.disk_type, DISK_TYPES)
        if self.kms_key_self_link is not None:
            check.matches(
                "builder.kms_key_self_link",
                self.kms_key_self_link,
                KMS_KEY,
                "projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>",
            )
        for flag in ("public_ip", "shielded_vm"):
            if not isinstance(getattr(self, flag), bool):
                check.fail(f"builder.{flag}", getattr(self, flag), "True or False")
        check.int_range("builder.ssh_timeout_minutes", self.ssh_timeout_minutes, 1, 60)
        check.int_range("builder.image_timeout_minutes", self.image_timeout_minutes, 10, 1440)
        check.string_map("builder.labels", dict(self.labels))
        _egress.validate(check, self.egress_cidrs, self.egress_tcp_ports, self.egress_udp_ports)
        if len({":" in c for c in self.egress_cidrs if isinstance(c, str)}) > 1:
            check.fail(
                "builder.egress_cidrs", list(self.egress_cidrs), "only IPv4 or only IPv6 on GCP"
            )
        for key, value in self.labels.items():
            check.matches("builder.labels key", key, LABEL_KEY, "a GCP label key")
            check.matches(f"builder.labels[{key!r}]", value, LABEL_VALUE, "a GCP label value")

    def validate_machine_size(self, check: Check, field: str, value: Any) -> None:
        check.matches(field, value, MACHINE_TYPE, "a GCP machine type such as 'e2-small'")

    def validate_name(self, check: Check, field: str, prefix: str) -> None:
        """Image names: lower-case, <= 63 characters with the hash and a suffix."""
        if not GCP_NAME.match(prefix) or len(prefix) > 63 - 17 - len(PUBLISHED_SUFFIX):
            check.fail(
                field,
                prefix,
                "1-44 lower-case letters, digits and hyphens, starting with a letter (GCP "
                "image names)",
            )

    # -- source ------------------------------------------------------------------------

    def source_image(self) -> pulumi.Input[str]:
        src = self.source
        if isinstance(src, GoldenImage):
            return src.image_id
        if isinstance(src, GcpImageFamily):
            return per_program(self, "source", src.resolve)
        return src

    def source_key(self) -> str | pulumi.Output[str]:
        src = self.source
        if isinstance(src, GoldenImage):
            h = src.build_hash_value
            if isinstance(h, str):
                return f"golden-image:{h}"
            return h.apply(lambda v: f"golden-image:{v}")
        image = self.source_image()
        if isinstance(image, str):
            return f"gcp-image:{_image_path(image)}"
        return pulumi.Output.from_input(image).apply(  # type: ignore[arg-type]
            lambda i: f"gcp-image:{_image_path(i)}"
        )

    def source_label(self) -> pulumi.Input[str]:
        return self.source_image()

    def parent(self) -> GoldenImage | None:
        return self.source if isinstance(self.source, GoldenImage) else None

    def hash_settings(self) -> dict[str, Any]:
        return {
            "cloud": "gcp",
            "machine_type": self.machine_type,
            "disk_size_gb": self.disk_size_gb,
            "disk_type": self.disk_type,
            "kms_key_self_link": self.kms_key_self_link,
            "shielded_vm": self.shielded_vm,
        }

    def bake_scope(self) -> str:
        return self.project or ""

    def bake(self, component: GoldenImage, name: str, plan: BakePlan) -> BakeResult:
        from . import _gcp_bake

        return _gcp_bake.bake(self, component, name, plan)


def _image_path(image: str) -> str:
    return image.removeprefix("https://www.googleapis.com/compute/v1/")
