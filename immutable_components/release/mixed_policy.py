"""A fleet's mixed instances policy: one source for the group and for its rollout.

A :class:`~immutable_components.release.aws.LaunchTemplateRelease` given a list of instance
types gives its Auto Scaling group a mixed instances policy, and passes the same policy to its
:class:`~immutable_components.release.refresh.InstanceRefresh`, which sends it as the refresh's
``DesiredConfiguration.MixedInstancesPolicy``. AWS takes a desired configuration whole (either
a ``LaunchTemplate`` or a ``MixedInstancesPolicy``, and on success writes it to the group), so
a refresh of a mixed fleet must carry the instance types and distribution as well as the new
launch template version.

The policy is written in the AWS API's shape (``StartInstanceRefresh``; shapes
``MixedInstancesPolicy``, ``LaunchTemplate``, ``LaunchTemplateOverrides`` and
``InstancesDistribution`` in the botocore ``autoscaling`` model) *without* its
``LaunchTemplateSpecification``: that is filled in from the refresh's launch template id and
version (:func:`desired_policy`), so the policy itself only changes when the types or the
distribution do.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .._constants import MAX_INSTANCE_TYPES
from .._patterns import INSTANCE_TYPE
from .._validate import Check, is_unknown
from .preferences import whole

__all__ = [
    "DEFAULT_DISTRIBUTION",
    "describe",
    "desired_policy",
    "group_policy",
    "mixed_instances_policy",
    "plain",
    "targets",
    "validate_policy",
]

#: All On-Demand, in the order of the list: what LaunchTemplateRelease gives a mixed fleet.
DEFAULT_DISTRIBUTION: Mapping[str, Any] = {
    "OnDemandAllocationStrategy": "prioritized",
    "OnDemandBaseCapacity": 0,
    "OnDemandPercentageAboveBaseCapacity": 100,
}

_ON_DEMAND_STRATEGIES = ("prioritized", "lowest-price")
_SPOT_STRATEGIES = (
    "capacity-optimized",
    "capacity-optimized-prioritized",
    "lowest-price",
    "price-capacity-optimized",
)
_DISTRIBUTION_KEYS = (
    "OnDemandAllocationStrategy",
    "OnDemandBaseCapacity",
    "OnDemandPercentageAboveBaseCapacity",
    "SpotAllocationStrategy",
    "SpotInstancePools",
    "SpotMaxPrice",
)
_SNAKE = re.compile(r"(?<!^)(?=[A-Z])")


def mixed_instances_policy(
    instance_types: Sequence[str], distribution: Mapping[str, Any] = DEFAULT_DISTRIBUTION
) -> dict[str, Any]:
    """The policy (API shape, no launch template specification) for these types, in order."""
    return {
        "LaunchTemplate": {"Overrides": [{"InstanceType": t} for t in instance_types]},
        "InstancesDistribution": dict(distribution),
    }


def desired_policy(policy: Mapping[str, Any], template_id: str, version: int) -> dict[str, Any]:
    """The exact ``DesiredConfiguration.MixedInstancesPolicy``: the policy with the template.

    Whole floats (the engine carries numbers as floats) become ints again, since botocore
    refuses ``0.0`` for an integer parameter.
    """
    api = plain(policy)
    launch_template = dict(api.get("LaunchTemplate") or {})
    api["LaunchTemplate"] = {
        **launch_template,
        "LaunchTemplateSpecification": {
            "LaunchTemplateId": template_id,
            "Version": str(version),
        },
    }
    return api


def group_policy(policy: Mapping[str, Any], template_id: Any, version: Any) -> dict[str, Any]:
    """The same policy as ``aws.autoscaling.Group`` arguments (snake_case), with the template."""
    launch_template = policy["LaunchTemplate"]
    return {
        "launch_template": {
            "launch_template_specification": {
                "launch_template_id": template_id,
                "version": version,
            },
            "overrides": [_snake_keys(o) for o in launch_template["Overrides"]],
        },
        "instances_distribution": _snake_keys(policy.get("InstancesDistribution") or {}),
    }


def targets(running: Mapping[str, Any], wanted: Mapping[str, Any]) -> bool:
    """Whether a running refresh's ``DesiredConfiguration`` is the one we would send.

    The launch template (id and version) and, for a mixed policy, the instance types in order
    must be equal; of the instances distribution, every value we send must be equal (AWS may
    describe the values we left out with its defaults). One side naming a launch template and
    the other a mixed policy never match: the refresh would replace the group's policy.
    """
    if "MixedInstancesPolicy" not in wanted:
        # AWS describes one or the other, so a running mixed policy has no LaunchTemplate.
        return _spec(running.get("LaunchTemplate")) == _spec(wanted.get("LaunchTemplate"))
    theirs = running.get("MixedInstancesPolicy")
    if not isinstance(theirs, Mapping):
        return False
    ours = plain(wanted["MixedInstancesPolicy"])
    their_template = theirs.get("LaunchTemplate") or {}
    our_template = ours["LaunchTemplate"]
    if _spec(their_template.get("LaunchTemplateSpecification")) != _spec(
        our_template["LaunchTemplateSpecification"]
    ):
        return False
    if plain(their_template.get("Overrides") or []) != our_template.get("Overrides", []):
        return False
    their_distribution = plain(theirs.get("InstancesDistribution") or {})
    return all(
        their_distribution.get(key) == value
        for key, value in (ours.get("InstancesDistribution") or {}).items()
    )


def describe(configuration: Mapping[str, Any]) -> str:
    """A desired configuration in words, for error messages."""
    mixed = configuration.get("MixedInstancesPolicy")
    if isinstance(mixed, Mapping):
        template = mixed.get("LaunchTemplate") or {}
        template_id, version = _spec(template.get("LaunchTemplateSpecification"))
        types = [o.get("InstanceType") for o in template.get("Overrides") or []]
        return f"launch template {template_id} version {version} with instance types " + ", ".join(
            str(t) for t in types
        )
    template_id, version = _spec(configuration.get("LaunchTemplate"))
    if template_id or version:
        return f"launch template {template_id} version {version}"
    return "no desired configuration"


def validate_policy(check: Check, field: str, policy: Any) -> None:
    """Raise ComponentInputError for the first bad part, naming ``<field>.<Key>...``.

    The policy must be plain (no Outputs): it is compared as written to decide a rollout.
    Overrides name an ``InstanceType`` only: an override's own launch template would not be
    moved by the refresh, and weights would change what the group's sizes count.
    """
    if policy is None:
        return
    if is_unknown(policy) or not isinstance(policy, Mapping):
        check.fail(field, policy, _ACCEPTED)
    _keys(check, field, policy, ("LaunchTemplate", "InstancesDistribution"))
    template = policy.get("LaunchTemplate")
    if not isinstance(template, Mapping):
        check.fail(f"{field}.LaunchTemplate", template, "a mapping with the key 'Overrides'")
    if "LaunchTemplateSpecification" in template:
        check.fail(
            f"{field}.LaunchTemplate.LaunchTemplateSpecification",
            template["LaunchTemplateSpecification"],
            "no value: it is filled in from launch_template_id and launch_template_version",
        )
    _keys(check, f"{field}.LaunchTemplate", template, ("Overrides",))
    _validate_overrides(check, f"{field}.LaunchTemplate.Overrides", template.get("Overrides"))
    if "InstancesDistribution" in policy:
        _validate_distribution(
            check, f"{field}.InstancesDistribution", policy["InstancesDistribution"]
        )


def plain(value: Any) -> Any:
    """Mappings as dicts, sequences as lists, whole floats as ints: comparable, JSON-able."""
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return whole(value)


# ----------------------------------------------------------------------------------------
_ACCEPTED = (
    "a plain mapping {'LaunchTemplate': {'Overrides': [{'InstanceType': ...}, ...]}, "
    "'InstancesDistribution': {...}} (no Outputs)"
)


def _spec(spec: Any) -> tuple[Any, Any]:
    if not isinstance(spec, Mapping):
        return None, None
    version = spec.get("Version")
    return spec.get("LaunchTemplateId"), None if version is None else str(whole(version))


def _snake_keys(mapping: Mapping[str, Any]) -> dict[str, Any]:
    return {_SNAKE.sub("_", key).lower(): value for key, value in mapping.items()}


def _keys(check: Check, field: str, mapping: Mapping[str, Any], allowed: Sequence[str]) -> None:
    for key in mapping:
        if key not in allowed:
            accepted = "no such key; accepted: " + ", ".join(allowed)
            check.fail(f"{field}.{key}", mapping[key], accepted)


def _validate_overrides(check: Check, field: str, overrides: Any) -> None:
    if (
        is_unknown(overrides)
        or isinstance(overrides, (str, bytes))
        or not isinstance(overrides, Sequence)
        or not 1 <= len(overrides) <= MAX_INSTANCE_TYPES
    ):
        check.fail(field, overrides, f"a list of 1 to {MAX_INSTANCE_TYPES} overrides")
    seen: set[str] = set()
    for index, override in enumerate(overrides):
        at = f"{field}[{index}]"
        if not isinstance(override, Mapping) or "InstanceType" not in override:
            check.fail(at, override, "a mapping {'InstanceType': ...}")
        _keys(check, at, override, ("InstanceType",))
        instance_type = override["InstanceType"]
        if is_unknown(instance_type):
            check.fail(f"{at}.InstanceType", instance_type, "a plain instance type, not an Output")
        # The shape only: a type unknown to the SDK was warned about where it was given.
        check.matches(
            f"{at}.InstanceType",
            instance_type,
            INSTANCE_TYPE,
            "an EC2 instance type, e.g. 'm7g.large'",
        )
        if instance_type in seen:
            check.fail(f"{at}.InstanceType", instance_type, "an instance type not listed before")
        seen.add(instance_type)


def _validate_distribution(check: Check, field: str, distribution: Any) -> None:
    if is_unknown(distribution) or not isinstance(distribution, Mapping):
        check.fail(field, distribution, "a mapping of InstancesDistribution values")
    _keys(check, field, distribution, _DISTRIBUTION_KEYS)
    for key, value in distribution.items():
        at = f"{field}.{key}"
        if is_unknown(value):
            check.fail(at, value, "a plain value, not an Output")
        if key == "OnDemandAllocationStrategy":
            check.one_of(at, value, _ON_DEMAND_STRATEGIES)
        elif key == "SpotAllocationStrategy":
            check.one_of(at, value, _SPOT_STRATEGIES)
        elif key == "OnDemandBaseCapacity":
            check.int_range(at, value, 0)
        elif key == "OnDemandPercentageAboveBaseCapacity":
            check.int_range(at, value, 0, 100)
        elif key == "SpotInstancePools":
            check.int_range(at, value, 1, 20)
        elif not isinstance(value, str) or len(value) > 255:  # SpotMaxPrice
            check.fail(at, value, "a price of at most 255 characters, e.g. '0.05'")
