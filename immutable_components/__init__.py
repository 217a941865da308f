"""immutable-components: Pulumi components for immutable infrastructure.

The public API is re-exported here. Cloud-specific builders for GCP and Azure are
imported only when used, so an AWS-only stack never imports ``pulumi_gcp`` or
``pulumi_azure_native``.
"""

from __future__ import annotations

import importlib
from typing import Any

from .blue_green import (
    BlueGreenColor,
    BlueGreenService,
    BlueGreenServiceArgs,
    ExistingLoadBalancer,
    HealthCheck,
)
from .errors import (
    ComponentInputError,
    RolloutConflict,
    RolloutError,
    RolloutFailed,
    RolloutTimeout,
)
from .golden_image import AwsBuilder, AwsImageLookup, GoldenImage, GoldenImageArgs
from .provisioners import RunCommands, RunScript, UploadDirectory, UploadFile
from .release import (
    EbsVolume,
    InstanceMaintenancePolicy,
    InstanceRefresh,
    InstanceRefreshArgs,
    LaunchTemplateRelease,
    LaunchTemplateReleaseArgs,
    RefreshPreferences,
)

#: GCP and Azure classes, imported on first use (see ``__getattr__``).
LAZY = {
    "GcpInstanceGroupRelease": ".release.gcp",
    "GcpInstanceGroupReleaseArgs": ".release.gcp",
    "AzureScaleSetRelease": ".release.azure",
    "AzureScaleSetReleaseArgs": ".release.azure",
}

__all__ = [
    "AwsBuilder",
    "AwsImageLookup",
    "AzureScaleSetRelease",
    "AzureScaleSetReleaseArgs",
    "BlueGreenColor",
    "BlueGreenService",
    "BlueGreenServiceArgs",
    "ComponentInputError",
    "EbsVolume",
    "ExistingLoadBalancer",
    "GcpInstanceGroupRelease",
    "GcpInstanceGroupReleaseArgs",
    "GoldenImage",
    "GoldenImageArgs",
    "HealthCheck",
    "InstanceMaintenancePolicy",
    "InstanceRefresh",
    "InstanceRefreshArgs",
    "LaunchTemplateRelease",
    "LaunchTemplateReleaseArgs",
    "RefreshPreferences",
    "RolloutConflict",
    "RolloutError",
    "RolloutFailed",
    "RolloutTimeout",
    "RunCommands",
    "RunScript",
    "UploadDirectory",
    "UploadFile",
]


def __getattr__(name: str) -> Any:
    module = LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module, __name__), name)
