"""immutable-components: Pulumi components for immutable infrastructure.

The public API is re-exported here, lazily (PEP 562 ``__getattr__``): ``import
immutable_components`` imports no component, no provider SDK (``pulumi_aws``,
``pulumi_gcp``, ``pulumi_azure_native``, ``pulumi_command``), no boto3 and not even
``pulumi``. A name is imported from its subpackage on first use, so a program pays only
for the components (and the clouds) it constructs. Type checkers and IDEs see every name
through the ``TYPE_CHECKING`` block below; ``dir()`` and ``__all__`` list them all.
"""

from typing import TYPE_CHECKING

from ._lazy import lazy_exports

if TYPE_CHECKING:
    from .blue_green import (
        BlueGreenColor,
        BlueGreenFleet,
        BlueGreenService,
        BlueGreenServiceArgs,
        ExistingLoadBalancer,
        HealthCheck,
    )
    from .drift_rule import (
        AwsDriftTarget,
        AzureDriftTarget,
        DriftRule,
        DriftRuleArgs,
        GcpDriftTarget,
    )
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
        AzureBuilder,
        AzureGallery,
        AzureMarketplaceImage,
        GcpBuilder,
        GcpImageFamily,
        GoldenImage,
        GoldenImageArgs,
        ImageTest,
        LineageEntry,
        ParentImage,
    )
    from .provisioners import (
        Provisioner,
        ProvisionerKind,
        RunCommands,
        RunScript,
        UploadDirectory,
        UploadFile,
    )
    from .release import (
        AzureScaleSetRelease,
        AzureScaleSetReleaseArgs,
        EbsVolume,
        GcpInstanceGroupRelease,
        GcpInstanceGroupReleaseArgs,
        InstanceMaintenancePolicy,
        InstanceRefresh,
        InstanceRefreshArgs,
        LaunchTemplateRelease,
        LaunchTemplateReleaseArgs,
        RefreshPreferences,
    )

#: public name -> the module (relative to this package) that exports it. Each subpackage
#: exports its own names lazily too, so asking for ``GcpBuilder`` imports neither the
#: AWS nor the Azure code.
EXPORTS: dict[str, str] = {
    "ProvisionerKind": ".provisioners",
    "Provisioner": ".provisioners",
    "ParentImage": ".golden_image",
    "LineageEntry": ".golden_image",
    "BlueGreenFleet": ".blue_green",
    "AwsBuilder": ".golden_image",
    "AwsDistribution": ".golden_image",
    "AwsDriftTarget": ".drift_rule",
    "AwsIdentityError": ".errors",
    "AwsImageLookup": ".golden_image",
    "AzureBuilder": ".golden_image",
    "AzureDriftTarget": ".drift_rule",
    "AzureGallery": ".golden_image",
    "AzureMarketplaceImage": ".golden_image",
    "AzureScaleSetRelease": ".release",
    "AzureScaleSetReleaseArgs": ".release",
    "BlueGreenColor": ".blue_green",
    "BlueGreenService": ".blue_green",
    "BlueGreenServiceArgs": ".blue_green",
    "ComponentInputError": ".errors",
    "DriftRule": ".drift_rule",
    "DriftRuleArgs": ".drift_rule",
    "EbsVolume": ".release",
    "ExistingLoadBalancer": ".blue_green",
    "GcpBuilder": ".golden_image",
    "GcpDriftTarget": ".drift_rule",
    "GcpImageFamily": ".golden_image",
    "GcpInstanceGroupRelease": ".release",
    "GcpInstanceGroupReleaseArgs": ".release",
    "GoldenImage": ".golden_image",
    "GoldenImageArgs": ".golden_image",
    "HealthCheck": ".blue_green",
    "HealthGateTimeout": ".errors",
    "ImageConflict": ".errors",
    "ImageTest": ".golden_image",
    "InstanceMaintenancePolicy": ".release",
    "InstanceRefresh": ".release",
    "InstanceRefreshArgs": ".release",
    "LaunchTemplateRelease": ".release",
    "LaunchTemplateReleaseArgs": ".release",
    "RefreshPreferences": ".release",
    "RolloutConflict": ".errors",
    "RolloutError": ".errors",
    "RolloutFailed": ".errors",
    "RolloutTargetMissing": ".errors",
    "RolloutTimeout": ".errors",
    "RunCommands": ".provisioners",
    "RunScript": ".provisioners",
    "UploadDirectory": ".provisioners",
    "UploadFile": ".provisioners",
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
    "BlueGreenFleet",
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
    "LineageEntry",
    "ParentImage",
    "Provisioner",
    "ProvisionerKind",
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


__getattr__, __dir__ = lazy_exports(__name__, EXPORTS)
