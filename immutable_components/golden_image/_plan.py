"""What the cloud-neutral component hands a cloud's bake function, and what it gets back.

Plain values only: a cloud module (``aws``, ``gcp``, ``azure``) imports this, never the
component, so no module of the package imports one that imports it back.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from ..provisioners import Provisioner
from .args import ImageTest


@dataclass(frozen=True)
class Sibling:
    """Another GoldenImage of this program with the same build hash and scope, baked
    first: the one that bakes; the later one publishes its image."""

    name: str
    image_id: pulumi.Output[str]
    region: pulumi.Output[str]
    copies: pulumi.Output[dict[str, str]]
    copy_regions: tuple[str, ...]
    test_digest: str
    channel_name: str | None


@dataclass(frozen=True)
class SourceImage:
    """The builder's source as the build hash and the provenance see it."""

    key: str | pulumi.Output[str]
    """What identifies the source in the build hash (``aws-ami:...``, ``gcp-image:...``,
    ``azure-image:...``, ``azure-marketplace:...`` or ``golden-image:<parent hash>``)."""
    label: pulumi.Input[str]
    """The source image as provenance shows it (``SourceImage``)."""
    image: pulumi.Input[str]
    """The image the builder boots from (Azure marketplace: its ``key``)."""


@dataclass(frozen=True)
class BakePlan:
    """What the cloud-neutral part hands to a cloud's bake function."""

    provisioners: Sequence[Provisioner]
    build_hash: str | pulumi.Output[str]
    image_name: str | pulumi.Output[str]
    description: str | pulumi.Output[str]
    provenance: Mapping[str, pulumi.Input[str]]
    """Provenance metadata (``BuildHash``, ``SourceImage``, ``Version``, ``Ancestry``, ...)
    plus user tags."""
    source: SourceImage
    lineage_hashes: list[str] | pulumi.Output[list[str]] = field(default_factory=list)
    """Ancestors' build hashes, nearest first (empty for an image on a vendor image)."""
    test: ImageTest | None = None
    """Commands to pass on an instance of the new image before publication."""
    channel: str | None = None
    """The channel to publish on (the cloud decides what that is)."""
    sibling: Sibling | None = None
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
