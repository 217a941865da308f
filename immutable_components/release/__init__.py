"""Releases: roll an Auto Scaling group to a pinned launch template version, and wait.

- :class:`InstanceRefresh` (with :class:`InstanceRefreshArgs`): the Pulumi dynamic resource a
  fleet registers next to its group; ``pulumi up`` on a new version rolls and waits.
- :class:`RefreshPreferences`: how instances are replaced.
- :func:`start_refresh`, :func:`wait_for_refresh`: the same, in plain boto3.
"""

from __future__ import annotations

from .preferences import RefreshPreferences
from .refresh import InstanceRefresh, InstanceRefreshArgs
from .rollout import start_refresh, wait_for_refresh

__all__ = [
    "InstanceRefresh",
    "InstanceRefreshArgs",
    "RefreshPreferences",
    "start_refresh",
    "wait_for_refresh",
]
