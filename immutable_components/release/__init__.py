"""Releases: roll an Auto Scaling group to a pinned launch template version, and wait."""

from __future__ import annotations

from .preferences import RefreshPreferences
from .rollout import start_refresh, wait_for_refresh

__all__ = ["RefreshPreferences", "start_refresh", "wait_for_refresh"]
