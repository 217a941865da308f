"""`immutable diff`: release summaries of the example stack's changes, of a pulumi preview
digest, the danger exit code, the markdown golden file and byte-identical reruns."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from immutable_components.cli import main
from immutable_components.planner import run_plan
from immutable_components.review import changes_from_plans, render, summarize

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent / "diff"


@pytest.fixture(scope="module")
def plans() -> dict[str, dict]:
    return {
        "dev": run_plan(REPO, "dev").document(),
        "green": run_plan(REPO, "dev", ["greenVersion=1.1.0"]).document(),
        "live": run_plan(REPO, "dev", ["liveColor=green"]).document(),
    }


def write(tmp_path: Path, name: str, doc: dict) -> str:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(doc, indent=2, sort_keys=True))
    return str(path)


def diff(capsys, *args: str) -> tuple[int, str]:
    code = main(["diff", *args])
    return code, capsys.readouterr().out


def test_dev_against_dev_prints_no_changes_and_exits_0(plans, tmp_path, capsys):
    path = write(tmp_path, "dev", plans["dev"])
    code, out = diff(capsys, path, path)
    assert code == 0
    assert out.splitlines()[0] == "Release summary (plans): no changes"
    assert out.endswith(f"Resources: {len(plans['dev']['resources']) - 1} unchanged\n")


def test_a_new_green_version_names_greens_image_chain_release_and_no_traffic(plans):
    summary = summarize(changes_from_plans(plans["dev"], plans["green"]), source="plans")
    assert summary.exit_code == 1
    assert summary.danger == []
    assert summary.traffic == []
    (image,) = summary.images
    assert (image.name, image.status, image.version) == ("app-green", "rebake", "1.1.0")
    assert image.build_hash_old != image.build_hash_new
    assert image.lineage == ["base-9d8fa551c0a25e55"]
    assert image.copies == ["app-green-copy-us-west-2"]
    (release,) = summary.releases
    assert (release.name, release.colour, release.template) == (
        "web-green",
        "green",
        "web-green-lt",
    )
    assert (release.template_version_old, release.template_version_new) == (1, 2)
    assert release.rollout == {
        "autoRollback": True,
        "capacity": 2,
        "minHealthyPercentage": 90,
        "skipMatching": True,
        "timeoutMinutes": 60,
        "warmupSeconds": 300,
    }
    # 2 instances at 90% healthy: one at a time, 2 x (120 s launch + 300 s warm-up) = 14 min
    assert (release.batches, release.estimate_minutes) == (2, 14)
    # Only green's chain is created; blue's is untouched.
    created = {c.name for c in summary.changes if c.op == "create"}
    assert created and all(name.startswith("app-green-") for name in created)


def test_moving_live_names_only_the_traffic_move_and_its_gate(plans):
    summary = summarize(changes_from_plans(plans["dev"], plans["live"]), source="plans")
    assert summary.exit_code == 1
    assert (summary.images, summary.releases, summary.danger) == ([], [], [])
    (traffic,) = summary.traffic
    assert traffic.listener == "web-http"
    assert (traffic.before, traffic.after) == ({"blue": 100, "green": 0}, {"blue": 0, "green": 100})
    assert traffic.canary is None
    assert [(g.name, g.colour, g.min_healthy_targets) for g in traffic.gates] == [
        ("web-green-gate", "green", 2)
    ]
    text = render(summary, "text")
    assert "Images:" not in text and "Releases:" not in text
    assert "  web-http: blue 100, green 0 -> blue 0, green 100\n" in text


def test_a_replaced_load_balancer_exits_3_and_says_so_first(plans, tmp_path, capsys):
    new = copy.deepcopy(plans["dev"])
    (lb,) = [r for r in new["resources"] if r["type"] == "aws:lb/loadBalancer:LoadBalancer"]
    lb["inputs"]["internal"] = True  # forces replacement (the replacements table)
    code, out = diff(capsys, write(tmp_path, "dev", plans["dev"]), write(tmp_path, "lb", new))
    assert code == 3
    lines = out.splitlines()
    assert lines[0].startswith("Release summary (plans): DANGER")
    assert lines[2] == "DANGER:"
    assert lines[3] == (
        f"  load balancer {lb['name']} (aws:lb/loadBalancer:LoadBalancer): "
        "replaced: internal changed"
    )
    code, md = diff(
        capsys,
        write(tmp_path, "dev", plans["dev"]),
        write(tmp_path, "lb", new),
        "--format",
        "markdown",
    )
    assert code == 3 and md.splitlines()[3] == "**DANGER** (needs approval)"


def test_an_in_place_listener_update_is_not_danger(plans):
    new = copy.deepcopy(plans["dev"])
    (listener,) = [r for r in new["resources"] if r["type"] == "aws:lb/listener:Listener"]
    listener["inputs"]["port"] = 8080  # updatable in place
    summary = summarize(changes_from_plans(plans["dev"], new), source="plans")
    assert [c.op for c in summary.changes] == ["update"]
    assert summary.danger == [] and summary.exit_code == 1


def test_the_markdown_matches_the_golden_file_and_reruns_are_identical(plans, tmp_path, capsys):
    base, new = write(tmp_path, "dev", plans["dev"]), write(tmp_path, "green", plans["green"])
    code, first = diff(capsys, base, new, "--format", "markdown")
    _, second = diff(capsys, base, new, "--format", "markdown")
    assert code == 1 and first == second
    golden = HERE / "green.md"
    assert first == golden.read_text(), "regenerate tests/diff/green.md if this change is meant"


def test_json_is_versioned_and_byte_identical(plans, tmp_path, capsys):
    base, new = write(tmp_path, "dev", plans["dev"]), write(tmp_path, "live", plans["live"])
    code, first = diff(capsys, base, new, "--format", "json")
    _, second = diff(capsys, base, new, "--format", "json")
    assert code == 1 and first == second
    doc = json.loads(first)
    assert doc["schemaVersion"] == 1 and doc["source"] == "plans" and doc["exitCode"] == 1
    assert set(doc) == {
        "schemaVersion",
        "source",
        "exitCode",
        "counts",
        "danger",
        "images",
        "releases",
        "traffic",
        "changes",
    }
    assert doc["counts"] == {"create": 1, "update": 1, "replace": 0, "delete": 1, "same": 90}


def test_a_pulumi_preview_digest_gives_the_same_kind_of_summary(capsys):
    code, out = diff(capsys, "--preview", str(HERE / "preview.json"))
    assert code == 3
    assert out == (HERE / "preview.txt").read_text()


def test_unreadable_inputs_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    assert main(["diff", str(bad), str(bad)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"immutable diff: error: {bad} is not a plan document (`immutable plan --json`): "
        "no `resources` list\n"
    )
    assert main(["diff", "--preview", str(bad)]) == 2
    assert "is not a `pulumi preview --json` digest: no `steps` list" in capsys.readouterr().err
    assert main(["diff", str(bad)]) == 2
    assert "give two plan documents BASE NEW" in capsys.readouterr().err


def test_two_deployments_of_sequence_testing_summarize_with_the_same_table():
    import pulumi_aws as aws

    from immutable_components.review import changes_from_deployments
    from immutable_components.testing import FakeCloud

    def program(internal: bool):
        def run() -> None:
            aws.lb.LoadBalancer("web", internal=internal, subnets=["subnet-1"])

        return run

    cloud = FakeCloud()
    first = cloud.up(program(False))
    second = cloud.up(program(True))
    assert second.ops() == {"replace": ["web"]}
    summary = summarize(changes_from_deployments(first, second), source="plans")
    assert [(d.kind, d.what, d.name) for d in summary.danger] == [
        ("replace", "load balancer", "web")
    ]
    assert summary.exit_code == 3


def test_a_protected_resource_touched_is_danger(plans):
    new = copy.deepcopy(plans["dev"])
    (topic,) = [r for r in new["resources"] if r["type"] == "aws:sns/topic:Topic"]
    topic["options"]["protect"] = True
    topic["inputs"]["displayName"] = "drift alerts"
    summary = summarize(changes_from_plans(plans["dev"], new), source="plans")
    assert [(d.kind, d.name, d.detail) for d in summary.danger] == [
        ("protected", topic["name"], "protected, update")
    ]
    assert summary.exit_code == 3
