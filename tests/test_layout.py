"""One layout: every component package has the same files in the same roles.

- ``args.py``: the component's args records (pure data, no provider SDK) and their checks;
- ``component.py``: the cloud-neutral component, where there is one (a package whose
  components are each one cloud's, the releases, has none);
- ``aws.py``, ``gcp.py``, ``azure.py``: what each cloud registers; private helpers ``_x.py``.
"""

import inspect
from pathlib import Path

import pytest

from immutable_components import provider

PACKAGE = Path(__file__).resolve().parent.parent / "immutable_components"
PACKAGES = ("golden_image", "release", "blue_green", "drift_rule")
CLOUDS = ("aws", "gcp", "azure")


@pytest.mark.parametrize("name", PACKAGES)
def test_each_component_package_has_the_same_roles(name):
    files = {p.stem for p in (PACKAGE / name).glob("*.py")}
    assert {"__init__", "args"} <= files
    # a module named after a cloud is exactly that cloud's part (no aws_args.py, gcp_x.py)
    for module in files:
        for cloud in CLOUDS:
            if module.startswith(cloud):
                assert module == cloud, f"{name}/{module}.py: a cloud's part is {cloud}.py"
    assert ("component" in files) is (name != "release")
    # BlueGreenService is AWS's only, in component.py, until it gains GCP and Azure colours
    assert files & set(CLOUDS) == (set() if name == "blue_green" else set(CLOUDS))


@pytest.mark.parametrize("component", provider.components(), ids=lambda c: c.__name__)
def test_every_components_args_live_in_its_packages_args_module(component):
    args = inspect.signature(component.__init__).parameters["args"].annotation
    assert args.__name__ == f"{component.__name__}Args"
    package = component.__module__.rsplit(".", 1)[0]
    assert args.__module__ == f"{package}.args"
