"""The GoldenImage component: cloud-neutral part.

A GoldenImage boots a builder VM from a source image, runs provisioners on it over SSH,
and snapshots it into an image. The cloud-specific part is the *builder*
(:class:`~immutable_components.golden_image.aws.AwsBuilder`, ...), which owns the source
image and every resource it registers; this module owns validation, the build hash, the
image name and the provenance metadata, which are the same on every cloud.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pulumi

from .._passdown import pass_down_ignore_changes
from .._validate import Check
from ..provisioners import Provisioner, validate_provisioners
from . import _hash
from .lifecycle import ImageTest, lineage_tag, validate_channel

TYPE_TOKEN = "immutable:index:GoldenImage"  # noqa: S105 (a type token)
MANAGED_BY = "immutable-components"
IMAGE_NAME_PREFIX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9()\[\] ./'@_-]{2,100}$")


@dataclass(frozen=True)
class BakePlan:
    """What the cloud-neutral part hands to a builder."""

    provisioners: Sequence[Provisioner]
    build_hash: str | pulumi.Output[str]
    image_name: str | pulumi.Output[str]
    description: str | pulumi.Output[str]
    provenance: Mapping[str, pulumi.Input[str]]
    """Provenance metadata (``BuildHash``, ``SourceImage``, ``Version``, ``Ancestry``, ...)
    plus user tags."""
    lineage_hashes: list[str] | pulumi.Output[list[str]] = field(default_factory=list)
    """Ancestors' build hashes, nearest first (empty for an image on a vendor image)."""
    test: ImageTest | None = None
    """Commands to pass on an instance of the new image before publication."""
    channel: str | None = None
    """The channel to publish on (the builder decides what that is on its cloud)."""
    sibling: GoldenImage | None = None
    """Another GoldenImage of this program with the same build hash, baked first: this one
    bakes nothing and publishes that image (its own channel, sharing and copies)."""


@dataclass(frozen=True)
class BakeResult:
    image_id: pulumi.Output[str]
    region: pulumi.Output[str]
    copies: pulumi.Input[Mapping[str, str]] | None = None
    """Region -> image id of each copy (AWS). Default: no copies."""
    channel: pulumi.Input[str] | None = None
    """The published channel's name. Default: not published."""
    previous: pulumi.Input[str] | None = None
    """The image this component published before this build (AWS), kept approved by a drift
    rule until the next build: a rollout in progress and an auto-rollback run it."""
    origin: str = "bake"
    """How the image came to be: ``bake`` (baked in this deployment), ``test`` (an image
    of this build hash that existed untested, tested now), ``reuse`` (a tested image of
    this build hash that exists, e.g. retained from an earlier release) or ``sibling``
    (baked by another GoldenImage of this program)."""
    copy_regions: tuple[str, ...] = ()
    """The regions of ``copies``, known at construction (AWS)."""


class Builder(Protocol):
    """What a cloud's builder provides to :class:`GoldenImage`."""

    cloud: str

    def validate(self, check: Check) -> None: ...

    def source_key(self) -> str | pulumi.Output[str]:
        """What identifies the source image in the build hash."""
        ...

    def source_label(self) -> pulumi.Input[str]:
        """The source image as it should appear in provenance metadata."""
        ...

    def parent(self) -> GoldenImage | None: ...

    def hash_settings(self) -> dict[str, Any]: ...

    def validate_machine_size(self, check: Check, field: str, value: Any) -> None:
        """Check an instance type / machine type / VM size in this cloud's words."""
        ...

    def bake_scope(self) -> str:
        """Where an image name must be unique (AWS: the region, GCP: the project): two
        GoldenImages with one build hash in one scope bake once."""
        ...

    def bake(self, component: GoldenImage, name: str, plan: BakePlan) -> BakeResult: ...


@dataclass(frozen=True, kw_only=True)
class GoldenImageArgs:
    """Inputs of :class:`GoldenImage`."""

    builder: Builder
    """Where and how to bake: :class:`~immutable_components.AwsBuilder` (its ``source`` is
    the image the builder boots from)."""
    provisioners: Sequence[Provisioner]
    """The steps run on the builder, in order. At least one."""
    version: str | None = None
    """A version label recorded in the image's provenance tags (``Version``). It is
    metadata: it does not change the build hash. Default: no version tag."""
    git_commit: str | None = None
    """The commit the image was built from, recorded as the ``GitCommit`` tag. Metadata,
    not part of the build hash. Default: no commit tag."""
    name_prefix: str | None = None
    """The image name is ``<name_prefix>-<first 16 hex digits of the build hash>``.
    Default: the component's name."""
    description: str | None = None
    """Image description. Default: ``"<name> build <hash>"``."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Extra tags for the image (and its snapshots where the cloud allows). Default: none."""
    test: ImageTest | None = None
    """Commands run on an instance launched from the new image; the image is published
    (channel, sharing, copies) only when they pass. Default: no test, published at once."""
    channel: str | None = None
    """The channel consumers follow instead of an image id: AWS an SSM parameter
    ``/images/<channel>`` (data type ``aws:ec2:image``), GCP the image family, Azure the
    gallery image definition. Lower-case letters, digits and hyphens, 1-63 characters.
    Default: not published on a channel (on Azure with a gallery: the definition is
    named after the component)."""


class GoldenImage(pulumi.ComponentResource):
    """A content-addressed machine image baked from a source image and provisioners."""

    image_id: pulumi.Output[str]
    """The image's id (AWS: ``ami-...``)."""
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
    """What a DriftRule must approve for this image (``DriftRuleArgs.approved_image_sets``):
    its image id; on AWS also the image published before this build (a rollout in
    progress and an auto-rollback are no findings); while it bakes, the builder's source
    image (the builder is no finding); on GCP the chain's vendor image (the next rebake
    may boot)."""

    def __init__(
        self, name: str, args: GoldenImageArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        check = Check("GoldenImage", name)
        if not isinstance(args, GoldenImageArgs):
            check.fail("args", args, "a GoldenImageArgs")
        builder = args.builder
        if not hasattr(builder, "bake") or not hasattr(builder, "cloud"):
            check.fail("builder", builder, "a builder such as AwsBuilder(...)")
        builder.validate(check)
        provisioners = validate_provisioners(check, args.provisioners)
        prefix = args.name_prefix if args.name_prefix is not None else name
        if not isinstance(prefix, str) or not IMAGE_NAME_PREFIX.match(prefix):
            check.fail(
                "name_prefix" if args.name_prefix is not None else "name",
                prefix,
                "3-101 characters: letters, digits and ( ) [ ] . / ' @ _ -, starting with a "
                "letter or digit (it prefixes the image name)",
            )
        name_rule = getattr(builder, "validate_name", None)
        if name_rule is not None:  # clouds with stricter image names (GCP)
            name_rule(check, "name_prefix" if args.name_prefix is not None else "name", prefix)
        for label, value in (("version", args.version), ("git_commit", args.git_commit)):
            if value is not None and (not isinstance(value, str) or not value.strip()):
                check.fail(label, value, "a non-empty string, or None")
        check.string_map("tags", dict(args.tags) if isinstance(args.tags, Mapping) else args.tags)
        validate_channel(check, args.channel)
        channel_rule = getattr(builder, "validate_channel", None)
        if channel_rule is not None:  # clouds where a channel needs more (Azure: a gallery)
            channel_rule(check, args.channel)
        if args.test is not None:
            if not isinstance(args.test, ImageTest):
                check.fail("test", args.test, "an ImageTest(commands=[...]) or None")
            args.test.validate(check)
            if args.test.instance_type is not None:
                builder.validate_machine_size(check, "test.instance_type", args.test.instance_type)

        super().__init__(TYPE_TOKEN, name, None, pass_down_ignore_changes(opts))
        self.builder_cloud: str = builder.cloud

        # The provisioner digests are computed here, never by a builder: every cloud
        # feeds the same list into the same hash function.
        self.provisioner_digests: list[dict[str, Any]] = [p.digest() for p in provisioners]
        self._build_hash = _hash.build_hash(
            builder.source_key(), builder.hash_settings(), self.provisioner_digests
        )
        image_name = _map(self._build_hash, lambda h: f"{prefix}-{_hash.short(h)}")
        parent = builder.parent()
        provenance: dict[str, pulumi.Input[str]] = {
            **dict(args.tags),
            "Name": image_name,
            "BuildHash": self._build_hash,
            "SourceImage": builder.source_label(),
            "ManagedBy": MANAGED_BY,
        }
        self._lineage_hashes: list[str] | pulumi.Output[list[str]] = []
        lineage: Any = []
        if parent is not None:
            provenance["ParentImage"] = parent.image_name
            provenance["ParentBuildHash"] = parent.build_hash
            parent_hash, parent_chain = parent.build_hash_value, parent.lineage_hashes_value
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
        self.test_digest: str = args.test.digest() if args.test else ""
        sibling = _claim_build(self, builder, self._build_hash)
        result = builder.bake(
            self,
            name,
            BakePlan(
                provisioners=provisioners,
                build_hash=self._build_hash,
                image_name=image_name,
                description=description,
                provenance=provenance,
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
            [builder.source_label()] if result.origin == "bake" else []
        )
        self.previous_images: list[pulumi.Input[str]] = (
            [result.previous] if result.previous is not None else []
        )
        self.root_source: pulumi.Input[str] = (
            parent.root_source if parent is not None else builder.source_label()
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
        self.approved_image_ids = pulumi.Output.all(
            self.image_id,
            *self.bakery_sources,
            *self.previous_images,
            *([self.root_source] if builder.cloud == "gcp" else []),
        ).apply(list)
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

    @property
    def build_hash_value(self) -> str | pulumi.Output[str]:
        """The build hash, as a plain string whenever it is known at construction."""
        return self._build_hash

    @property
    def lineage_hashes_value(self) -> list[str] | pulumi.Output[list[str]]:
        """Ancestors' build hashes, nearest first, plain whenever known at construction."""
        return self._lineage_hashes


# One bake per build hash and scope in a program: the first GoldenImage claims it, the
# others publish its image. Keyed by the program's root stack resource, so two programs run
# one after the other in a process (tests, sequence tests) never share a claim.
_CLAIMS: weakref.WeakKeyDictionary[Any, dict[tuple[str, ...], GoldenImage]] = (
    weakref.WeakKeyDictionary()
)
_PACKAGES = {"azure": "azure-native"}


def _claim_build(
    image: GoldenImage, builder: Builder, build_hash: str | pulumi.Output[str]
) -> GoldenImage | None:
    """The GoldenImage that already bakes this build hash in this scope, or None (then
    ``image`` claims it)."""
    root = pulumi.runtime.get_root_resource()
    if root is None or not isinstance(build_hash, str):
        return None
    claims = _CLAIMS.setdefault(root, {})
    # The same build and provider (account) only: a sibling publishes what the first one
    # baked, in the first one's account (and runs its own test on it if it has another).
    provider = image.get_provider(f"{_PACKAGES.get(builder.cloud, builder.cloud)}::x")
    key = (builder.cloud, builder.bake_scope(), build_hash, str(id(provider)))
    first = claims.get(key)
    if first is None:
        claims[key] = image
    return first


def _map(value: str | pulumi.Output[str], fn: Any) -> Any:
    return fn(value) if isinstance(value, str) else value.apply(fn)
