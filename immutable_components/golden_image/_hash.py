"""The build hash: the content address of an image.

The hash covers everything that decides what is inside an image: the source image, every
provisioner's content (file bytes, directory trees, scripts, inline commands, non-secret
environment) and the builder settings that shape the disk. It does not cover metadata
(version, git commit, tags, description): changing those re-tags, never rebakes.

A layered image's source is its parent's *build hash*, not its image id, so a preview
shows the whole chain rebaking while the parent's new id is still unknown.

The same provisioners and settings give the same hash whichever cloud's builder computes
it: the input is canonical JSON (sorted keys, no whitespace) of plain values.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

FORMAT = 1
"""Bumped only when the hash's input document changes shape (which rebakes everything)."""


def canonical(document: Mapping[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def digest(
    source: str, builder: Mapping[str, Any], provisioners: Sequence[Mapping[str, Any]]
) -> str:
    document = {
        "format": FORMAT,
        "source": source,
        "builder": dict(builder),
        "provisioners": list(provisioners),
    }
    return hashlib.sha256(canonical(document).encode()).hexdigest()


def provisioners_digest(provisioners: Sequence[Mapping[str, Any]]) -> str:
    """The provisioner part of the hash document, digested on its own.

    It is the same on every cloud for the same provisioner list: tests compare it across
    builders, and ``GoldenImage.provisioners_hash`` exposes it.
    """
    return hashlib.sha256(canonical({"provisioners": list(provisioners)}).encode()).hexdigest()


def compute(
    source_key: str,
    builder_settings: Mapping[str, Any],
    provisioner_digests: Sequence[Mapping[str, Any]],
) -> str:
    """The build hash from its three parts: what every builder feeds the same way.

    ``source_key`` comes from the builder (``aws-ami:...``, ``gcp-image:...``,
    ``azure-image:...`` or ``golden-image:<parent hash>``), ``builder_settings`` from the
    builder's :meth:`hash_settings`, and ``provisioner_digests`` from the provisioners
    alone (computed by the cloud-neutral component, never by a builder).
    """
    return digest(source_key, builder_settings, provisioner_digests)


def build_hash(
    source: str | pulumi.Output[str],
    builder: Mapping[str, Any],
    provisioners: Sequence[Mapping[str, Any]],
) -> str | pulumi.Output[str]:
    """The hash as a plain string when the source is known, else as an Output."""
    if isinstance(source, str):
        return digest(source, builder, provisioners)
    return pulumi.Output.from_input(source).apply(lambda s: digest(s, builder, provisioners))


def short(value: str) -> str:
    """The part of the hash that goes into names (16 hex digits, 64 bits)."""
    return value[:16]
