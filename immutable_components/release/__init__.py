"""Releases: point a fleet at a new image and replace every instance, waited on.

- :class:`LaunchTemplateRelease` (with :class:`LaunchTemplateReleaseArgs`): AWS launch
  template, Auto Scaling group and a rollout that ``pulumi up`` waits for.
- :class:`GcpInstanceGroupRelease`, :class:`AzureScaleSetRelease`: the same on GCP and
  Azure, imported only when used (their SDKs are large); their args records are plain data
  (:mod:`.args`, no SDK).
- :class:`InstanceRefresh` (with :class:`InstanceRefreshArgs`): the Pulumi dynamic resource a
  fleet registers next to its group; ``pulumi up`` on a new version rolls and waits.
- :class:`RefreshPreferences`: how instances are replaced.
- :class:`Identity`, :func:`provider_identity`: the ``aws`` provider's identity the rollout acts
  with (``InstanceRefreshArgs.identity``; see :mod:`immutable_components._aws_identity`).
- :func:`start_refresh`, :func:`wait_for_refresh`: the same, in plain boto3.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .._aws_identity import Identity, provider_identity
from .args import (
    AzureScaleSetReleaseArgs,
    EbsVolume,
    GcpInstanceGroupReleaseArgs,
    InstanceMaintenancePolicy,
    LaunchTemplateReleaseArgs,
)
from .preferences import RefreshPreferences
from .refresh import InstanceRefresh, InstanceRefreshArgs
from .rollout import start_refresh, wait_for_refresh

if TYPE_CHECKING:
    from .aws import LaunchTemplateRelease
    from .azure import AzureScaleSetRelease
    from .gcp import GcpInstanceGroupRelease

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

#: Components served lazily (each imports its cloud's SDK): an AWS-only stack never imports
#: pulumi_gcp or pulumi_azure_native, a GCP or Azure one never pulumi_aws through a release.
LAZY = {
    "LaunchTemplateRelease": ".aws",
    "GcpInstanceGroupRelease": ".gcp",
    "AzureScaleSetRelease": ".azure",
}


def __getattr__(name: str) -> Any:
    module = LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module, __name__), name)
