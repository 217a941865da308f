"""The GoldenImage component: cloud-neutral part.

A GoldenImage boots a builder VM from a source image, runs provisioners on it over SSH,
and snapshots it into an image. The cloud-specific part is a module per cloud (``aws``,
``gcp``, ``azure``), chosen by which block of :class:`~.args.GoldenImageArgs` is set and
imported only then (an AWS program never imports the GCP or Azure SDK). It resolves the
source image and registers every resource; this module owns validation, layering (the
parent, resolved once here), the build hash, the image name and the provenance metadata,
which are the same on every cloud.
"""

import importlib
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from .._constants import MANAGED_BY
from .._passdown import pass_down_ignore_changes
from .._records import build
from .._validate import Check, is_unknown
from ..provisioners import digest, validate_provisioners
from . import _hash
from ._lifecycle import image_test_digest, lineage_tag
from ._plan import BakePlan, Sibling, SourceImage
from .args import (
    GoldenImageArgs,
    LineageEntry,
    ParentImage,
    validate,
    validate_name_prefix,
)

TYPE_TOKEN = "immutable:index:GoldenImage"  # noqa: S105 (a type token)
_PACKAGES = {"azure": "azure-native"}


@dataclass(frozen=True)
class _Parent:
    """A builder's ``parent``, resolved once: a GoldenImage of this program (``image``) or
    the outputs of one a caller passed (another program, another language)."""

    image_id: pulumi.Input[str]
    build_hash: pulumi.Input[str]
    """As provenance shows it (``ParentBuildHash``)."""
    hash_value: str | pulumi.Output[str]
    """As the build hash and the lineage take it: plain whenever known."""
    label: pulumi.Input[str]
    """``ParentImage`` in provenance: the image's name (this program) or its id."""
    chain: list[str] | pulumi.Output[list[str]]
    """The parent's ancestors' build hashes, nearest first."""
    lineage: pulumi.Output[list[dict[str, str]]]
    """The parent's ``lineage``."""
    root_source: pulumi.Input[str]
    """The source image at the root of the chain (the parent's id when not known)."""


class GoldenImage(pulumi.ComponentResource):
    """A content-addressed machine image baked from a source image and provisioners."""

    image_id: pulumi.Output[str]
    """The image's id (AWS: ``ami-...``; GCP: its self link; Azure: the gallery image
    version's or the managed image's resource id)."""
    image_name: pulumi.Output[str]
    """``<name_prefix>-<16 hex digits of the build hash>``."""
    build_hash: pulumi.Output[str]
    """SHA-256 over the source image, the provisioners' content and the builder settings."""
    region: pulumi.Output[str]
    """Where the image lives (GCP: ``global``; Azure: the builder's location)."""
    lineage: pulumi.Output[list[dict[str, str]]]
    """Ancestors, nearest first: ``[{"image_id": ..., "build_hash": ...}, ...]``. Empty
    for an image baked on a vendor image."""
    copies: pulumi.Output[dict[str, str]]
    """Region -> image id of each copy (AWS ``AwsDistribution.regions``). Default: {}."""
    channel: pulumi.Output[str | None]
    """The channel the image is published on, or None."""
    provisioners_hash: pulumi.Output[str]
    """SHA-256 of the provisioner part of the build hash: the same on every cloud."""
    origin: pulumi.Output[str]
    """``bake``, ``test``, ``reuse`` or ``sibling``: whether this deployment bakes the image,
    tests an image of this build hash that already existed untested, reuses a tested one
    (a revert, a re-release, a rebuilt bakery) or shares the bake of another GoldenImage of
    the program with the same build hash."""
    approved_image_ids: pulumi.Output[list[str]]
    """What a drift rule must let instances run for this image: its id; on AWS also the
    image this component published before this build (what the fleet runs until the new
    one has rolled out, and what an auto-rollback returns to); while this deployment bakes,
    the builder's source image; on GCP (a preventive policy) the chain's root source."""

    def __init__(
        self, name: str, args: GoldenImageArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        check = Check("GoldenImage", name)
        args = build(GoldenImageArgs, args, check)
        cloud, builder, warnings = validate(check, args)
        provisioners = validate_provisioners(check, args.provisioners)
        prefix = args.name_prefix if args.name_prefix is not None else name
        validate_name_prefix(
            check, cloud, "name_prefix" if args.name_prefix is not None else "name", prefix
        )
        parent = _resolve_parent(check, cloud, builder.parent)

        super().__init__(TYPE_TOKEN, name, None, pass_down_ignore_changes(opts))
        for warning in warnings:
            pulumi.log.warn(f"GoldenImage {name!r}: {warning}", resource=self)
        self.builder_cloud: str = cloud
        bake = importlib.import_module(f".{cloud}", __package__)

        if parent is not None:
            parent_hash = parent.hash_value
            source = SourceImage(
                key=_map(parent_hash, lambda h: f"golden-image:{h}"),
                label=parent.image_id,
                image=parent.image_id,
            )
        else:
            source = bake.source(builder, self)
        # The provisioner digests are computed here, never by a cloud module: every cloud
        # feeds the same list into the same hash function.
        self.provisioner_digests: list[dict[str, Any]] = [digest(p) for p in provisioners]
        self._build_hash = _hash.build_hash(
            source.key, bake.hash_settings(builder), self.provisioner_digests
        )
        image_name = _map(self._build_hash, lambda h: f"{prefix}-{_hash.short(h)}")
        provenance: dict[str, pulumi.Input[str]] = {
            **dict(args.tags or {}),
            "Name": image_name,
            "BuildHash": self._build_hash,
            "SourceImage": source.label,
            "ManagedBy": MANAGED_BY,
        }
        self._lineage_hashes: list[str] | pulumi.Output[list[str]] = []
        lineage: Any = []
        if parent is not None:
            provenance["ParentImage"] = parent.label
            provenance["ParentBuildHash"] = parent.build_hash
            parent_hash, parent_chain = parent.hash_value, parent.chain
            if isinstance(parent_hash, str) and isinstance(parent_chain, list):
                self._lineage_hashes = [parent_hash, *parent_chain]
            else:
                self._lineage_hashes = pulumi.Output.all(parent_hash, parent_chain).apply(
                    lambda a: [a[0], *a[1]]
                )
            chain = self._lineage_hashes
            provenance["Ancestry"] = (
                lineage_tag(chain) if isinstance(chain, list) else chain.apply(lineage_tag)
            )
            lineage = pulumi.Output.all(parent.image_id, parent.build_hash, parent.lineage).apply(
                lambda a: [{"image_id": a[0], "build_hash": a[1]}, *a[2]]
            )
        if args.version:
            provenance["Version"] = args.version
        if args.git_commit:
            provenance["GitCommit"] = args.git_commit
        description = args.description or _map(self._build_hash, lambda h: f"{name} build {h}")

        self.channel_name: str | None = args.channel
        self.test_digest: str = image_test_digest(args.test) if args.test else ""
        sibling = _claim_build(self, cloud, bake.bake_scope(builder), self._build_hash)
        result = bake.bake(
            builder,
            self,
            name,
            BakePlan(
                provisioners=provisioners,
                build_hash=self._build_hash,
                image_name=image_name,
                description=description,
                provenance=provenance,
                source=source,
                lineage_hashes=self._lineage_hashes,
                test=args.test,
                channel=args.channel,
                sibling=sibling,
            ),
        )
        self.origin_value = result.origin
        self.copy_regions: tuple[str, ...] = result.copy_regions
        # What a drift rule must let boot: the builder's source while this deployment bakes
        # (the bakery is cleaned up by the next `up`, and the approval with it), and the
        # chain's root source (a vendor image) for clouds whose policy is preventive (GCP).
        self.bakery_sources: list[pulumi.Input[str]] = (
            [source.label] if result.origin == "bake" else []
        )
        self.previous_images: list[pulumi.Input[str]] = (
            [result.previous] if result.previous is not None else []
        )
        self.root_source: pulumi.Input[str] = (
            parent.root_source if parent is not None else source.label
        )
        self.image_id = result.image_id
        self.image_name = pulumi.Output.from_input(image_name)
        self.build_hash = pulumi.Output.from_input(self._build_hash)
        self.region = result.region
        self.lineage = pulumi.Output.from_input(lineage)
        self.copies = pulumi.Output.from_input(result.copies or {})  # type: ignore[arg-type]
        self.channel = pulumi.Output.from_input(result.channel)
        self.provisioners_hash = pulumi.Output.from_input(
            _hash.provisioners_digest(self.provisioner_digests)
        )
        self.origin = pulumi.Output.from_input(result.origin)
        approved: list[pulumi.Input[str]] = [
            self.image_id,
            *self.bakery_sources,
            *self.previous_images,
        ]
        if cloud == "gcp":
            approved.append(self.root_source)
        self.approved_image_ids = pulumi.Output.all(*approved).apply(
            lambda ids: list(dict.fromkeys(ids))
        )
        self.register_outputs(
            {
                "image_id": self.image_id,
                "image_name": self.image_name,
                "build_hash": self.build_hash,
                "region": self.region,
                "lineage": self.lineage,
                "copies": self.copies,
                "channel": self.channel,
                "provisioners_hash": self.provisioners_hash,
                "origin": self.origin,
                "approved_image_ids": self.approved_image_ids,
            }
        )
        _register(self)

    def as_parent(self) -> ParentImage:
        """This image as another GoldenImage's ``parent`` (layering): its id, build hash
        and lineage, which is also what a program in another language passes."""
        return ParentImage(
            image_id=self.image_id,
            build_hash=self._build_hash,
            # the output holds LineageEntry's fields as plain dicts, as a provider sends them
            lineage=self.lineage,  # type: ignore[arg-type]
        )

    @property
    def build_hash_value(self) -> str | pulumi.Output[str]:
        """The build hash, as a plain string whenever it is known at construction."""
        return self._build_hash

    @property
    def lineage_hashes_value(self) -> list[str] | pulumi.Output[list[str]]:
        """Ancestors' build hashes, nearest first, plain whenever known at construction."""
        return self._lineage_hashes


# The GoldenImages of a program, by the identity of their ``image_id`` Output, so the
# ParentImage ``as_parent()`` returned is recognised as one of them. Keyed by the program's
# root stack resource, like the claims below.
_IMAGES: "weakref.WeakKeyDictionary[Any, dict[int, GoldenImage]]" = weakref.WeakKeyDictionary()


def _register(image: GoldenImage) -> None:
    root = pulumi.runtime.get_root_resource()
    if root is not None:
        _IMAGES.setdefault(root, {})[id(image.image_id)] = image


def _registered(image_id: Any) -> GoldenImage | None:
    root = pulumi.runtime.get_root_resource()
    image = _IMAGES.get(root, {}).get(id(image_id)) if root is not None else None
    return image if image is not None and image.image_id is image_id else None


_NAMES = {"aws": "AWS", "gcp": "GCP", "azure": "Azure"}


def _resolve_parent(check: Check, cloud: str, parent: ParentImage | None) -> _Parent | None:
    """The builder's parent, resolved once for every cloud."""
    if parent is None:
        return None
    image = _registered(parent.image_id)
    if image is not None:
        if image.builder_cloud != cloud:
            check.fail(
                f"{cloud}.parent",
                f"GoldenImage {image._name!r} baked on {_NAMES[image.builder_cloud]}",
                f"a GoldenImage baked on {_NAMES[cloud]}",
            )
        return _Parent(
            image_id=image.image_id,
            build_hash=image.build_hash,
            hash_value=image.build_hash_value,
            label=image.image_name,
            chain=image.lineage_hashes_value,
            lineage=image.lineage,
            root_source=image.root_source,
        )
    build_hash = parent.build_hash
    hash_value: str | pulumi.Output[str] = (
        build_hash if isinstance(build_hash, str) else pulumi.Output.from_input(build_hash)
    )
    given = parent.lineage if parent.lineage is not None else []
    chain: list[str] | pulumi.Output[list[str]]
    if isinstance(given, Sequence) and not is_unknown(given):
        chain = [_entry(e)["build_hash"] for e in given]
    else:
        chain = pulumi.Output.from_input(given).apply(  # type: ignore[arg-type]
            lambda es: [_entry(e)["build_hash"] for e in es or []]
        )
    lineage = pulumi.Output.from_input(given).apply(  # type: ignore[arg-type]
        lambda es: [_entry(e) for e in es or []]
    )
    return _Parent(
        image_id=parent.image_id,
        build_hash=build_hash,
        hash_value=hash_value,
        label=parent.image_id,
        chain=chain,
        lineage=lineage,
        root_source=parent.image_id,
    )


def _entry(entry: Any) -> dict[str, str]:
    """A lineage entry as the ``lineage`` output has it (a record, or a mapping in snake or
    camel case, as another program's output arrives)."""
    if isinstance(entry, LineageEntry):
        return {"image_id": entry.image_id, "build_hash": entry.build_hash}
    if isinstance(entry, Mapping):
        return {
            "image_id": str(entry.get("image_id", entry.get("imageId"))),
            "build_hash": str(entry.get("build_hash", entry.get("buildHash"))),
        }
    raise TypeError(f"a lineage entry: {entry!r}")  # pragma: no cover - validated


# One bake per build hash and scope in a program: the first GoldenImage claims it, the
# others publish its image. Keyed by the program's root stack resource, so two programs run
# one after the other in a process (tests, sequence tests) never share a claim.
_CLAIMS: "weakref.WeakKeyDictionary[Any, dict[tuple[str, ...], GoldenImage]]" = (
    weakref.WeakKeyDictionary()
)


def _claim_build(
    image: GoldenImage, cloud: str, scope: str, build_hash: str | pulumi.Output[str]
) -> Sibling | None:
    """The GoldenImage that already bakes this build hash in this scope (AWS: the region,
    GCP: the project, Azure: the resource group), or None (then ``image`` claims it)."""
    root = pulumi.runtime.get_root_resource()
    if root is None or not isinstance(build_hash, str):
        return None
    claims = _CLAIMS.setdefault(root, {})
    # The same build and provider (account) only: a sibling publishes what the first one
    # baked, in the first one's account (and runs its own test on it if it has another).
    provider = image.get_provider(f"{_PACKAGES.get(cloud, cloud)}::x")
    key = (cloud, scope, build_hash, str(id(provider)))
    first = claims.get(key)
    if first is None:
        claims[key] = image
        return None
    return Sibling(
        name=first._name,
        image_id=first.image_id,
        region=first.region,
        copies=first.copies,
        copy_regions=first.copy_regions,
        test_digest=first.test_digest,
        channel_name=first.channel_name,
    )


def _map(value: str | pulumi.Output[str], fn: Any) -> Any:
    return fn(value) if isinstance(value, str) else value.apply(fn)


__all__ = ["GoldenImage", "GoldenImageArgs"]
