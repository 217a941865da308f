"""examples/ci/github-actions.yml: the workflow users copy has the jobs and steps the
README promises (plans of base and head, one comment edited in place, fork-safe, preview
with credentials, up on main)."""

from __future__ import annotations

from pathlib import Path

import yaml

WORKFLOW = Path(__file__).resolve().parents[1] / "examples" / "ci" / "github-actions.yml"


def load() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text())
    # YAML 1.1 reads the key `on` as true.
    data["on"] = data.pop(True, data.get("on"))
    return data


def runs(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def uses(job: dict) -> list[str]:
    return [step["uses"].split("@")[0] for step in job["steps"] if "uses" in step]


def test_triggers_and_jobs():
    wf = load()
    assert set(wf["on"]) == {"pull_request", "push", "workflow_run"}
    assert wf["on"]["push"]["branches"] == ["main"]
    assert wf["on"]["workflow_run"]["workflows"] == [wf["name"]]
    assert set(wf["jobs"]) == {"plan-diff", "preview-diff", "comment", "up"}


def test_pull_requests_plan_base_and_head_offline_and_diff_them():
    job = load()["jobs"]["plan-diff"]
    assert job["if"] == "github.event_name == 'pull_request'"
    assert job["permissions"] == {"contents": "read"}  # nothing to steal from a fork's run
    checkouts = [s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout")]
    assert [c["with"]["path"] for c in checkouts] == ["head", "base"]
    assert checkouts[1]["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    script = runs(job)
    assert 'immutable plan --cwd "base/$PROJECT_DIR" --stack "$STACK" --json > base.json' in script
    assert 'immutable plan --cwd "head/$PROJECT_DIR" --stack "$STACK" --json > head.json' in script
    assert "immutable diff base.json head.json --format markdown > summary.md" in script
    assert "secrets." not in yaml.safe_dump(job)
    assert "actions/upload-artifact" in uses(job)
    gate = job["steps"][-1]
    assert "steps.diff.outputs.code == '3'" in gate["if"] and "APPROVAL_LABEL" in gate["if"]


def test_with_credentials_a_real_preview_goes_through_immutable_diff():
    job = load()["jobs"]["preview-diff"]
    assert "github.event.pull_request.head.repo.full_name == github.repository" in job["if"]
    script = runs(job)
    assert 'pulumi preview --cwd "$PROJECT_DIR" --stack "$STACK" --json > preview.json' in script
    assert "immutable diff --preview preview.json --format markdown > summary.md" in script


def test_the_comment_is_one_edited_in_place_without_running_pr_code():
    job = load()["jobs"]["comment"]
    assert job["if"].startswith("github.event_name == 'workflow_run'")
    assert job["permissions"] == {"pull-requests": "write", "actions": "read"}
    assert "actions/checkout" not in uses(job)  # never the pull request's code
    script = job["steps"][-1]["with"]["script"]
    assert "<!-- immutable-diff -->" in script
    assert "updateComment" in script and "createComment" in script


def test_main_runs_pulumi_up():
    job = load()["jobs"]["up"]
    assert job["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    (pulumi,) = [s for s in job["steps"] if s.get("uses", "").startswith("pulumi/actions")]
    assert pulumi["with"]["command"] == "up"
