"""Data-source lookups (invokes) asked once per program run: one memo for every component.

Every invoke is a provider call in a real run (a mock call under
:mod:`immutable_components.testing`). Components of one program ask the same questions:
the region, the partition and the account of a provider, the VPC of a subnet, the images
carrying a build hash. :func:`invoke_once` asks each distinct question once and hands every
later caller the first answer:

- a question is the SDK function (which also fixes the form: ``get_x`` answers a plain
  result, ``get_x_output`` an Output), its arguments compared by value, and the provider the
  invoke uses: ``provider`` if given, else the provider of the package the ``parent``
  resource was given or inherited, else the default provider;
- an argument that is an Output is compared by its value once known: the output form then
  asks inside an ``apply`` (the answer is an Output carrying the argument's dependencies, as
  the direct invoke's would), the plain form asks each time (it needs the value now);
- the memo belongs to the program's root stack resource, so nothing is shared between two
  program runs in one process (automation API, tests); with no root stack, nothing is
  shared at all.

An invoke has no side effects and its answer does not depend on who asks, so a shared
answer is the one each caller would have got. Callers that need ``depends_on`` (an invoke
gated on a resource) invoke directly.

This module imports no provider SDK: the caller passes the SDK's function, e.g.::

    subnet = invoke_once(aws.ec2.get_subnet_output, parent=self, id=subnet_id, region=region)
    vpc_id = subnet.vpc_id
"""

import json
import weakref
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pulumi
from pulumi.runtime import get_root_resource

__all__ = ["canonical", "invoke_once"]

T = TypeVar("T")

#: the SDKs' module prefix -> the package name ``Resource.get_provider`` expects
_PACKAGES = {
    "pulumi_aws": "aws",
    "pulumi_gcp": "gcp",
    "pulumi_azure_native": "azure-native",
    "pulumi_command": "command",
    "pulumi_tls": "tls",
}

_NOT_PLAIN = object()

# root stack resource -> {(function, provider id, arguments): (provider, answer)}
_MEMO: "weakref.WeakKeyDictionary[pulumi.Resource, dict[tuple[str, int | None, str], tuple[Any, Any]]]" = (  # noqa: E501
    weakref.WeakKeyDictionary()
)


def _plain(value: Any) -> Any:
    """``value`` as plain JSON data, or ``_NOT_PLAIN`` (an Output, a resource, an object)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, Mapping):
        items = {}
        for key, item in value.items():
            plain = _plain(item)
            if not isinstance(key, str) or plain is _NOT_PLAIN:
                return _NOT_PLAIN
            items[key] = plain
        return items
    if isinstance(value, (list, tuple)):
        plains = [_plain(item) for item in value]
        return _NOT_PLAIN if any(p is _NOT_PLAIN for p in plains) else plains
    return _NOT_PLAIN


def canonical(arguments: Mapping[str, Any]) -> str | None:
    """The arguments of an invoke as one canonical string (keys sorted, tuples as lists,
    ``None`` values dropped: the SDK sends an absent argument for them), or ``None`` when
    an argument is not plain data."""
    plain = _plain({k: v for k, v in arguments.items() if v is not None})
    if plain is _NOT_PLAIN:
        return None
    return json.dumps(plain, sort_keys=True, separators=(",", ":"))


def _package(fn: Callable[..., Any]) -> str:
    root = getattr(fn, "__module__", "").split(".")[0]
    return _PACKAGES.get(root, root.removeprefix("pulumi_"))


def _name(fn: Callable[..., Any]) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


def _options(output_form: bool, parent: Any, provider: Any) -> pulumi.InvokeOptions:
    if output_form:
        return pulumi.InvokeOutputOptions(parent=parent, provider=provider)
    return pulumi.InvokeOptions(parent=parent, provider=provider)


def invoke_once(
    fn: Callable[..., T],
    *,
    parent: pulumi.Resource | None = None,
    provider: pulumi.ProviderResource | None = None,
    **arguments: Any,
) -> T:
    """``fn(**arguments, opts=...)``, or the answer to the same question asked earlier in
    this program run (see the module docstring for what makes two questions the same).

    ``fn`` is an SDK data-source function (``aws.get_region_output``,
    ``aws.ec2.get_subnet``, ``gcp.compute.get_image``...); ``parent`` and ``provider`` are
    what its ``opts`` would carry.
    """
    output_form = fn.__name__.endswith("_output")
    if provider is None and parent is not None:
        provider = parent.get_provider(f"{_package(fn)}::")
    root = get_root_resource()

    def ask(**plain: Any) -> Any:
        return fn(**plain, opts=_options(output_form, parent, provider))

    if root is None:
        return ask(**arguments)
    memo = _MEMO.setdefault(root, {})
    function = _name(fn)
    ident = id(provider) if provider is not None else None

    def once(values: Mapping[str, Any]) -> Any:
        args = canonical(values)
        if args is None:
            return ask(**values)
        key = (function, ident, args)
        if key not in memo:
            # The provider is kept with the answer so that its id is not reused meanwhile.
            memo[key] = (provider, ask(**values))
        return memo[key][1]

    if canonical(arguments) is not None or not output_form:
        return once(arguments)  # type: ignore[no-any-return]
    # An Output argument: ask once its value is known (an apply returning the answer).
    names = list(arguments)
    values = pulumi.Output.all(*(arguments[n] for n in names))
    return values.apply(lambda resolved: once(dict(zip(names, resolved, strict=True))))  # type: ignore[return-value]
