"""GoldenImage: bake a source image and provisioners into a content-addressed image.

Every name is exported lazily (see :mod:`immutable_components._lazy`): an AWS-only program
never imports ``pulumi_gcp`` or ``pulumi_azure_native``, a GCP or Azure one never
``pulumi_aws``.
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .aws import AwsBuilder, AwsDistribution, AwsImageLookup
    from .azure import AzureBuilder, AzureGallery, AzureMarketplaceImage
    from .component import BakePlan, BakeResult, GoldenImage, GoldenImageArgs
    from .gcp import GcpBuilder, GcpImageFamily
    from .lifecycle import ImageTest

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

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "AwsBuilder": ".aws",
        "AwsDistribution": ".aws",
        "AwsImageLookup": ".aws",
        "AzureBuilder": ".azure",
        "AzureGallery": ".azure",
        "AzureMarketplaceImage": ".azure",
        "BakePlan": ".component",
        "BakeResult": ".component",
        "GcpBuilder": ".gcp",
        "GcpImageFamily": ".gcp",
        "GoldenImage": ".component",
        "GoldenImageArgs": ".component",
        "ImageTest": ".lifecycle",
    },
)
