"""Releases load only what they use: the GCP and Azure SDKs on first use of their component,
no SDK for the args records, boto3/botocore only inside the functions that call AWS."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROGRAM = """
import sys
import immutable_components as ic
from immutable_components.release import LaunchTemplateRelease
SDKS = {"pulumi_gcp", "pulumi_azure_native"}
loaded = lambda: sorted({m.split(".")[0] for m in sys.modules} & SDKS)
assert loaded() == [], loaded()
# The args records are plain data: no SDK until a component is used.
assert ic.GcpInstanceGroupReleaseArgs.__name__ == "GcpInstanceGroupReleaseArgs"
assert ic.AzureScaleSetReleaseArgs.__name__ == "AzureScaleSetReleaseArgs"
assert loaded() == [], loaded()
assert ic.GcpInstanceGroupRelease.__name__ == "GcpInstanceGroupRelease"
assert loaded() == ["pulumi_gcp"], loaded()
assert ic.AzureScaleSetRelease.__name__ == "AzureScaleSetRelease"
assert loaded() == ["pulumi_azure_native", "pulumi_gcp"], loaded()
# Nor the 180 modules of pulumi_aws.ec2 (the launch template's signature is read lazily).
assert "pulumi_aws.ec2.launch_template" not in sys.modules
print("ok")
"""


def test_gcp_and_azure_load_on_first_use_only():
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


RELEASE = REPO / "immutable_components" / "release"
#: module -> SDKs it may import at module level.
ALLOWED = {
    "aws.py": {"pulumi_aws"},
    "_lookups.py": {"pulumi_aws"},
    "gcp.py": {"pulumi_gcp"},
    "azure.py": {"pulumi_azure_native", "pulumi_tls"},
}
SDKS = {"pulumi_aws", "pulumi_gcp", "pulumi_azure_native", "pulumi_tls", "boto3", "botocore"}


def _top_level_imports(path: Path) -> set[str]:
    import ast

    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in tree.body:  # module level only: imports inside functions are lazy
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_release_modules_import_only_their_own_cloud_sdk():
    modules = sorted(RELEASE.glob("*.py"))
    assert {p.name for p in modules} >= {"args.py", "aws.py", "gcp.py", "azure.py", "refresh.py"}
    for path in modules:
        used = _top_level_imports(path) & SDKS
        assert used <= ALLOWED.get(path.name, set()), (path.name, used)
