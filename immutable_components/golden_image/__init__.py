"""GoldenImage: bake a source image and provisioners into a content-addressed image.

The GCP and Azure builders are imported on first use (module ``__getattr__``), so an
AWS-only program never imports ``pulumi_gcp`` or ``pulumi_azure_native``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .aws import AwsBuilder, AwsDistribution, AwsImageLookup
from .component import BakePlan, BakeResult, GoldenImage, GoldenImageArgs
from .lifecycle import ImageTest

if TYPE_CHECKING:
    from .azure import AzureBuilder, AzureGallery, AzureMarketplaceImage
    from .gcp import GcpBuilder, GcpImageFamily

LAZY = {
    "GcpBuilder": ".gcp",
    "GcpImageFamily": ".gcp",
    "AzureBuilder": ".azure",
    "AzureGallery": ".azure",
    "AzureMarketplaceImage": ".azure",
}

__all__ = [
    "AwsBuilder",
    "AwsDistribution",
    "AwsImageLookup",
    "AzureBuilder",
    "AzureGallery",
    "AzureMarketplaceImage",
    "BakePlan",
    "BakeResult",
    "GcpBuilder",
    "GcpImageFamily",
    "GoldenImage",
    "GoldenImageArgs",
    "ImageTest",
]


def __getattr__(name: str) -> Any:
    module = LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(LAZY))
