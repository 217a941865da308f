"""The dev plan, read for what makes the *next* `up` safe (issue 9's done-when list)."""

from __future__ import annotations

from pathlib import Path

import pytest

from immutable_components.planner import run_plan

REPO = Path(__file__).resolve().parents[1]


def plan(*overrides: str) -> dict[str, dict]:
    return {r["urn"]: r for r in run_plan(REPO, "dev", list(overrides)).document()["resources"]}


@pytest.fixture(scope="module")
def dev() -> dict[str, dict]:
    return plan("blueVersion=1.0.0", "greenVersion=1.1.0")


def by_name(resources: dict[str, dict]) -> dict[str, dict]:
    return {r["name"]: r for r in resources.values() if r["custom"]}


def upstream(resources: dict[str, dict], urn: str) -> set[str]:
    """Every URN ``urn`` waits on, transitively (dependencies of resources and of parents'
    children are the engine's order)."""
    seen: set[str] = set()
    todo = [urn]
    while todo:
        for dep in resources[todo.pop()]["dependencies"]:
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def test_every_launch_template_waits_for_its_images_test(dev):
    names = by_name(dev)
    for color in ("blue", "green"):
        lt = names[f"web-{color}-lt"]
        assert names[f"app-{color}-test-run"]["urn"] in upstream(dev, lt["urn"]), color


def test_every_step_is_tied_to_its_builders_replacement(dev):
    names = by_name(dev)
    for image in ("base", "app-blue", "app-green"):
        builder = names[f"{image}-builder"]
        steps = [
            r
            for n, r in names.items()
            if n.startswith(f"{image}-")
            and r["type"].startswith("command:")
            and not n.startswith(f"{image}-test")
        ]
        assert len(steps) >= 3, image
        for step in steps:
            # the builder's id is in the triggers: a replaced builder replaces the step
            assert builder["urn"] in step["dependencies"] or step["name"].endswith("-stopped")
            assert step["options"]["deletedWith"] == builder["urn"], step["name"]
            assert len(step["inputs"]["triggers"]) == 2, step["name"]
            assert step["inputs"]["triggers"][1].startswith("i-"), step["name"]


def test_a_key_clearing_step_runs_before_each_snapshot(dev):
    names = by_name(dev)
    for image in ("base", "app-blue", "app-green"):
        clear = names[f"{image}-clear-login"]
        assert clear["urn"] in names[f"{image}-image"]["dependencies"]
        assert clear["urn"] in names[f"{image}-builder-stopped"]["dependencies"]
        assert "authorized_keys" in clear["inputs"]["create"]


def test_builder_security_groups_allow_no_open_egress(dev):
    groups = [r for n, r in by_name(dev).items() if n.endswith("-builder-sg")]
    assert len(groups) == 3
    for group in groups:
        for rule in group["inputs"]["egress"]:
            assert rule["protocol"] in ("tcp", "udp")
            assert rule["fromPort"] == rule["toPort"] and rule["fromPort"] in (53, 80, 443)


def test_a_gate_sits_between_each_serving_colour_and_the_listener(dev):
    names = by_name(dev)
    listener = names["web-http"]
    gate = names["web-blue-gate"]
    assert gate["urn"] in listener["dependencies"]
    # after the colour's rollout (depending on the release reaches its children)
    assert names["web-blue-rollout"]["urn"] in gate["dependencies"]
    assert "web-green-gate" not in names  # weight 0: no traffic to gate
    canary = by_name(plan("blueVersion=1.0.0", "greenVersion=1.1.0", "canaryWeight=10"))
    assert canary["web-green-gate"]["urn"] in canary["web-http"]["dependencies"]


def test_equal_versions_bake_one_app_image_different_versions_two(dev):
    def images(resources):
        return sorted(
            r["name"]
            for r in resources.values()
            if r["type"] == "aws:ec2/amiFromInstance:AmiFromInstance"
        )

    assert images(plan("blueVersion=1.0.0", "greenVersion=1.0.0")) == [
        "app-blue-image",
        "base-image",
    ]
    assert images(dev) == ["app-blue-image", "app-green-image", "base-image"]
