"""Components through Pulumi's component provider, as another language's program uses them.

:func:`schema` is the schema the analyzer infers (what ``pulumi package add`` generates SDKs
from); :func:`construct` builds a component from the schema's camelCase inputs through the
provider's own ``construct`` (it maps the names, passes nested records as plain dicts and
calls the constructor), under whatever mocks the test installed.
"""

import json
from collections.abc import Callable
from typing import Any

import pulumi
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.provider import ConstructResult

PACKAGE = "immutable"


def provider(*components: type[pulumi.ComponentResource]) -> ComponentProvider:
    return ComponentProvider(list(components), PACKAGE, None, "0.0.0")


def schema(*components: type[pulumi.ComponentResource]) -> dict[str, Any]:
    return json.loads(provider(*components).schema or "{}")


def construct(
    component: type[pulumi.ComponentResource],
    name: str,
    inputs: dict[str, Any],
    opts: pulumi.ResourceOptions | None = None,
) -> ConstructResult:
    """``component`` built from camelCase ``inputs`` by the provider's own ``construct`` (a
    user's mistake comes back as ``ComponentInitError`` wrapping our ComponentInputError)."""
    token = f"{PACKAGE}:index:{component.__name__}"
    return provider(component).construct(name, token, inputs, opts)


def registered(build: Callable[[], Any]) -> list[tuple[Any, ...]]:
    """What ``build()`` registers under fresh mocks: type, name, parent, inputs, dependencies
    and options of each resource, in order (a Python call and a provider ``construct`` of
    the same inputs must give equal lists)."""
    from immutable_components.testing import mocked

    with mocked() as run:
        build()
        run.settle()
        return [
            (r.type, r.name, r.parent, r.inputs, sorted(r.dependencies), r.options)
            for r in run.resources
        ]
