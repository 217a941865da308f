"""`immutable plan`: the example project under the mocks, the JSON contract, errors."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from immutable_components.cli import main
from immutable_components.planner import PlanError, run_plan

REPO = Path(__file__).resolve().parents[1]
CONTRACT_KEYS = {"urn", "type", "name", "parent", "custom", "inputs", "dependencies", "options"}
OPTION_KEYS = {
    "ignoreChanges",
    "replaceOnChanges",
    "deleteBeforeReplace",
    "retainOnDelete",
    "deletedWith",
    "customTimeouts",
    "protect",
}


def plan_json(capsys, *args: str) -> dict:
    assert main(["plan", "--cwd", str(REPO), "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_follows_the_contract(capsys):
    doc = plan_json(capsys)
    assert set(doc) == {"project", "stack", "resources", "outputs"}
    assert doc["project"] == "immutable-components"
    assert doc["stack"] == "dev"
    urns = [r["urn"] for r in doc["resources"]]
    assert len(urns) == len(set(urns))
    assert doc["resources"][0]["type"] == "pulumi:pulumi:Stack"
    for res in doc["resources"]:
        assert set(res) >= CONTRACT_KEYS
        assert set(res["options"]) >= OPTION_KEYS
        assert res["parent"] is None or res["parent"] in urns[: urns.index(res["urn"])]
        assert set(res["dependencies"]) <= set(urns)
    assert set(doc["outputs"]) >= {"blueImageId", "greenImageName", "baseImageId", "url"}
    assert doc["outputs"]["blueImageId"].startswith("ami-")


def test_json_is_byte_identical_across_runs(capsys):
    assert main(["plan", "--cwd", str(REPO), "--json"]) == 0
    first = capsys.readouterr().out
    assert main(["plan", "--cwd", str(REPO), "--json"]) == 0
    assert capsys.readouterr().out == first


def test_paths_in_the_plan_are_relative_to_the_project(capsys):
    text = json.dumps(plan_json(capsys))
    assert str(REPO) not in text
    assert '"stacks/images/app/files"' in text


def test_tree_shows_every_resource_under_its_parent(capsys):
    assert main(["plan", "--cwd", str(REPO)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "Previewing update (offline, mocks): immutable-components/dev"
    assert " +   pulumi:pulumi:Stack" in out
    assert "├─ immutable:index:GoldenImage" in out
    assert "│  ├─ aws:ec2/instance:Instance" in out
    assert "base-builder" in out
    doc = run_plan(REPO, "dev").document()
    assert f"    + {len(doc['resources'])} to create" in lines
    assert sum(1 for line in lines if line.startswith(" +   ")) == len(doc["resources"])


def test_layering_order_base_before_app(capsys):
    names = [r["name"] for r in plan_json(capsys)["resources"]]
    assert names.index("base-image") < names.index("app-blue-builder")


def test_config_override_changes_only_the_app_image_chain():
    # Green on its own version, so blue's chain is blue's alone (equal versions bake once).
    before = {r["urn"]: r for r in run_plan(REPO, "dev", ["greenVersion=1.5.0"]).resources}
    after = {
        r["urn"]: r
        for r in run_plan(REPO, "dev", ["greenVersion=1.5.0", "blueVersion=9.9.9"]).resources
    }
    assert before.keys() == after.keys()
    changed = sorted(urn.rsplit("::", 1)[1] for urn in before if before[urn] != after[urn])
    assert changed, "a new app version must rebake the app image"
    assert all(name.startswith(("app-blue", "web-blue")) for name in changed), changed
    assert "app-blue-image" in changed


def test_missing_stack_file_exits_2_with_a_clear_message(capsys):
    assert main(["plan", "--cwd", str(REPO), "--stack", "nope"]) == 2
    err = capsys.readouterr().err
    assert "stacks/Pulumi.nope.yaml" in err
    assert "--stack" in err


def test_unknown_option_exits_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["plan", "--bogus"])
    assert info.value.code == 2
    assert "--bogus" in capsys.readouterr().err


def test_program_error_names_the_file_and_line(capsys):
    assert main(["plan", "--cwd", str(REPO), "--config", "builderSshCidr=10.0.0.1/8"]) == 2
    err = capsys.readouterr().err
    # the innermost frame of the project's own code: where the bad image is declared
    assert re.search(r"failed at stacks/service/images\.py:\d+: ComponentInputError", err)
    assert "aws.ssh_cidrs[0]" in err
    assert err[-1] == "\n" and err.count("\n") == 1  # one paragraph


def write_project(root: Path, program: str, stack: str = "config: {}\n") -> Path:
    (root / "Pulumi.yaml").write_text("name: demo\nruntime: python\n")
    (root / "Pulumi.test.yaml").write_text(stack)
    (root / "__main__.py").write_text(textwrap.dedent(program))
    return root


def test_secure_settings_get_a_fake_value_and_a_note(tmp_path, capsys):
    write_project(
        tmp_path,
        """
        import pulumi
        c = pulumi.Config()
        pulumi.export("password", c.require_secret("password"))
        pulumi.export("plain", c.require("plain"))
        """,
        "config:\n  demo:password:\n    secure: v1:abc==\n  demo:plain: hello\n",
    )
    assert main(["plan", "--cwd", str(tmp_path), "--stack", "test", "--json"]) == 0
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert doc["outputs"] == {"password": "[secret]", "plain": "hello"}
    assert "demo:password is a secure setting" in captured.err
    assert "fake-secret-for-demo:password" in captured.err


def test_exception_in_a_program_exits_2_naming_its_line(tmp_path, capsys):
    write_project(tmp_path, "import pulumi\n\nraise RuntimeError('boom')\n")
    assert main(["plan", "--cwd", str(tmp_path), "--stack", "test"]) == 2
    err = capsys.readouterr().err
    assert "__main__.py:3" in err
    assert "RuntimeError: boom" in err


def test_structured_and_namespaced_config_reaches_the_program(tmp_path, capsys):
    write_project(
        tmp_path,
        """
        import pulumi
        c = pulumi.Config()
        pulumi.export("n", c.require_int("n"))
        pulumi.export("obj", c.require_object("obj"))
        pulumi.export("region", pulumi.Config("aws").require("region"))
        pulumi.export("override", c.require("o"))
        """,
        "config:\n  n: 3\n  obj: {a: [1, 2]}\n  aws:region: eu-west-1\n  o: before\n",
    )
    args = ["plan", "--cwd", str(tmp_path), "--stack", "test", "--json", "--config", "o=after"]
    assert main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["outputs"] == {
        "n": 3,
        "obj": {"a": [1, 2]},
        "region": "eu-west-1",
        "override": "after",
    }


def test_bad_config_override_and_missing_project(tmp_path):
    write_project(tmp_path, "pass\n")
    with pytest.raises(PlanError, match="KEY=VALUE"):
        run_plan(tmp_path, "test", ["novalue"])
    with pytest.raises(PlanError, match=r"No Pulumi\.yaml"):
        run_plan(tmp_path / "elsewhere", "test")


def test_runtime_is_restored_after_a_plan(tmp_path):
    write_project(tmp_path, "import pulumi\npulumi.export('x', 1)\n")
    run_plan(tmp_path, "test")
    import pulumi.runtime.settings as settings

    assert settings.get_root_resource() is None
    assert settings.SETTINGS.monitor is None


def _invokes(stack: str):
    """The recording mocks of one plan of the example project (they hold its invokes)."""
    from immutable_components import testing

    made: list[testing.RecordingMocks] = []

    def runtime(region: str, gcp_project: str):
        made.append(testing.RecordingMocks(region=region, gcp_project=gcp_project))
        return made[-1], None

    run_plan(REPO, stack, runtime=runtime)
    return made[0]


#: the one question the example program asks itself as well as a component does:
#: ``aws.get_region()`` in stacks/service/network.py (a user's own invoke, not the library's)
PROGRAM_OWN = {("aws:index/getRegion:getRegion", "{}", ""): 2}


def test_the_aws_plan_asks_each_data_source_question_once():
    mocks = _invokes("dev")
    assert mocks.repeated_invokes() == PROGRAM_OWN
    distinct = {c.question() for c in mocks.invoke_calls}
    assert len(mocks.invoke_calls) == len(distinct) + 1 == 17


@pytest.mark.parametrize("stack", ["gcp-dev", "azure-dev"])
def test_the_gcp_and_azure_plans_ask_each_question_once(stack):
    mocks = _invokes(stack)
    assert mocks.repeated_invokes() == {}
