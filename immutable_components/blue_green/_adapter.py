"""A thin adapter over LaunchTemplateReleaseArgs for a retired colour.

Retiring the idle colour sets min = desired = max = 0 on its group. AWS accepts a maximum
of 0, but ``LaunchTemplateReleaseArgs`` asks for ``max_size >= 1``; until it allows an
empty fleet, this subclass accepts exactly that case and leaves every other check to the
release. (Requested of the release module: accept ``max_size == 0`` when ``min_size`` and
``desired_capacity`` are 0.)
"""

from __future__ import annotations

from dataclasses import dataclass

from .._validate import Check
from ..release import LaunchTemplateReleaseArgs

__all__ = ["ColorReleaseArgs"]


@dataclass(frozen=True, kw_only=True)
class ColorReleaseArgs(LaunchTemplateReleaseArgs):
    """``LaunchTemplateReleaseArgs`` that also accept an empty fleet (all sizes 0)."""

    def _validate_sizes(self, check: Check) -> None:
        if self.min_size == self.max_size == self.desired_capacity == 0:
            return
        super()._validate_sizes(check)
