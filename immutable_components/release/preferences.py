"""Instance refresh preferences: validated at construction, sent exactly as written.

:class:`RefreshPreferences` is the ``Preferences`` block of StartInstanceRefresh (ranges from
the botocore ``autoscaling`` model and the RefreshPreferences API reference), with defaults
chosen for immutable releases: skip matching and auto rollback on.
"""

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .._records import Defaulted, Record
from .._validate import Check, is_unknown

__all__ = [
    "DEFAULT_CHECKPOINT_DELAY",
    "MAX_ALARMS",
    "MAX_DELAY_SECONDS",
    "RefreshPreferences",
    "validate_preferences",
    "whole",
]

MAX_DELAY_SECONDS = 172_800  # CheckpointDelay and BakeTime: 0 to 48 hours
DEFAULT_CHECKPOINT_DELAY = 3_600  # what AWS waits after a checkpoint when no delay is given
MAX_ALARMS = 10

_CHECKPOINTS_ACCEPTED = (
    "a non-empty list of whole percentages from 1 to 100, strictly increasing, ending at 100"
)


@dataclass(frozen=True, kw_only=True)
class RefreshPreferences(Record):
    """How an instance refresh replaces the group's instances: StartInstanceRefresh ``Preferences``.

    Every preference we send is sent explicitly, so a refresh does not depend on AWS's
    defaults or the group's instance maintenance policy, except where leaving a value out
    has its own meaning (``max_healthy_percentage``, ``instance_warmup``, checkpoints,
    ``bake_time``, alarms).
    """

    min_healthy_percentage: Defaulted[int] = 90
    """Share of the desired capacity kept in service and healthy while instances are replaced,
    0 to 100. Default: 90, so a group of 10 replaces one instance at a time."""

    max_healthy_percentage: int | None = None
    """Upper bound, 100 to 200 and at most 100 above ``min_healthy_percentage``; above 100 new
    instances launch before old ones stop (faster, briefly costs more). Default: not sent, so
    AWS uses the group's instance maintenance policy, else 100, and terminates an instance as
    it launches its replacement. (Sending 100 is not the same: AWS then launches first.)"""

    instance_warmup: int | None = None
    """Seconds to wait after a new instance is InService before it counts as healthy, >= 0.
    Default: not sent, so the group's ``default_instance_warmup`` applies, else its health
    check grace period."""

    checkpoint_percentages: Sequence[int] | None = None
    """Pause points as percentages replaced, strictly increasing, ending at 100, e.g.
    ``(20, 100)`` for a canary fifth. Default: no checkpoints, one continuous rollout."""

    checkpoint_delay: int | None = None
    """Seconds to pause at each checkpoint below 100, 0 to 172800; only with
    ``checkpoint_percentages``. Default: 3600 (AWS's) when checkpoints are set."""

    bake_time: int | None = None
    """Seconds to keep watching (status ``Baking``) after the last instance is replaced, 0 to
    172800; alarms can still fail and roll back the refresh then. Default: no bake time."""

    skip_matching: Defaulted[bool] = True
    """Leave instances that already run the target launch template version alone. Default:
    on (AWS's default is off), so a retried release replaces only what is left."""

    auto_rollback: Defaulted[bool] = True
    """On failure (or an alarm), replace the new instances with the previous version again;
    the refresh then ends ``RollbackSuccessful`` and the update still fails. Default: on (AWS's
    default is off). Needs a numbered version and an AMI id (not an SSM parameter) in the
    launch template."""

    alarm_names: Sequence[str] | None = None
    """CloudWatch alarm names (up to 10) that fail the refresh when they go to ALARM, and roll
    it back with ``auto_rollback``. Default: none, only failed launches and health checks fail
    a refresh."""

    scale_in_protected_instances: Defaulted[str] = "Wait"
    """What to do with instances protected from scale in: ``Refresh`` (replace them),
    ``Ignore`` (leave them on the old version) or ``Wait`` (wait up to an hour for the
    protection to be removed, then fail). Default: ``Wait``, as AWS."""

    standby_instances: Defaulted[str] = "Wait"
    """What to do with instances in Standby: ``Terminate``, ``Ignore`` or ``Wait`` (up to an
    hour, then fail). Default: ``Wait``, as AWS."""

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("checkpoint_percentages", "alarm_names"):
            value = getattr(self, name)
            if isinstance(value, list):
                object.__setattr__(self, name, tuple(value))

    def minimum_wait_seconds(self) -> int:
        """Seconds every refresh with these preferences pauses on purpose (checkpoints, bake).

        Unknown values count as 0.
        """
        total = 0
        points = self.checkpoint_percentages
        if points and not is_unknown(points):
            pauses = sum(1 for point in points if not is_unknown(point) and point < 100)
            delay = self.checkpoint_delay
            if delay is None:
                delay = DEFAULT_CHECKPOINT_DELAY
            if not is_unknown(delay):
                total += pauses * delay
        if self.bake_time is not None and not is_unknown(self.bake_time):
            total += self.bake_time
        return total

    def to_api(self) -> dict[str, Any]:
        """The exact ``Preferences`` of a StartInstanceRefresh request."""
        api: dict[str, Any] = {
            "MinHealthyPercentage": self.min_healthy_percentage,
            "SkipMatching": self.skip_matching,
            "AutoRollback": self.auto_rollback,
            "ScaleInProtectedInstances": self.scale_in_protected_instances,
            "StandbyInstances": self.standby_instances,
        }
        if self.max_healthy_percentage is not None:
            api["MaxHealthyPercentage"] = self.max_healthy_percentage
        if self.instance_warmup is not None:
            api["InstanceWarmup"] = self.instance_warmup
        if self.checkpoint_percentages is not None:
            api["CheckpointPercentages"] = _as_list(self.checkpoint_percentages)
            if self.checkpoint_delay is not None:
                api["CheckpointDelay"] = self.checkpoint_delay
        if self.bake_time is not None:
            api["BakeTime"] = self.bake_time
        if self.alarm_names is not None:
            api["AlarmSpecification"] = {"Alarms": _as_list(self.alarm_names)}
        return api

    @classmethod
    def from_api(cls, api: Mapping[str, Any]) -> "RefreshPreferences":
        """Rebuild from :meth:`to_api`'s dict, e.g. as the engine hands it back.

        The engine carries numbers as floats; whole floats become ints again, since botocore
        rejects ``90.0`` for an integer parameter.
        """
        alarms = api.get("AlarmSpecification", {}).get("Alarms")
        points = api.get("CheckpointPercentages")
        return cls(
            min_healthy_percentage=whole(api.get("MinHealthyPercentage", 90)),
            max_healthy_percentage=whole(api.get("MaxHealthyPercentage")),
            instance_warmup=whole(api.get("InstanceWarmup")),
            checkpoint_percentages=None if points is None else tuple(whole(p) for p in points),
            checkpoint_delay=whole(api.get("CheckpointDelay")),
            bake_time=whole(api.get("BakeTime")),
            skip_matching=api.get("SkipMatching", True),
            auto_rollback=api.get("AutoRollback", True),
            alarm_names=None if alarms is None else tuple(alarms),
            scale_in_protected_instances=api.get("ScaleInProtectedInstances", "Wait"),
            standby_instances=api.get("StandbyInstances", "Wait"),
        )


def validate_preferences(
    check: Check, prefs: RefreshPreferences, field: str = "preferences"
) -> None:
    """Raise ComponentInputError for the first bad value, naming ``<field>.<name>``."""

    def at(name: str) -> str:
        return f"{field}.{name}"

    low = prefs.min_healthy_percentage
    check.int_range(at("min_healthy_percentage"), low, 0, 100)
    high = prefs.max_healthy_percentage
    if high is not None:
        check.int_range(at("max_healthy_percentage"), high, 100, 200)
        if not is_unknown(low) and not is_unknown(high) and high - low > 100:
            check.fail(
                at("max_healthy_percentage"),
                high,
                f"at most 100 above min_healthy_percentage ({low}), i.e. <= {low + 100}",
            )
    if prefs.instance_warmup is not None:
        check.int_range(at("instance_warmup"), prefs.instance_warmup, 0)
    _validate_checkpoints(check, prefs, at("checkpoint_percentages"))
    if prefs.checkpoint_delay is not None:
        if prefs.checkpoint_percentages is None:
            check.fail(
                at("checkpoint_delay"),
                prefs.checkpoint_delay,
                "no value unless checkpoint_percentages is set",
            )
        check.int_range(at("checkpoint_delay"), prefs.checkpoint_delay, 0, MAX_DELAY_SECONDS)
    if prefs.bake_time is not None:
        check.int_range(at("bake_time"), prefs.bake_time, 0, MAX_DELAY_SECONDS)
    for name in ("skip_matching", "auto_rollback"):
        value = getattr(prefs, name)
        if not is_unknown(value) and not isinstance(value, bool):
            check.fail(at(name), value, "True or False")
    _validate_alarms(check, prefs, at("alarm_names"))
    check.one_of(
        at("scale_in_protected_instances"),
        prefs.scale_in_protected_instances,
        ("Refresh", "Ignore", "Wait"),
    )
    check.one_of(at("standby_instances"), prefs.standby_instances, ("Terminate", "Ignore", "Wait"))


def _validate_checkpoints(check: Check, prefs: RefreshPreferences, name: str) -> None:
    points = prefs.checkpoint_percentages
    if points is None or is_unknown(points):
        return
    if isinstance(points, (str, bytes)) or not isinstance(points, Sequence) or not points:
        check.fail(name, points, _CHECKPOINTS_ACCEPTED)
    for index, point in enumerate(points):
        check.int_range(f"{name}[{index}]", point, 1, 100)
    if any(is_unknown(point) for point in points):
        return
    if any(later <= earlier for earlier, later in itertools.pairwise(points)):
        check.fail(name, points, _CHECKPOINTS_ACCEPTED)
    if points[-1] != 100:
        check.fail(name, points, _CHECKPOINTS_ACCEPTED)


def _validate_alarms(check: Check, prefs: RefreshPreferences, name: str) -> None:
    alarms = prefs.alarm_names
    if alarms is None or is_unknown(alarms):
        return
    if isinstance(alarms, (str, bytes)) or not isinstance(alarms, Sequence):
        check.fail(name, alarms, f"a list of 1 to {MAX_ALARMS} CloudWatch alarm names")
    if not 1 <= len(alarms) <= MAX_ALARMS:
        check.fail(name, alarms, f"a list of 1 to {MAX_ALARMS} CloudWatch alarm names")
    for index, alarm in enumerate(alarms):
        check.non_empty_str(f"{name}[{index}]", alarm)
        if isinstance(alarm, str) and len(alarm) > 255:
            check.fail(f"{name}[{index}]", alarm, "an alarm name of at most 255 characters")
    known = [alarm for alarm in alarms if not is_unknown(alarm)]
    if len(set(known)) != len(known):
        check.fail(name, alarms, "alarm names without repeats")


def _as_list(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def whole(value: Any) -> Any:
    """A whole float as an int (the engine carries numbers as floats); anything else as is."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
