"""Pass a component's ``ignore_changes`` down to its children: the one rule, two ways in.

``ignore_changes`` on a component resource does not reach its children: the engine applies
it to the component's own (empty) inputs. Each child gets the entries that name one of its
inputs (:func:`matching`): Python (snake_case) or engine (camelCase) names, optionally with
a nested path (``tags["Team"]``, ``mixedInstancesPolicy.instancesDistribution``); children
receive them in camelCase. E.g. ``ignore_changes=["min_size"]`` on a LaunchTemplateRelease
reaches its Auto Scaling group.

- :func:`child_options`: the options of one child, named by its args type (the releases and
  BlueGreenService build each child's options with it, next to the child's own entries);
- :func:`pass_down_ignore_changes`: the component's options with a transformation that does
  the same for every custom resource below it, from the inputs it registers (GoldenImage,
  DriftRule).
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Iterable
from typing import Any

import pulumi

__all__ = ["camel", "child_options", "matching", "pass_down_ignore_changes", "passed_down"]

_HEAD = re.compile(r"^([A-Za-z0-9_]+)(.*)$", re.S)


def camel(name: str) -> str:
    """``desired_capacity`` -> ``desiredCapacity`` (camelCase names are left alone)."""
    first, *rest = name.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def matching(entries: list[str], inputs: frozenset[str] | set[str]) -> list[str]:
    """The ``ignore_changes`` entries whose head names one of ``inputs`` (camelCase), in
    camelCase, with any nested path (``tags["Team"]``) kept."""
    out: list[str] = []
    for entry in entries:
        match = _HEAD.match(entry)
        if match and camel(match.group(1)) in inputs:
            out.append(camel(match.group(1)) + match.group(2))
    return out


def pass_down_ignore_changes(opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions | None:
    entries = list((opts.ignore_changes if opts else None) or [])
    if not entries:
        return opts

    def transform(
        args: pulumi.ResourceTransformationArgs,
    ) -> pulumi.ResourceTransformationResult | None:
        if not isinstance(args.resource, pulumi.CustomResource):
            return None
        matched = matching(entries, {camel(str(key)) for key in (args.props or {})})
        if not matched:
            return None
        child = pulumi.ResourceOptions.merge(
            args.opts, pulumi.ResourceOptions(ignore_changes=matched)
        )
        return pulumi.ResourceTransformationResult(args.props, child)

    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(transformations=[transform]))


@functools.cache
def _inputs(args_type: type) -> frozenset[str]:
    # Read on first use only (a provider SDK's args class is costly to inspect), once.
    return frozenset(camel(name) for name in inspect.signature(args_type).parameters)


def passed_down(opts: pulumi.ResourceOptions | None, args_type: type) -> list[str]:
    """The entries of ``opts.ignore_changes`` that name an input of ``args_type``, camelCase."""
    entries = (opts.ignore_changes if opts else None) or []
    if not entries:
        return []
    return matching(list(entries), _inputs(args_type))


def child_options(
    parent: pulumi.Resource,
    opts: pulumi.ResourceOptions | None,
    args_type: type,
    *,
    ignore_changes: Iterable[str] = (),
    **options: Any,
) -> pulumi.ResourceOptions:
    """``ResourceOptions(parent=...)`` with the component's applicable ``ignore_changes``
    added to the child's own (deduplicated, order kept)."""
    ignored = list(dict.fromkeys([*ignore_changes, *passed_down(opts, args_type)]))
    return pulumi.ResourceOptions(parent=parent, ignore_changes=ignored or None, **options)
