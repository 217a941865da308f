"""What a reviewer sees in `pulumi preview` of the example stack: plan comparisons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from immutable_components.planner import run_plan

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def baseline() -> dict[str, dict]:
    return by_urn([])


# Blue on another version than green, so each colour bakes its own image (equal versions
# bake once: see tests/test_sequences.py).
BASE = ["blueVersion=0.9.0"]


def by_urn(overrides: list[str]) -> dict[str, dict]:
    plan = run_plan(REPO, "dev", [*BASE, *overrides])
    return {r["urn"]: r for r in plan.document()["resources"]}


def changed(before: dict[str, dict], after: dict[str, dict], keys=("inputs", "options")):
    """Names of resources whose inputs or options differ (as `pulumi preview` shows them)."""
    assert before.keys() == after.keys()
    return sorted(
        urn.rsplit("::", 1)[1]
        for urn in before
        if any(
            json.dumps(before[urn][k], sort_keys=True) != json.dumps(after[urn][k], sort_keys=True)
            for k in keys
        )
    )


def steps(before: dict[str, dict], after: dict[str, dict]) -> dict[str, list[str]]:
    """What `pulumi preview` would list between two plans: created, deleted, changed names."""
    name = lambda urn: urn.rsplit("::", 1)[1]  # noqa: E731
    common = {urn: before[urn] for urn in before.keys() & after.keys()}
    return {
        "create": sorted(name(urn) for urn in after.keys() - before.keys()),
        "delete": sorted(name(urn) for urn in before.keys() - after.keys()),
        "update": changed(common, {urn: after[urn] for urn in common}),
    }


def named(resources: dict[str, dict], name: str) -> dict:
    (found,) = [r for r in resources.values() if r["name"] == name]
    return found


def names(resources: dict[str, dict], type_prefix: str) -> set[str]:
    return {r["name"] for r in resources.values() if r["type"].startswith(type_prefix)}


def test_the_stack_declares_the_whole_service(baseline):
    kinds = {r["type"] for r in baseline.values()}
    assert {
        "aws:ec2/vpc:Vpc",
        "aws:ec2/internetGateway:InternetGateway",
        "aws:ec2/route:Route",
        "immutable:index:GoldenImage",
        "immutable:index:BlueGreenService",
        "immutable:index:LaunchTemplateRelease",
    } <= kinds
    assert names(baseline, "aws:ec2/subnet:Subnet") == {
        "immutable-public-0",
        "immutable-public-1",
        "immutable-private-0",
        "immutable-private-1",
    }
    zones = {
        r["inputs"]["availabilityZone"]
        for r in baseline.values()
        if r["name"].startswith("immutable-p") and r["type"] == "aws:ec2/subnet:Subnet"
    }
    assert zones == {"us-east-1a", "us-east-1b"}
    assert names(baseline, "immutable:index:GoldenImage") == {"base", "app-blue", "app-green"}


def test_a_new_green_version_changes_only_greens_image_chain_and_fleet(baseline):
    after = by_urn(["greenVersion=2.0.0"])
    diff = changed(baseline, after)
    assert diff, "a new version must rebake green's image"
    # the drift rule approves the new image as it is released; nothing else changes
    assert all(
        name.startswith(("app-green", "web-green-")) or name == "drift-approved-amis"
        for name in diff
    ), diff
    assert "app-green-image" in diff and "web-green-lt" in diff
    # Byte-identical: load balancer, listeners, target groups, security groups, blue.
    for urn, res in baseline.items():
        if res["name"].startswith(("web-alb", "web-http", "web-lb", "web-fleet", "web-blue")) or (
            res["name"].endswith("-tg")
        ):
            assert json.dumps(res, sort_keys=True) == json.dumps(after[urn], sort_keys=True)


def test_the_live_colours_gate_sits_between_its_fleet_and_the_listener(baseline):
    gate = named(baseline, "web-blue-gate")
    assert gate["type"] == "pulumi-python:dynamic/immutable:HealthGate"
    assert {named(baseline, n)["urn"] for n in ("web-blue-asg", "web-blue-rollout")} <= set(
        gate["dependencies"]
    )
    assert gate["urn"] in named(baseline, "web-http")["dependencies"]
    assert (gate["inputs"]["weight"], gate["inputs"]["weights"]) == (
        100,
        {"blue": 100, "green": 0},
    )
    # Green takes no traffic: no gate, and its fleet waits for the listener instead.
    assert [r for r in baseline.values() if r["name"] == "web-green-gate"] == []
    assert named(baseline, "web-http")["urn"] in named(baseline, "web-green")["dependencies"]


def test_the_same_settings_again_change_nothing(baseline):
    assert steps(baseline, by_urn([])) == {"create": [], "delete": [], "update": []}


def test_moving_live_moves_the_gate_and_the_listener(baseline):
    after = by_urn(["liveColor=green"])
    # Green's new gate is a create, which checks green's health before the listener moves.
    assert steps(baseline, after) == {
        "create": ["web-green-gate"],
        "delete": ["web-blue-gate"],
        "update": ["web-http"],
    }
    weights = [
        tg["weight"]
        for tg in named(after, "web-http")["inputs"]["defaultActions"][0]["forward"]["targetGroups"]
    ]
    assert weights == [0, 100]
    # Rolling back is the same change the other way: blue is checked again.
    assert steps(after, baseline) == {
        "create": ["web-blue-gate"],
        "delete": ["web-green-gate"],
        "update": ["web-http"],
    }


def test_moving_live_with_retirement_also_swaps_the_capacities():
    before = by_urn(["retireIdle=true"])
    after = by_urn(["retireIdle=true", "liveColor=green"])
    assert steps(before, after) == {
        "create": ["web-green-gate"],
        "delete": ["web-blue-gate"],
        "update": ["web-blue-asg", "web-green-asg", "web-http"],
    }
    green = named(after, "web-green-asg")["inputs"]
    blue = named(after, "web-blue-asg")["inputs"]
    assert (green["minSize"], green["maxSize"], blue["minSize"], blue["maxSize"]) == (2, 2, 0, 0)
    # The colour coming back is scaled up, then gated, then given the traffic.
    gate = named(after, "web-green-gate")
    assert named(after, "web-green-asg")["urn"] in gate["dependencies"]
    assert gate["urn"] in named(after, "web-http")["dependencies"]


def test_a_canary_gates_the_idle_colour_and_rechecks_the_live_one(baseline):
    canary = by_urn(["canaryWeight=10"])
    assert steps(baseline, canary) == {
        "create": ["web-green-gate"],
        "delete": [],
        "update": ["web-blue-gate", "web-http"],
    }
    assert named(canary, "web-green-gate")["inputs"]["weights"] == {"blue": 90, "green": 10}
    # A wider canary re-checks both colours.
    assert steps(canary, by_urn(["canaryWeight=20"])) == {
        "create": [],
        "delete": [],
        "update": ["web-blue-gate", "web-green-gate", "web-http"],
    }
