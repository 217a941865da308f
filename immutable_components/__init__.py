"""immutable-components: Pulumi components for immutable infrastructure.

The public API is re-exported here. Cloud-specific builders for GCP and Azure are
imported only when used (module ``__getattr__``), so an AWS-only stack never imports
``pulumi_gcp`` or ``pulumi_azure_native``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import ComponentInputError
from .golden_image import (
    AwsBuilder,
    AwsDistribution,
    AwsImageLookup,
    GoldenImage,
    GoldenImageArgs,
    ImageTest,
)
from .provisioners import RunCommands, RunScript, UploadDirectory, UploadFile

if TYPE_CHECKING:
    from .golden_image import (
        AzureBuilder,
        AzureGallery,
        AzureMarketplaceImage,
        GcpBuilder,
        GcpImageFamily,
    )

_LAZY = ("AzureBuilder", "AzureGallery", "AzureMarketplaceImage", "GcpBuilder", "GcpImageFamily")

__all__ = [
    "AwsBuilder",
    "AwsDistribution",
    "AwsImageLookup",
    "AzureBuilder",
    "AzureGallery",
    "AzureMarketplaceImage",
    "ComponentInputError",
    "GcpBuilder",
    "GcpImageFamily",
    "GoldenImage",
    "GoldenImageArgs",
    "ImageTest",
    "RunCommands",
    "RunScript",
    "UploadDirectory",
    "UploadFile",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import golden_image

        value = getattr(golden_image, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
