"""Child resource options: parent, and the component's ``ignore_changes`` passed down.

``ignore_changes`` on a component resource does not reach its children (the engine applies
it to the component's own, empty, inputs). A release component passes each entry down to
every child whose arguments have that property, e.g. ``ignore_changes=["min_size"]`` on a
LaunchTemplateRelease reaches its Auto Scaling group. Entries are Python (snake_case) or
engine (camelCase) names, optionally with a nested path (``tags["Team"]``,
``mixedInstancesPolicy.instancesDistribution``); children receive them in camelCase.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Iterable
from typing import Any

import pulumi

from .._passdown import camel, matching

__all__ = ["camel", "child_options", "passed_down"]


@functools.cache
def _inputs(args_type: type) -> frozenset[str]:
    # A class's signature does not change; computing it costs ~0.1 ms per child otherwise.
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
