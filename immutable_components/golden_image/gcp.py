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
from typing import Any

import pulumi
import pulumi_gcp as gcp
import pulumi_tls as tls
from pulumi_command import local

from .._invoke import invoke_once
from ..errors import ComponentInputError
from . import _egress, _labels, _remote
from ._lifecycle import image_test_digest, run_test
from ._plan import BakePlan, BakeResult, SourceImage
from .args import GCP_PUBLISHED_SUFFIX, GcpBuilder, GcpImageFamily

__all__ = ["bake", "bake_scope", "hash_settings", "source"]


# -- the source and the hash -----------------------------------------------------------


def source(b: GcpBuilder, component: pulumi.ComponentResource) -> SourceImage:
    """The image the builder boots from (a family is resolved once per program run)."""
    family = b.source_family
    image: pulumi.Input[str] = (
        _resolve(family) if family is not None else b.source_image_id  # type: ignore[assignment]
    )
    key = (
        f"gcp-image:{_image_path(image)}"
        if isinstance(image, str)
        else pulumi.Output.concat(image).apply(lambda i: f"gcp-image:{_image_path(i)}")
    )
    return SourceImage(key=key, label=image, image=image)


def _resolve(family: GcpImageFamily) -> str:
    """The family's newest image, looked up now, once per program run per family."""
    image = invoke_once(gcp.compute.get_image, family=family.family, project=family.project)
    return str(image.self_link)


def _image_path(image: str) -> str:
    return image.removeprefix("https://www.googleapis.com/compute/v1/")


def hash_settings(b: GcpBuilder) -> dict[str, Any]:
    """The builder settings that shape the disk (part of the build hash)."""
    return {
        "cloud": "gcp",
        "machine_type": b.machine_type,
        "disk_size_gb": b.disk_size_gb,
        "disk_type": b.disk_type,
        "kms_key_self_link": b.kms_key_self_link,
        "shielded_vm": b.shielded_vm,
    }


def bake_scope(b: GcpBuilder) -> str:
    """Where an image name must be unique: the project."""
    return b.project or ""


# -- resources -------------------------------------------------------------------------


def _instance(
    b: GcpBuilder,
    resource_name: str,
    component: pulumi.ComponentResource,
    *,
    image: pulumi.Input[str],
    machine_type: str,
    tag: str,
    public_key: pulumi.Input[str],
    description: pulumi.Input[str],
    opts: pulumi.ResourceOptions,
) -> gcp.compute.Instance:
    project: dict[str, Any] = {"project": b.project} if b.project else {}
    return gcp.compute.Instance(
        resource_name,
        zone=b.zone,
        machine_type=machine_type,
        description=description,
        boot_disk=gcp.compute.InstanceBootDiskArgs(
            auto_delete=True,
            kms_key_self_link=b.kms_key_self_link,
            initialize_params=gcp.compute.InstanceBootDiskInitializeParamsArgs(
                image=image, size=b.disk_size_gb, type=b.disk_type
            ),
        ),
        network_interfaces=[
            gcp.compute.InstanceNetworkInterfaceArgs(
                network=b.network,
                subnetwork=b.subnetwork,
                access_configs=[gcp.compute.InstanceNetworkInterfaceAccessConfigArgs()]
                if b.public_ip
                else [],
            )
        ],
        metadata={
            "ssh-keys": pulumi.Output.concat(b.ssh_user, ":", public_key),
            "block-project-ssh-keys": "TRUE",
            "enable-oslogin": "FALSE",
        },
        tags=[tag],
        shielded_instance_config=gcp.compute.InstanceShieldedInstanceConfigArgs(
            enable_secure_boot=True, enable_vtpm=True, enable_integrity_monitoring=True
        )
        if b.shielded_vm
        else None,
        labels={**(b.labels or {}), "managed_by": "immutable-components"},
        opts=pulumi.ResourceOptions.merge(
            # Replaced on any change (a new network, subnetwork, zone or label included; the
            # provider would update those in place, and a stopped builder cannot be): the
            # steps follow the builder's id, so a new builder is provisioned from scratch.
            opts,
            pulumi.ResourceOptions(parent=component, replace_on_changes=["*"]),
        ),
        **project,
    )


def _host(b: GcpBuilder, instance: gcp.compute.Instance) -> pulumi.Output[str]:
    nic = instance.network_interfaces[0]
    return nic.access_configs[0].nat_ip if b.public_ip else nic.network_ip


def existing_image(
    b: GcpBuilder, component: pulumi.ComponentResource, plan: BakePlan
) -> tuple[str, str | None]:
    """What the project already holds of the build (images are labelled with their build
    hash): ``("reuse", self link)`` of the tested copy (``<name>-p``; without a test, the
    image itself), ``("test", self link)`` of an image not yet tested, ``("bake", None)``.
    A build hash not known at construction always bakes."""
    if not isinstance(plan.build_hash, str) or not isinstance(plan.image_name, str):
        return "bake", None
    found = gcp.compute.get_images(
        # Compute API list filter: parenthesised expressions are ANDed.
        filter=(
            f'(labels.build_hash = "{_labels.label_value(plan.build_hash)}") '
            f'(labels.managed_by = "{_labels.label_value(str(plan.provenance["ManagedBy"]))}") '
            '(status = "READY")'
        ),
        opts=pulumi.InvokeOptions(parent=component),
        **({"project": b.project} if b.project else {}),
    )
    by_name = {image.name: image.self_link for image in found.images or []}
    final = plan.image_name + (GCP_PUBLISHED_SUFFIX if plan.test is not None else "")
    if final in by_name:
        return "reuse", by_name[final]
    if plan.test is not None and plan.image_name in by_name:
        return "test", by_name[plan.image_name]
    return "bake", None


def bake(
    b: GcpBuilder, component: pulumi.ComponentResource, name: str, plan: BakePlan
) -> BakeResult:
    if plan.sibling is not None:
        sibling = plan.sibling
        own_test = image_test_digest(plan.test) if plan.test else ""
        if own_test and own_test != sibling.test_digest:
            raise ComponentInputError(
                f"GoldenImage {component._name!r}",
                "test",
                plan.test,
                f"the test of GoldenImage {sibling.name!r} or None: it bakes the same build "
                "in this project, and on GCP the tested copy is one image",
            )
        if plan.channel is not None and plan.channel != sibling.channel_name:
            # A GCP image belongs to one family: the shared image cannot be in two.
            raise ComponentInputError(
                f"GoldenImage {component._name!r}",
                "channel",
                plan.channel,
                f"{sibling.channel_name!r} or None: GoldenImage {sibling.name!r} bakes the same "
                "build in this project, and a GCP image is in one family",
            )
        return BakeResult(
            image_id=sibling.image_id,
            region=sibling.region,
            channel=pulumi.Output.from_input(plan.channel) if plan.channel else None,
            origin="sibling",
        )
    origin, found = existing_image(b, component, plan)
    if origin == "reuse":
        return BakeResult(
            image_id=pulumi.Output.from_input(str(found)),
            region=pulumi.Output.from_input("global"),
            channel=pulumi.Output.from_input(plan.channel) if plan.channel else None,
            origin="reuse",
        )
    child = pulumi.ResourceOptions(parent=component)
    project: dict[str, Any] = {"project": b.project} if b.project else {}
    tag = f"{_gcp_prefix(name)}-builder"
    key = tls.PrivateKey(f"{name}-ssh-key", algorithm="ED25519", opts=child)
    gcp.compute.Firewall(
        f"{name}-builder-fw",
        network=b.network,
        direction="INGRESS",
        description=f"Image builder {name}: SSH from the baking machine only",
        allows=[gcp.compute.FirewallAllowArgs(protocol="tcp", ports=["22"])],
        source_ranges=list(b.ssh_cidrs),
        target_tags=[tag],
        opts=child,
        **project,
    )
    # Egress: only what a bake needs (the metadata server is not filtered by firewalls).
    gcp.compute.Firewall(
        f"{name}-builder-egress",
        network=b.network,
        direction="EGRESS",
        priority=1000,
        description=f"Image builder {name}: DNS, HTTP and HTTPS out",
        allows=[
            gcp.compute.FirewallAllowArgs(protocol=protocol, ports=[str(p) for p in ports])
            for protocol, ports in _egress.rules(b.egress_tcp_ports, b.egress_udp_ports)
        ],
        destination_ranges=list(b.egress_cidrs),
        target_tags=[tag],
        opts=child,
        **project,
    )
    gcp.compute.Firewall(
        f"{name}-builder-egress-deny",
        network=b.network,
        direction="EGRESS",
        priority=65000,
        description=f"Image builder {name}: no other egress",
        denies=[gcp.compute.FirewallDenyArgs(protocol="all")],
        destination_ranges=["0.0.0.0/0"],
        target_tags=[tag],
        opts=child,
        **project,
    )
    build = pulumi.Output.from_input(plan.build_hash)
    labels = _image_labels(plan)
    timeouts = pulumi.CustomTimeouts(
        create=f"{b.image_timeout_minutes}m", delete=f"{b.image_timeout_minutes}m"
    )
    encryption = (
        gcp.compute.ImageImageEncryptionKeyArgs(kms_key_self_link=b.kms_key_self_link)
        if b.kms_key_self_link
        else None
    )
    if plan.test is None:  # origin "bake": an existing image without a test is reused
        image = _bake_image(b, component, name, plan, tag, key, build, labels, timeouts, encryption)
        return BakeResult(
            image_id=image.self_link,
            region=pulumi.Output.from_input("global"),
            channel=image.family if plan.channel is not None else None,
        )
    test = plan.test
    image_link: pulumi.Input[str]
    if origin == "test":
        image_link = str(found)
    else:
        image_link = _bake_image(
            b, component, name, plan, tag, key, build, labels, timeouts, encryption
        ).self_link
    tester = _instance(
        b,
        f"{name}-test",
        component,
        image=image_link,
        machine_type=test.instance_type or b.machine_type,
        tag=tag,
        public_key=key.public_key_openssh,
        description=build.apply(
            lambda h: f"immutable-components image test {image_test_digest(test)}, build {h}"
        ),
        opts=pulumi.ResourceOptions(),
    )
    conn = _remote.connection(
        _host(b, tester),
        b.ssh_user,
        key.private_key_openssh,
        b.ssh_timeout_minutes,
    )
    gate = run_test(
        name,
        parent=component,
        instance=tester,
        conn=conn,
        test=test,
        image_id=image_link,
    )
    # The tested copy: what consumers get (and the family, with a channel). Its existence
    # is the image's "tested" mark: a later deployment of this build reuses it.
    published = gcp.compute.Image(
        f"{name}-published",
        name=pulumi.Output.concat(plan.image_name, GCP_PUBLISHED_SUFFIX),
        family=plan.channel,
        description=plan.description,
        source_image=image_link,
        image_encryption_key=encryption,
        labels=labels,
        opts=pulumi.ResourceOptions(
            parent=component,
            depends_on=[gate],
            custom_timeouts=timeouts,
            retain_on_delete=True,
        ),
        **project,
    )
    return BakeResult(
        image_id=published.self_link,
        region=pulumi.Output.from_input("global"),
        channel=published.family if plan.channel is not None else None,
        origin=origin,
    )


def _bake_image(
    b: GcpBuilder,
    component: pulumi.ComponentResource,
    name: str,
    plan: BakePlan,
    tag: str,
    key: tls.PrivateKey,
    build: pulumi.Output[str],
    labels: pulumi.Output[dict[str, str]],
    timeouts: pulumi.CustomTimeouts,
    encryption: Any,
) -> gcp.compute.Image:
    """Builder, provisioning, clearing, stop and the image of its boot disk."""
    project: dict[str, Any] = {"project": b.project} if b.project else {}
    builder = _instance(
        b,
        f"{name}-builder",
        component,
        image=plan.source.image,
        machine_type=b.machine_type,
        tag=tag,
        public_key=key.public_key_openssh,
        description=build.apply(lambda h: f"immutable-components image builder, build {h}"),
        opts=pulumi.ResourceOptions(),
    )
    conn = _remote.connection(
        _host(b, builder), b.ssh_user, key.private_key_openssh, b.ssh_timeout_minutes
    )
    steps = _remote.provision(
        name,
        parent=component,
        builder=builder,
        conn=conn,
        provisioners=plan.provisioners,
        build_hash=plan.build_hash,
    )
    cleared = _remote.clear_login(
        name,
        parent=component,
        builder=builder,
        conn=conn,
        after=steps[-1],
        build_hash=plan.build_hash,
    )
    stop_cmd = pulumi.Output.all(builder.name, builder.zone, builder.project).apply(
        lambda a: (
            "gcloud compute instances stop "
            + " ".join(shlex.quote(str(v)) for v in (a[0], "--zone", a[1], "--project", a[2]))
            + " --quiet"
        )
    )
    stopped = local.Command(
        f"{name}-builder-stopped",
        create=stop_cmd,
        triggers=[plan.build_hash, builder.id],
        opts=pulumi.ResourceOptions(
            parent=component,
            depends_on=[cleared],
            deleted_with=builder,
            ignore_changes=["create"],
        ),
    )
    direct_family = plan.channel if plan.test is None else None
    return gcp.compute.Image(
        f"{name}-image",
        name=plan.image_name,
        family=direct_family,
        description=plan.description,
        source_disk=builder.boot_disk.source,
        image_encryption_key=encryption,
        labels=labels,
        opts=pulumi.ResourceOptions(
            parent=component,
            depends_on=[stopped, cleared],
            custom_timeouts=timeouts,
            retain_on_delete=True,
        ),
        **project,
    )


def _gcp_prefix(name: str) -> str:
    cleaned = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") or "image"
    if not cleaned[0].isalpha():
        cleaned = "i-" + cleaned
    return cleaned[:50].rstrip("-")


def _image_labels(plan: BakePlan) -> pulumi.Output[dict[str, str]]:
    """Provenance as labels; images are labelled by name (a self link is too long)."""
    values = {k: v for k, v in plan.provenance.items() if k != "Ancestry"}

    def build(a: list[Any]) -> dict[str, str]:
        plain = {k: str(v).rsplit("/", 1)[-1] for k, v in a[0].items()}
        lineage = {"ancestry": _labels.lineage_label(a[1])} if a[1] else {}
        return {**_labels.labels(plain), **lineage}

    return pulumi.Output.all(
        pulumi.Output.all(**values), pulumi.Output.from_input(plan.lineage_hashes)
    ).apply(build)
