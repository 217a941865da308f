"""Releases: point a fleet at a new image and replace every instance, waited on.

- :class:`LaunchTemplateRelease` (with :class:`LaunchTemplateReleaseArgs`): AWS launch
  template, Auto Scaling group and a rollout that ``pulumi up`` waits for.
- :class:`GcpInstanceGroupRelease`, :class:`AzureScaleSetRelease`: the same on GCP and
  Azure; their args records are plain data (:mod:`.args`, no SDK).
- :class:`InstanceRefresh` (with :class:`InstanceRefreshArgs`): the Pulumi dynamic resource a
  fleet registers next to its group; ``pulumi up`` on a new version rolls and waits.
- :class:`RefreshPreferences`: how instances are replaced.
- :class:`Identity`, :func:`provider_identity`: the ``aws`` provider's identity the rollout acts
  with (``InstanceRefreshArgs.identity``; see :mod:`immutable_components._aws_identity`).
- :func:`start_refresh`, :func:`wait_for_refresh`: the same, in plain boto3.

Every name is exported lazily (see :mod:`immutable_components._lazy`).
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .._aws_identity import Identity, provider_identity
    from .args import (
        AzureScaleSetReleaseArgs,
        EbsVolume,
        GcpInstanceGroupReleaseArgs,
        InstanceMaintenancePolicy,
        LaunchTemplateReleaseArgs,
    )
    from .aws import LaunchTemplateRelease
    from .azure import AzureScaleSetRelease
    from .gcp import GcpInstanceGroupRelease
    from .preferences import RefreshPreferences
    from .refresh import InstanceRefresh, InstanceRefreshArgs
    from .rollout import start_refresh, wait_for_refresh

__all__ = [
    "AzureScaleSetRelease",
    "AzureScaleSetReleaseArgs",
    "EbsVolume",
    "GcpInstanceGroupRelease",
    "GcpInstanceGroupReleaseArgs",
    "Identity",
    "InstanceMaintenancePolicy",
    "InstanceRefresh",
    "InstanceRefreshArgs",
    "LaunchTemplateRelease",
    "LaunchTemplateReleaseArgs",
    "RefreshPreferences",
    "provider_identity",
    "start_refresh",
    "wait_for_refresh",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "AzureScaleSetRelease": ".azure",
        "AzureScaleSetReleaseArgs": ".args",
        "EbsVolume": ".args",
        "GcpInstanceGroupRelease": ".gcp",
        "GcpInstanceGroupReleaseArgs": ".args",
        "Identity": ".._aws_identity",
        "InstanceMaintenancePolicy": ".args",
        "InstanceRefresh": ".refresh",
        "InstanceRefreshArgs": ".refresh",
        "LaunchTemplateRelease": ".aws",
        "LaunchTemplateReleaseArgs": ".args",
        "RefreshPreferences": ".preferences",
        "provider_identity": ".._aws_identity",
        "start_refresh": ".rollout",
        "wait_for_refresh": ".rollout",
    },
)
