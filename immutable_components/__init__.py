"""immutable-components: Pulumi components for immutable infrastructure.

The public API is re-exported here. Cloud-specific classes for GCP and Azure are
imported only when used (module ``__getattr__``), so an AWS-only stack never imports
``pulumi_gcp`` or ``pulumi_azure_native``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .blue_green import (
    BlueGreenColor,
    BlueGreenService,
    BlueGreenServiceArgs,
    ExistingLoadBalancer,
    HealthCheck,
)
from .drift_rule import AwsDriftTarget, DriftRule, DriftRuleArgs
from .errors import (
    AwsIdentityError,
    ComponentInputError,
    HealthGateTimeout,
    ImageConflict,
    RolloutConflict,
    RolloutError,
    RolloutFailed,
    RolloutTargetMissing,
    RolloutTimeout,
)
from .golden_image import (
    AwsBuilder,
    AwsDistribution,
    AwsImageLookup,
    GoldenImage,
    GoldenImageArgs,
    ImageTest,
)
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

if TYPE_CHECKING:
    from .drift_rule import AzureDriftTarget, GcpDriftTarget
    from .golden_image import (
        AzureBuilder,
        AzureGallery,
        AzureMarketplaceImage,
        GcpBuilder,
        GcpImageFamily,
    )
    from .release.azure import AzureScaleSetRelease, AzureScaleSetReleaseArgs
    from .release.gcp import GcpInstanceGroupRelease, GcpInstanceGroupReleaseArgs

#: GCP and Azure classes: name -> module, imported on first use (see ``__getattr__``).
LAZY = {
    "AzureBuilder": ".golden_image",
    "AzureGallery": ".golden_image",
    "AzureMarketplaceImage": ".golden_image",
    "GcpBuilder": ".golden_image",
    "GcpImageFamily": ".golden_image",
    "GcpDriftTarget": ".drift_rule",
    "AzureDriftTarget": ".drift_rule",
    "GcpInstanceGroupRelease": ".release.gcp",
    "GcpInstanceGroupReleaseArgs": ".release.gcp",
    "AzureScaleSetRelease": ".release.azure",
    "AzureScaleSetReleaseArgs": ".release.azure",
}

__all__ = [
    "AwsBuilder",
    "AwsDistribution",
    "AwsDriftTarget",
    "AwsIdentityError",
    "AwsImageLookup",
    "AzureBuilder",
    "AzureDriftTarget",
    "AzureGallery",
    "AzureMarketplaceImage",
    "AzureScaleSetRelease",
    "AzureScaleSetReleaseArgs",
    "BlueGreenColor",
    "BlueGreenService",
    "BlueGreenServiceArgs",
    "ComponentInputError",
    "DriftRule",
    "DriftRuleArgs",
    "EbsVolume",
    "ExistingLoadBalancer",
    "GcpBuilder",
    "GcpDriftTarget",
    "GcpImageFamily",
    "GcpInstanceGroupRelease",
    "GcpInstanceGroupReleaseArgs",
    "GoldenImage",
    "GoldenImageArgs",
    "HealthCheck",
    "HealthGateTimeout",
    "ImageConflict",
    "ImageTest",
    "InstanceMaintenancePolicy",
    "InstanceRefresh",
    "InstanceRefreshArgs",
    "LaunchTemplateRelease",
    "LaunchTemplateReleaseArgs",
    "RefreshPreferences",
    "RolloutConflict",
    "RolloutError",
    "RolloutFailed",
    "RolloutTargetMissing",
    "RolloutTimeout",
    "RunCommands",
    "RunScript",
    "UploadDirectory",
    "UploadFile",
]


def __getattr__(name: str) -> Any:
    if name in LAZY:
        value = getattr(importlib.import_module(LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(LAZY))
