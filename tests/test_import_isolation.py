"""Each program loads only what it uses: in every direction, in a fresh interpreter.

- ``import immutable_components`` (and the testing module, the planner, the CLI) loads no
  provider SDK, no boto3/botocore and no pytest;
- ``immutable plan`` of the AWS stack loads no GCP or Azure module, of the GCP and Azure
  stacks no ``pulumi_aws`` module (nor the other cloud's), and no plan loads pytest or
  boto3 (boto3 is for the commands and the rollout, which a plan does not run).
"""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

SDKS = ("pulumi_aws", "pulumi_gcp", "pulumi_azure_native", "pulumi_command", "pulumi_tls")
AWS_API = ("boto3", "botocore")
TEST_TOOLS = ("pytest", "_pytest")

REPORT = """
import json, sys
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def loaded_after(code: str, *args: str) -> set[str]:
    """The top-level packages loaded by ``code`` in a fresh interpreter (its last line of
    output must be :data:`REPORT`'s)."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code) + REPORT, *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "statement",
    [
        "import immutable_components",
        "import immutable_components as ic; dir(ic); ic.__all__",
        "import immutable_components.errors",
        "import immutable_components.testing",
        "import immutable_components.planner",
        "import immutable_components.cli; immutable_components.cli.build_parser()",
    ],
)
def test_importing_the_package_loads_no_sdk_no_boto3_no_pytest(statement):
    loaded = loaded_after(statement)
    assert not loaded & {*SDKS, *AWS_API, *TEST_TOOLS}, sorted(loaded & {*SDKS, *AWS_API})


PLAN = """
import contextlib, io, json, sys
from immutable_components.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(["plan", "--cwd", sys.argv[1], "--stack", sys.argv[2], "--json"])
assert code == 0, code
types = {r["type"].split(":")[0] for r in json.loads(out.getvalue())["resources"]}
assert sys.argv[3] in types, types
"""


@pytest.mark.parametrize(
    ("stack", "cloud", "absent"),
    [
        ("dev", "aws", ("pulumi_gcp", "pulumi_azure_native", "boto3", *TEST_TOOLS)),
        ("gcp-dev", "gcp", ("pulumi_aws", "pulumi_azure_native", *AWS_API, *TEST_TOOLS)),
        ("azure-dev", "azure-native", ("pulumi_aws", "pulumi_gcp", *AWS_API, *TEST_TOOLS)),
    ],
)
def test_a_plan_loads_only_its_cloud(stack, cloud, absent):
    loaded = loaded_after(PLAN, str(REPO), stack, cloud)
    assert not loaded & set(absent), sorted(loaded & set(absent))


@pytest.mark.parametrize(("stack", "cloud"), [("gcp-dev", "gcp"), ("azure-dev", "azure-native")])
def test_gcp_and_azure_plans_load_no_pytest_or_boto3(stack, cloud):
    """What already holds for the GCP and Azure plans, whatever the example program."""
    loaded = loaded_after(PLAN, str(REPO), stack, cloud)
    assert not loaded & {"boto3", *TEST_TOOLS}


def test_the_aws_plan_loads_no_botocore():
    """botocore is the rollout's, which runs in ``pulumi up``, not in a plan."""
    assert "botocore" not in loaded_after(PLAN, str(REPO), "dev", "aws")
