"""Provenance as GCP labels.

GCP label keys and values: lower-case letters, digits, ``_`` and ``-``, at most 63
characters; keys start with a lower-case letter; at most 64 labels. Provenance keys
(``BuildHash``, ``SourceImage``) become snake case (``build_hash``, ``source_image``);
values are lower-cased, other characters become ``_``, and long values are cut to 63
characters (the build hash to its first 63 hex digits: the full hash is in the image
description). ``Ancestry`` keeps whole 16-digit hashes joined by ``_``, as many as fit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

LABEL_MAX = 63
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_BAD = re.compile(r"[^a-z0-9_-]")


def label_key(key: str) -> str:
    snake = _CAMEL.sub("_", key).lower()
    cleaned = _BAD.sub("_", snake).strip("_") or "label"
    if not cleaned[0].isalpha():
        cleaned = "k_" + cleaned
    return cleaned[:LABEL_MAX]


def label_value(value: str) -> str:
    return _BAD.sub("_", value.lower())[:LABEL_MAX]


def lineage_label(hashes: Sequence[str]) -> str:
    out = ""
    for h in hashes:
        item = h[:16]
        candidate = f"{out}_{item}" if out else item
        if len(candidate) > LABEL_MAX:
            break
        out = candidate
    return out


def labels(values: Mapping[str, str]) -> dict[str, str]:
    """Plain provenance values -> GCP labels (keys sorted, duplicates: the first wins)."""
    out: dict[str, str] = {}
    for key in sorted(values):
        out.setdefault(label_key(key), label_value(values[key]))
    return out
