"""Each colour's LaunchTemplateRelease inputs, made in one place from the service's.

:func:`release_args_for` is the only code that knows the release's input names: the
service's own decisions (image, sizes, subnets, target group, capacity waits, tags) and the
``fleet`` settings, passed through as they are (a field left at None is the release's
default). :func:`check_fleet` runs the release's own checks of those settings, for both
colours, before the service registers anything, and reports a bad value under the
service's name as ``fleet.<field>``.
"""

from collections.abc import Generator, Mapping, Sequence
from typing import Any, NoReturn

import pulumi

from .._records import field_names
from .._validate import Check, is_unknown
from ..errors import ComponentInputError
from ..release import (
    EbsVolume,
    InstanceMaintenancePolicy,
    LaunchTemplateReleaseArgs,
    RefreshPreferences,
)
from ..release.args import validate_launch_template_release
from .args import BlueGreenFleet, BlueGreenServiceArgs, desired
from .traffic import COLORS

__all__ = ["check_fleet", "release_args_for"]

#: Release inputs the fleet record has no field for: the service decides them.
OWNED = (
    "image_id",
    "image_build_hash",
    "version",
    "subnet_ids",
    "security_group_ids",
    "vpc_id",
    "instance_type",
    "instance_types",
    "min_size",
    "max_size",
    "desired_capacity",
    "target_group_arns",
    "health_check_type",
    "wait_for_elb_capacity",
    "min_elb_capacity",
    "wait_for_capacity_timeout",
    "region",
    "tags",
)


def release_args_for(
    args: BlueGreenServiceArgs,
    color: str,
    *,
    target_group_arn: pulumi.Input[str],
    security_group_id: pulumi.Input[str],
    tags: Mapping[str, Any],
) -> LaunchTemplateReleaseArgs:
    """The LaunchTemplateRelease inputs of ``color``."""
    spec = getattr(args, color)
    retired = args.retire_idle and color != args.live
    low, high = (0, 0) if retired else (args.min_size, args.max_size)
    fleet = {
        name: getattr(args.fleet, name)
        for name in field_names(BlueGreenFleet)
        if getattr(args.fleet, name) is not None
    }
    return LaunchTemplateReleaseArgs(
        **fleet,
        image_id=spec.image_id,
        image_build_hash=spec.image_build_hash,
        version=spec.version,
        subnet_ids=list(args.fleet_subnet_ids),
        security_group_ids=[security_group_id],
        instance_type=args.instance_type,
        min_size=low,
        max_size=high,
        desired_capacity=0 if retired else desired(args),
        target_group_arns=[target_group_arn],
        health_check_type="ELB",
        # No capacity wait of the provider's (see the component's docstring): the health
        # gate waits for what matters, healthy targets before traffic.
        wait_for_capacity_timeout="0",
        tags=dict(tags),
    )


class _Pending:
    """A value that exists only once the service registered its resources (a target
    group's ARN, the fleet's security group): the checks skip it, as they skip Outputs."""

    def __await__(self) -> Generator[Any, Any, str]:  # pragma: no cover - never awaited
        yield None
        return ""


class _FleetCheck(Check):
    """The service's Check, with every field under ``fleet.``."""

    def __init__(self, check: Check) -> None:
        self.label = check.label

    def fail(self, field: str, value: Any, accepted: str) -> NoReturn:
        raise ComponentInputError(self.label, f"fleet.{field}", value, accepted)


def check_fleet(check: Check, args: BlueGreenServiceArgs) -> None:
    """Raise ComponentInputError for the first bad ``fleet`` value, as the colours'
    releases would, naming the service and ``fleet.<field>``."""
    fleet = args.fleet
    if not isinstance(fleet, BlueGreenFleet):
        check.fail("fleet", fleet, "a BlueGreenFleet(...) or a mapping of its fields")
    scoped = _FleetCheck(check)
    _shapes(scoped, fleet)
    pending = _Pending()
    for color in COLORS:
        release = release_args_for(
            args, color, target_group_arn=pending, security_group_id=pending, tags={}
        )
        validate_launch_template_release(scoped, release)


#: Fleet fields that hold a mapping / a list / a record (None means the default).
_MAPPINGS = ("settings", "secrets", "launch_template_overrides")
_LISTS = ("restart_services", "role_policy_arns", "extra_volumes")
_RECORDS: dict[str, type] = {
    "instance_maintenance_policy": InstanceMaintenancePolicy,
    "refresh": RefreshPreferences,
}


def _shapes(check: Check, fleet: BlueGreenFleet) -> None:
    """Collections are collections, with no None inside, and records are records: what the
    release's checks take for granted."""
    for name in _MAPPINGS:
        value = getattr(fleet, name)
        if value is None or is_unknown(value):
            continue
        if not isinstance(value, Mapping):
            check.fail(name, value, "a mapping of names to values")
        for key, item in value.items():
            if not isinstance(key, str) or not key:
                check.fail(f"{name} key", key, "a non-empty string")
            if item is None:
                check.fail(f"{name}[{key!r}]", None, "a value, not None")
    for name in _LISTS:
        value = getattr(fleet, name)
        if value is None or is_unknown(value):
            continue
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            check.fail(name, value, "a list")
        for i, item in enumerate(value):
            if item is None:
                check.fail(f"{name}[{i}]", None, "a value, not None")
            if name == "extra_volumes":
                _record(check, f"{name}[{i}]", item, EbsVolume)
    for name, cls in _RECORDS.items():
        value = getattr(fleet, name)
        if value is not None:
            _record(check, name, value, cls)


def _record(check: Check, label: str, value: Any, cls: type) -> None:
    if isinstance(value, cls):
        return
    check.fail(label, value, f"a {cls.__name__}(...) or a mapping of its fields")
