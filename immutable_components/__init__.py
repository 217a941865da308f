"""immutable-components: Pulumi components for immutable infrastructure.

The public API is re-exported here. Cloud-specific builders for GCP and Azure are
imported only when used, so an AWS-only stack never imports ``pulumi_gcp`` or
``pulumi_azure_native``.
"""

from __future__ import annotations

from .errors import (
    ComponentInputError,
    RolloutConflict,
    RolloutError,
    RolloutFailed,
    RolloutTimeout,
)
from .golden_image import AwsBuilder, AwsImageLookup, GoldenImage, GoldenImageArgs
from .provisioners import RunCommands, RunScript, UploadDirectory, UploadFile

__all__ = [
    "AwsBuilder",
    "AwsImageLookup",
    "ComponentInputError",
    "GoldenImage",
    "GoldenImageArgs",
    "RolloutConflict",
    "RolloutError",
    "RolloutFailed",
    "RolloutTimeout",
    "RunCommands",
    "RunScript",
    "UploadDirectory",
    "UploadFile",
]
