"""Pass a component's ``ignore_changes`` down to its children.

``ignore_changes`` on a component resource does not reach its children: the engine applies
it to the component's own (empty) inputs. :func:`pass_down_ignore_changes` returns the
component's options with a transformation that gives each child the entries naming one of
its inputs (``tags``, ``user_data``, ``tags["Team"]``...), in the engine's camelCase.
(LaunchTemplateRelease and BlueGreenService do the same through ``release._options``.)
"""

from __future__ import annotations

import re

import pulumi

__all__ = ["camel", "matching", "pass_down_ignore_changes"]

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
