"""GoldenImage: bake a source image and provisioners into a content-addressed image.

The records (:mod:`.args`) need no provider SDK; the cloud module that registers the
resources (``aws``, ``gcp``, ``azure``) is imported when a GoldenImage is constructed on
that cloud.

Every name is exported lazily (see :mod:`immutable_components._lazy`).
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .args import (
        AwsBuilder,
        AwsDistribution,
        AwsImageLookup,
        AzureBuilder,
        AzureGallery,
        AzureMarketplaceImage,
        GcpBuilder,
        GcpImageFamily,
        GoldenImageArgs,
        ImageTest,
        LineageEntry,
        ParentImage,
    )
    from .component import GoldenImage

__all__ = [
    "AwsBuilder",
    "AwsDistribution",
    "AwsImageLookup",
    "AzureBuilder",
    "AzureGallery",
    "AzureMarketplaceImage",
    "GcpBuilder",
    "GcpImageFamily",
    "GoldenImage",
    "GoldenImageArgs",
    "ImageTest",
    "LineageEntry",
    "ParentImage",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "AwsBuilder": ".args",
        "AwsDistribution": ".args",
        "AwsImageLookup": ".args",
        "AzureBuilder": ".args",
        "AzureGallery": ".args",
        "AzureMarketplaceImage": ".args",
        "GcpBuilder": ".args",
        "GcpImageFamily": ".args",
        "GoldenImage": ".component",
        "GoldenImageArgs": ".args",
        "ImageTest": ".args",
        "LineageEntry": ".args",
        "ParentImage": ".args",
    },
)
