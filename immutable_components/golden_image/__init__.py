"""GoldenImage: bake a source image and provisioners into a content-addressed image.

The records (:mod:`.args`) need no provider SDK; the cloud module that registers the
resources (``aws``, ``gcp``, ``azure``) is imported when a GoldenImage is constructed on
that cloud, so an AWS-only program never imports ``pulumi_gcp`` or
``pulumi_azure_native``.
"""

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
