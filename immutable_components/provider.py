"""The component provider: every public component, for programs in any Pulumi language.

Pulumi's component analyzer (``pulumi.provider.experimental``) reads the components' typed
``args`` records and output annotations (see :mod:`immutable_components._records`) and
infers the package schema (tokens ``immutable:index:<Component>``) that ``pulumi package
add`` generates TypeScript, Go, C#, Java and YAML SDKs from. The provider's ``Construct``
then builds a component from the caller's inputs, passed as plain dicts, through the same
checks as a Python program.

Entry points: ``provider/__main__.py`` (the source-based plugin, next to
``provider/PulumiPlugin.yaml``) and the ``pulumi-resource-immutable`` executable the package
installs. ``python -m immutable_components.provider schema`` prints the schema (the copy in
``provider/schema.json`` is checked against it by the tests).
"""

import importlib
import importlib.metadata
import json
import sys
from typing import Any

import pulumi

__all__ = ["COMPONENTS", "PACKAGE", "components", "main", "schema", "version"]

PACKAGE = "immutable"

#: component class name -> module, imported when the provider starts (GCP and Azure included:
#: a provider serves every cloud).
COMPONENTS = {
    "GoldenImage": "immutable_components.golden_image",
    "LaunchTemplateRelease": "immutable_components.release",
    "GcpInstanceGroupRelease": "immutable_components.release",
    "AzureScaleSetRelease": "immutable_components.release",
    "BlueGreenService": "immutable_components.blue_green",
    "DriftRule": "immutable_components.drift_rule",
}


def components() -> list[type[pulumi.ComponentResource]]:
    """The component classes, in schema order."""
    return [getattr(importlib.import_module(m), name) for name, m in COMPONENTS.items()]


def version() -> str:
    """The installed package's version (the schema's and the plugin's)."""
    try:
        return importlib.metadata.version("immutable-components")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - run from a checkout
        return "0.0.0"


def schema() -> dict[str, Any]:
    """The package schema the analyzer infers from the components."""
    from pulumi.provider.experimental.component import ComponentProvider

    return json.loads(ComponentProvider(components(), PACKAGE, None, version()).schema or "{}")


def main() -> None:
    """Serve the components to the Pulumi engine (``schema``: print the schema instead)."""
    if sys.argv[1:2] == ["schema"]:
        print(json.dumps(schema(), indent=2, sort_keys=True))
        return
    from pulumi.provider.experimental import component_provider_host

    component_provider_host(components(), PACKAGE, version=version())


if __name__ == "__main__":  # pragma: no cover
    main()
