"""A GoldenImage on one cloud imports only that cloud's SDK (no other cloud's, no boto3, no
pytest); the lazy exports of the package and of every subpackage resolve."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROGRAM = """
import sys, json, tempfile, pathlib
import immutable_components as ic
from immutable_components.testing import mocked
tmp = pathlib.Path(tempfile.mkdtemp())
steps = [ic.RunCommands(commands=["true"])]
with mocked() as run:
    ic.GoldenImage("img", ic.GoldenImageArgs({cloud}={builder}, provisioners=steps))
    run.settle()
sdks = ("pulumi_aws", "pulumi_gcp", "pulumi_azure_native", "boto3", "botocore", "pytest")
print(json.dumps(sorted(m for m in sys.modules if m.startswith(sdks))))
"""

BUILDERS = {
    "aws": 'ic.AwsBuilder(source_image_id="ami-0123456789abcdef0",'
    ' subnet_id="subnet-0123456789abcdef0",'
    ' ssh_cidrs=["203.0.113.10/32"])',
    "gcp": 'ic.GcpBuilder(source_image_id="projects/debian-cloud/global/images/debian-12-v1",'
    ' zone="us-central1-a", ssh_cidrs=["203.0.113.10/32"])',
    "azure": "ic.AzureBuilder(source_marketplace=ic.AzureMarketplaceImage("
    'publisher="C", offer="o", sku="s",'
    ' version="1.0.0"), resource_group_name="rg", location="westeurope", subnet_id="/subscriptions/'
    's/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/b",'
    ' ssh_cidrs=["203.0.113.10/32"])',
}


def loaded(cloud: str) -> list[str]:
    code = textwrap.dedent(PROGRAM).format(cloud=cloud, builder=BUILDERS[cloud])
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("cloud", "present", "absent"),
    [
        ("aws", ("pulumi_aws",), ("pulumi_gcp", "pulumi_azure_native", "boto3", "pytest")),
        ("gcp", ("pulumi_gcp",), ("pulumi_aws", "pulumi_azure_native", "boto3", "pytest")),
        ("azure", ("pulumi_azure_native",), ("pulumi_aws", "pulumi_gcp", "boto3", "pytest")),
    ],
)
def test_each_cloud_imports_only_its_sdk(cloud, present, absent):
    modules = loaded(cloud)
    for sdk in present:
        assert sdk in modules
    for sdk in absent:
        assert not [m for m in modules if m == sdk or m.startswith(sdk + ".")], modules


def test_lazy_exports_resolve():
    import immutable_components as ic
    from immutable_components import golden_image
    from immutable_components.golden_image.gcp import GcpBuilder

    assert ic.GcpBuilder is GcpBuilder is golden_image.GcpBuilder
    assert "AzureBuilder" in ic.__all__ and "AzureBuilder" in dir(ic)
    with pytest.raises(AttributeError):
        _ = ic.NoSuchBuilder


PACKAGES = [
    "immutable_components",
    "immutable_components.blue_green",
    "immutable_components.drift_rule",
    "immutable_components.golden_image",
    "immutable_components.release",
    "immutable_components.testing",
]


@pytest.mark.parametrize("package", PACKAGES)
def test_every_export_resolves_and_is_listed(package):
    import importlib

    module = importlib.import_module(package)
    names = module.__all__
    assert len(names) == len(set(names))
    assert set(names) <= set(dir(module))
    for name in names:
        value = getattr(module, name)
        assert getattr(value, "__name__", name) == name, (package, name)
        assert name in vars(module)  # cached after the first use


def test_top_level_exports_match_the_table():
    import immutable_components as ic

    assert sorted(ic.EXPORTS) == ic.__all__
    for name, module in ic.EXPORTS.items():
        assert module.startswith(".") and name in dir(ic)
