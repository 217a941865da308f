"""GoldenImage: bake a source image and provisioners into a content-addressed image."""

from __future__ import annotations

from .aws import AwsBuilder, AwsImageLookup
from .component import BakePlan, BakeResult, GoldenImage, GoldenImageArgs

__all__ = [
    "AwsBuilder",
    "AwsImageLookup",
    "BakePlan",
    "BakeResult",
    "GoldenImage",
    "GoldenImageArgs",
]
