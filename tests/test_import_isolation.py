"""An AWS-only stack never imports the GCP or Azure SDKs (seconds and 100+ MB each)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_aws_stack_imports_neither_gcp_nor_azure():
    program = textwrap.dedent(
        """
        import sys
        from immutable_components.planner import run_plan
        doc = run_plan(sys.argv[1], "dev").document()
        assert any(r["type"] == "immutable:index:GoldenImage" for r in doc["resources"])
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in
                        ("pulumi_gcp", "pulumi_azure_native"))
        print(",".join(loaded) or "none")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", program, str(REPO)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "none"
