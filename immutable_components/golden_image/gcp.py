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
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Union

import pulumi
import pulumi_gcp as gcp
import pulumi_tls as tls
from pulumi_command import local

from .._validate import Check, is_unknown
from . import _labels, _remote
from .component import BakePlan, BakeResult, GoldenImage
from .lifecycle import run_test

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
PUBLISHED_SUFFIX = "-p"


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
                "builder.source", src, IMAGE,
                "an image self link or 'projects/<p>/global/images/<name>' (use "
                "GcpImageFamily to follow a family)",
            )
        elif not is_unknown(src):
            check.fail("builder.source", src, "an image, a GoldenImage or a GcpImageFamily")
        check.matches("builder.zone", self.zone, ZONE, "a GCP zone such as 'us-central1-a'")
        cidrs = check.non_empty_list("builder.ssh_cidrs", self.ssh_cidrs)
        for i, cidr in enumerate(cidrs):
            check.cidr(f"builder.ssh_cidrs[{i}]", cidr)
        if self.project is not None:
            check.matches("builder.project", self.project, PROJECT, "a GCP project id")
        check.matches("builder.ssh_user", self.ssh_user, GCP_NAME, "a lower-case user name")
        self.validate_machine_size(check, "builder.machine_type", self.machine_type)
        if self.disk_size_gb is not None:
            check.int_range("builder.disk_size_gb", self.disk_size_gb, 10, 65536)
        check.one_of("builder.disk_type", self.disk_type, DISK_TYPES)
        if self.kms_key_self_link is not None:
            check.matches(
                "builder.kms_key_self_link", self.kms_key_self_link, KMS_KEY,
                "projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>",
            )
        for flag in ("public_ip", "shielded_vm"):
            if not isinstance(getattr(self, flag), bool):
                check.fail(f"builder.{flag}", getattr(self, flag), "True or False")
        check.int_range("builder.ssh_timeout_minutes", self.ssh_timeout_minutes, 1, 60)
        check.int_range("builder.image_timeout_minutes", self.image_timeout_minutes, 10, 1440)
        check.string_map("builder.labels", dict(self.labels))
        for key, value in self.labels.items():
            check.matches("builder.labels key", key, LABEL_KEY, "a GCP label key")
            check.matches(f"builder.labels[{key!r}]", value, LABEL_VALUE, "a GCP label value")

    def validate_machine_size(self, check: Check, field: str, value: Any) -> None:
        check.matches(field, value, MACHINE_TYPE, "a GCP machine type such as 'e2-small'")

    def validate_name(self, check: Check, field: str, prefix: str) -> None:
        """Image names: lower-case, <= 63 characters with the hash and a suffix."""
        if not GCP_NAME.match(prefix) or len(prefix) > 63 - 17 - len(PUBLISHED_SUFFIX):
            check.fail(
                field, prefix,
                "1-44 lower-case letters, digits and hyphens, starting with a letter (GCP "
                "image names)",
            )

    # -- source ------------------------------------------------------------------------

    def _source_image(self) -> pulumi.Input[str]:
        src = self.source
        if isinstance(src, GoldenImage):
            return src.image_id
        if isinstance(src, GcpImageFamily):
            cached = self.__dict__.get("_resolved")
            if cached is None:
                cached = src.resolve()
                object.__setattr__(self, "_resolved", cached)
            return cached
        return src

    def source_key(self) -> str | pulumi.Output[str]:
        src = self.source
        if isinstance(src, GoldenImage):
            h = src.build_hash_value
            if isinstance(h, str):
                return f"golden-image:{h}"
            return h.apply(lambda v: f"golden-image:{v}")
        image = self._source_image()
        if isinstance(image, str):
            return f"gcp-image:{_image_path(image)}"
        return pulumi.Output.from_input(image).apply(lambda i: f"gcp-image:{_image_path(i)}")

    def source_label(self) -> pulumi.Input[str]:
        return self._source_image()

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

    # -- resources ---------------------------------------------------------------------

    def _instance(
        self, resource_name: str, component: GoldenImage, *, image: pulumi.Input[str],
        machine_type: str, tag: str, public_key: pulumi.Input[str],
        description: pulumi.Input[str], opts: pulumi.ResourceOptions,
    ) -> gcp.compute.Instance:
        project: dict[str, Any] = {"project": self.project} if self.project else {}
        return gcp.compute.Instance(
            resource_name,
            zone=self.zone,
            machine_type=machine_type,
            description=description,
            boot_disk=gcp.compute.InstanceBootDiskArgs(
                auto_delete=True,
                kms_key_self_link=self.kms_key_self_link,
                initialize_params=gcp.compute.InstanceBootDiskInitializeParamsArgs(
                    image=image, size=self.disk_size_gb, type=self.disk_type
                ),
            ),
            network_interfaces=[
                gcp.compute.InstanceNetworkInterfaceArgs(
                    network=self.network,
                    subnetwork=self.subnetwork,
                    access_configs=[gcp.compute.InstanceNetworkInterfaceAccessConfigArgs()]
                    if self.public_ip
                    else [],
                )
            ],
            metadata={
                "ssh-keys": pulumi.Output.concat(self.ssh_user, ":", public_key),
                "block-project-ssh-keys": "TRUE",
                "enable-oslogin": "FALSE",
            },
            tags=[tag],
            shielded_instance_config=gcp.compute.InstanceShieldedInstanceConfigArgs(
                enable_secure_boot=True, enable_vtpm=True, enable_integrity_monitoring=True
            )
            if self.shielded_vm
            else None,
            labels={**self.labels, "managed_by": "immutable-components"},
            opts=pulumi.ResourceOptions.merge(
                opts, pulumi.ResourceOptions(parent=component, replace_on_changes=["description"])
            ),
            **project,
        )

    def _host(self, instance: gcp.compute.Instance) -> pulumi.Output[str]:
        nic = instance.network_interfaces[0]
        return nic.access_configs[0].nat_ip if self.public_ip else nic.network_ip

    def bake(self, component: GoldenImage, name: str, plan: BakePlan) -> BakeResult:
        child = pulumi.ResourceOptions(parent=component)
        project: dict[str, Any] = {"project": self.project} if self.project else {}
        tag = f"{_gcp_prefix(name)}-builder"
        key = tls.PrivateKey(f"{name}-ssh-key", algorithm="ED25519", opts=child)
        gcp.compute.Firewall(
            f"{name}-builder-fw",
            network=self.network,
            direction="INGRESS",
            description=f"Image builder {name}: SSH from the baking machine only",
            allows=[gcp.compute.FirewallAllowArgs(protocol="tcp", ports=["22"])],
            source_ranges=list(self.ssh_cidrs),
            target_tags=[tag],
            opts=child,
            **project,
        )
        build = pulumi.Output.from_input(plan.build_hash)
        builder = self._instance(
            f"{name}-builder", component, image=self._source_image(),
            machine_type=self.machine_type, tag=tag, public_key=key.public_key_openssh,
            description=build.apply(lambda h: f"immutable-components image builder, build {h}"),
            opts=pulumi.ResourceOptions(),
        )
        conn = _remote.connection(
            self._host(builder), self.ssh_user, key.private_key_openssh, self.ssh_timeout_minutes
        )
        steps = _remote.provision(
            name, parent=component, builder=builder, conn=conn,
            provisioners=plan.provisioners, build_hash=plan.build_hash,
        )
        stop_cmd = pulumi.Output.all(builder.name, builder.zone, builder.project).apply(
            lambda a: "gcloud compute instances stop "
            + " ".join(shlex.quote(str(v)) for v in (a[0], "--zone", a[1], "--project", a[2]))
            + " --quiet"
        )
        stopped = local.Command(
            f"{name}-builder-stopped",
            create=stop_cmd,
            triggers=[plan.build_hash],
            opts=pulumi.ResourceOptions(
                parent=component, depends_on=[steps[-1]], deleted_with=builder
            ),
        )
        labels = _image_labels(plan)
        timeouts = pulumi.CustomTimeouts(
            create=f"{self.image_timeout_minutes}m", delete=f"{self.image_timeout_minutes}m"
        )
        encryption = (
            gcp.compute.ImageImageEncryptionKeyArgs(kms_key_self_link=self.kms_key_self_link)
            if self.kms_key_self_link
            else None
        )
        direct_family = plan.channel if plan.test is None else None
        image = gcp.compute.Image(
            f"{name}-image",
            name=plan.image_name,
            family=direct_family,
            description=plan.description,
            source_disk=builder.boot_disk.source,
            image_encryption_key=encryption,
            labels=labels,
            opts=pulumi.ResourceOptions(
                parent=component, depends_on=[stopped, steps[-1]], custom_timeouts=timeouts
            ),
            **project,
        )
        published: gcp.compute.Image | None = None
        if plan.test is not None:
            tester = self._instance(
                f"{name}-test", component, image=image.self_link,
                machine_type=plan.test.instance_type or self.machine_type, tag=tag,
                public_key=key.public_key_openssh,
                description=build.apply(lambda h: f"immutable-components image test, build {h}"),
                opts=pulumi.ResourceOptions(),
            )
            conn = _remote.connection(
                self._host(tester), self.ssh_user, key.private_key_openssh,
                self.ssh_timeout_minutes,
            )
            gate = run_test(
                name, parent=component, instance=tester, conn=conn, test=plan.test,
                image_id=image.self_link,
            )
            if plan.channel is not None:
                published = gcp.compute.Image(
                    f"{name}-published",
                    name=pulumi.Output.concat(plan.image_name, PUBLISHED_SUFFIX),
                    family=plan.channel,
                    description=plan.description,
                    source_image=image.self_link,
                    image_encryption_key=encryption,
                    labels=labels,
                    opts=pulumi.ResourceOptions(
                        parent=component, depends_on=[gate], custom_timeouts=timeouts
                    ),
                    **project,
                )
        final = published or image
        return BakeResult(
            image_id=final.self_link,
            region=pulumi.Output.from_input("global"),
            channel=final.family if plan.channel is not None else None,
        )


def _image_path(image: str) -> str:
    return image.removeprefix("https://www.googleapis.com/compute/v1/")


def _gcp_prefix(name: str) -> str:
    cleaned = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") or "image"
    if not cleaned[0].isalpha():
        cleaned = "i-" + cleaned
    return cleaned[:50].rstrip("-")


def _image_labels(plan: BakePlan) -> pulumi.Output[dict[str, str]]:
    """Provenance as labels; images are labelled by name (a self link is too long)."""
    values = {k: v for k, v in plan.provenance.items() if k != "Lineage"}

    def build(a: list[Any]) -> dict[str, str]:
        plain = {k: str(v).rsplit("/", 1)[-1] for k, v in a[0].items()}
        lineage = {"lineage": _labels.lineage_label(a[1])} if a[1] else {}
        return {**_labels.labels(plain), **lineage}

    return pulumi.Output.all(
        pulumi.Output.all(**values), pulumi.Output.from_input(plan.lineage_hashes)
    ).apply(build)
