"""GCP and Azure releases are exported lazily: importing the package loads neither SDK."""

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
assert ic.GcpInstanceGroupRelease.__name__ == "GcpInstanceGroupRelease"
assert loaded() == ["pulumi_gcp"], loaded()
assert ic.AzureScaleSetReleaseArgs.__name__ == "AzureScaleSetReleaseArgs"
assert loaded() == ["pulumi_azure_native", "pulumi_gcp"], loaded()
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
