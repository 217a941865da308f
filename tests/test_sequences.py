"""The example stack (`dev`) through the release lifecycle, one `pulumi up` after another,
against one fake cloud: the exact steps of every deployment (see docs/lifecycle.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from immutable_components.testing import Deployment, FakeCloud

REPO = Path(__file__).resolve().parents[1]
V1 = ["blueVersion=1.0.0", "greenVersion=1.0.0"]
V2 = ["blueVersion=1.0.0", "greenVersion=1.1.0"]
SUBNET = "subnet-0fedcba9876543210"


def bakery(name: str, *, provisioners: int, tested: bool, copy: bool) -> list[str]:
    """Everything a bake of GoldenImage ``name`` registers besides what it publishes."""
    steps = [f"{name}-provision-{i}" for i in range(1, provisioners + 1)]
    out = [
        f"{name}-ssh-key",
        f"{name}-key-pair",
        f"{name}-builder-sg",
        f"{name}-builder",
        f"{name}-wait-ready",
        *steps,
        f"{name}-clear-login",
        f"{name}-builder-stopped",
        f"{name}-image",
    ]
    tags = ["buildhash", "managedby", "name", "sourceimage", "version"]
    if name != "base":
        tags += ["ancestry", "parentbuildhash", "parentimage"]
    out += [f"{name}-snapshot-tag-{t}" for t in tags]
    if tested:
        out += [f"{name}-test", f"{name}-test-ready", f"{name}-test-run"]
        out += [f"{name}-test-stopped", f"{name}-tested"]
    if copy:
        out.append(f"{name}-copy-us-west-2")
    return sorted(out)


BASE = bakery("base", provisioners=1, tested=False, copy=False)


def app(color: str) -> list[str]:
    return bakery(f"app-{color}", provisioners=3, tested=True, copy=True)


def approved(deployment: Deployment) -> set[str]:
    rule = deployment.resource("drift-approved-amis")
    return set(json.loads(rule["inputs"]["inputParameters"])["amiIds"].split(","))


def running(cloud: FakeCloud) -> dict[str, str]:
    """What every instance the stack runs boots: builders and test instances, and each
    fleet (the image of its launch template's current version)."""
    out = {}
    for entry in cloud.state.values():
        if entry.type == "aws:ec2/instance:Instance":
            out[entry.name] = entry.inputs["ami"]
        if entry.type == "aws:ec2/launchTemplate:LaunchTemplate":
            out[entry.name] = entry.inputs["imageId"]
    return out


def findings(cloud: FakeCloud, deployment: Deployment) -> dict[str, str]:
    """Instances the drift rule would report after the deployment."""
    ok = approved(deployment)
    return {name: image for name, image in running(cloud).items() if image not in ok}


@pytest.fixture(scope="module")
def lifecycle() -> list[tuple[str, FakeCloud, Deployment]]:
    """The whole sequence, once; each test reads the deployment it is about."""
    cloud = FakeCloud()
    runs: list[tuple[str, FakeCloud, Deployment]] = []

    def up(label: str, overrides: list[str], **kw) -> None:
        runs.append((label, cloud, cloud.up_project(REPO, "dev", overrides, **kw)))

    up("first", V1)
    up("clean-up", V1)
    up("no-op", V1)
    up("release green", V2)
    up("clean-up after release", V2)
    up("cut over", [*V2, "liveColor=green"])
    up("roll back", [*V2, "liveColor=blue"])
    up("revert green", V1)
    up("change builder subnet", [*V1, f"builderSubnetId={SUBNET}"])
    cloud.vendor_publishes()
    up("vendor base published", [*V1, f"builderSubnetId={SUBNET}"])
    up("clean-up after rebake", [*V1, f"builderSubnetId={SUBNET}"])
    up("retire idle", [*V1, f"builderSubnetId={SUBNET}", "retireIdle=true"])
    up("bring it back", [*V1, f"builderSubnetId={SUBNET}"])
    return runs


def run(lifecycle, label: str) -> Deployment:
    return next(d for name, _, d in lifecycle if name == label)


def test_every_deployment_succeeds(lifecycle):
    assert [(label, d.error) for label, _, d in lifecycle] == [
        (label, None) for label, _, _ in lifecycle
    ]


def test_first_up_bakes_base_and_one_app_image_for_both_colours(lifecycle):
    first = run(lifecycle, "first")
    created = first.ops()["create"]
    assert set(BASE + app("blue")) <= set(created)
    # blue and green are on one version: green publishes blue's image, bakes nothing
    assert [n for n in created if n.startswith("app-green-")] == ["app-green-channel"]
    assert set(first.ops()) == {"create"}


def test_the_next_up_cleans_the_bakery_and_keeps_the_images(lifecycle):
    cleanup = run(lifecycle, "clean-up")
    assert cleanup.ops() == {
        "delete": sorted(BASE + app("blue")),
        # the vendor image the base builder booted is no longer approved
        "update": ["drift-approved-amis"],
    }
    retained = sorted(s.name for s in cleanup.steps if s.op == "delete" and s.retained)
    assert retained == sorted(
        ["base-image", "app-blue-image", "app-blue-copy-us-west-2", "app-blue-tested"]
        + [n for n in BASE + app("blue") if "-snapshot-tag-" in n]
    )


def test_an_unchanged_stack_previews_as_no_change(lifecycle):
    assert run(lifecycle, "no-op").ops() == {}


def test_a_release_of_green_touches_only_greens_chain_and_fleet(lifecycle):
    release = run(lifecycle, "release green")
    assert release.ops() == {
        "create": app("green"),
        "update": ["app-green-channel", "drift-approved-amis", "web-green-lt", "web-green-rollout"],
    }
    assert release.resource("app-green-image")["inputs"]["name"].startswith("app-green-")
    lt = release.step("web-green-lt")
    assert lt.diffs and all(not p.startswith("namePrefix") for p in lt.diffs)


def test_a_release_previews_with_the_next_launch_template_version():
    cloud = FakeCloud()
    cloud.up_project(REPO, "dev", V1)
    before = {e.name: e for e in cloud.state.values()}["web-green-lt"].state["latestVersion"]
    cloud.up_project(REPO, "dev", V2)
    after = {e.name: e for e in cloud.state.values()}["web-green-lt"].state["latestVersion"]
    assert (before, after) == (1, 2)


def test_cutover_and_rollback_move_only_the_listener(lifecycle):
    assert run(lifecycle, "clean-up after release").ops() == {"delete": app("green")}
    # The colour receiving traffic is gated on its target group's health first (a new gate
    # is its check); the gate of the colour leaving it goes.
    assert run(lifecycle, "cut over").ops() == {
        "create": ["web-green-gate"],
        "delete": ["web-blue-gate"],
        "update": ["web-http"],
    }
    assert run(lifecycle, "roll back").ops() == {
        "create": ["web-blue-gate"],
        "delete": ["web-green-gate"],
        "update": ["web-http"],
    }
    listener = run(lifecycle, "cut over").resource("web-http")
    gate = run(lifecycle, "cut over").resource("web-green-gate")
    assert gate["urn"] in listener["dependencies"]


def test_reverting_green_reuses_the_image_and_bakes_nothing(lifecycle):
    revert = run(lifecycle, "revert green")
    # The drift rule does not change: 1.0.0's image is blue's, and 1.1.0's stays approved as
    # green's previous build while green rolls back to 1.0.0.
    assert revert.ops() == {"update": ["app-green-channel", "web-green-lt", "web-green-rollout"]}
    blue = revert.resource("web-blue-lt")["inputs"]["imageId"]
    assert revert.resource("web-green-lt")["inputs"]["imageId"] == blue


def test_a_builder_setting_outside_the_build_hash_rebakes_nothing(lifecycle):
    # The images are content-addressed: a new builder subnet makes the same image.
    assert run(lifecycle, "change builder subnet").ops() == {}


def test_a_vendor_release_rebakes_the_whole_chain_and_the_builders_may_boot(lifecycle):
    rebake = run(lifecycle, "vendor base published")
    ops = rebake.ops()
    assert set(ops) == {"create", "update"}
    assert sorted(ops["create"]) == sorted(BASE + app("blue"))
    assert ops["update"] == [
        "app-blue-channel",
        "app-green-channel",
        "drift-approved-amis",
        "web-blue-lt",
        "web-blue-rollout",
        "web-green-lt",
        "web-green-rollout",
    ]
    vendor = rebake.resource("base-builder")["inputs"]["ami"]
    assert vendor in approved(rebake)
    assert rebake.resource("base-builder")["inputs"]["subnetId"] == SUBNET


def test_no_drift_finding_through_the_whole_sequence():
    cloud = FakeCloud()
    for overrides in (V1, V1, V2, V2, [*V2, "liveColor=green"], V1):
        before = running(cloud)
        deployment = cloud.up_project(REPO, "dev", overrides)
        assert findings(cloud, deployment) == {}, overrides
        # during the `up` (a rollout in progress, or rolled back), what ran is approved too
        gone = {n: i for n, i in before.items() if n.startswith("web-")}
        assert set(gone.values()) <= approved(deployment), overrides
    cloud.vendor_publishes()
    for _ in range(2):
        deployment = cloud.up_project(REPO, "dev", V1)
        assert findings(cloud, deployment) == {}


def test_retiring_and_bringing_back_the_idle_colour_changes_its_group_only(lifecycle):
    assert run(lifecycle, "clean-up after rebake").ops()["delete"] == sorted(BASE + app("blue"))
    assert run(lifecycle, "retire idle").ops() == {"update": ["web-green-asg"]}
    assert run(lifecycle, "bring it back").ops() == {"update": ["web-green-asg"]}


def test_an_interrupted_bake_resumes_on_a_new_builder_fully_provisioned():
    cloud = FakeCloud()
    cloud.up_project(REPO, "dev", V1)
    cloud.up_project(REPO, "dev", V1)
    stopped = cloud.up_project(REPO, "dev", V2, fail={"app-green-image": "interrupted"})
    assert stopped.error == "app-green-image: interrupted"
    resumed = cloud.up_project(REPO, "dev", [*V2, f"builderSubnetId={SUBNET}"])
    assert resumed.error is None
    ops = resumed.ops()
    green = "app-green"
    # The new subnet is in another VPC: the builder's security group moves with it.
    assert resumed.step(f"{green}-builder-sg").replaces == ("vpcId",)
    assert ops["replace"] == sorted(
        [f"{green}-builder", f"{green}-builder-sg", f"{green}-wait-ready", f"{green}-clear-login"]
        + [f"{green}-provision-{i}" for i in (1, 2, 3)]
        + [f"{green}-builder-stopped"]
    )
    assert resumed.step(f"{green}-builder").replaces == ("subnetId",)
    assert f"{green}-image" in ops["create"]
    # the snapshot is of the new, provisioned builder
    image = resumed.resource(f"{green}-image")
    clear = resumed.resource(f"{green}-clear-login")
    assert clear["urn"] in image["dependencies"]


def test_a_failed_image_test_stops_the_release():
    cloud = FakeCloud()
    cloud.up_project(REPO, "dev", V1)
    failed = cloud.up_project(REPO, "dev", V2, fail={"app-green-test-run": "exit status 1"})
    assert failed.error == "app-green-test-run: exit status 1"
    touched = {s.name for s in failed.steps if s.op != "same"}
    assert "web-green-lt" not in touched and "app-green-channel" not in touched
    assert "web-green-rollout" not in touched


def test_gcp_rebakes_reverts_and_trusts_the_builders_source_project():
    cloud = FakeCloud()
    first = cloud.up_project(REPO, "gcp-dev", [])
    policy = first.resource("drift-trusted-image-projects")["inputs"]
    allowed = policy["spec"]["rules"][0]["values"]["allowedValues"]
    # the base builder boots ubuntu-os-cloud's image: the policy must let the next rebake
    assert "projects/ubuntu-os-cloud" in allowed
    assert cloud.up_project(REPO, "gcp-dev", []).error is None  # clean-up
    assert cloud.up_project(REPO, "gcp-dev", []).ops() == {}
    release = cloud.up_project(REPO, "gcp-dev", ["appVersion=2.0.0"])
    assert release.error is None
    assert release.ops()["replace"] == ["app-fleet-template"]
    assert cloud.up_project(REPO, "gcp-dev", ["appVersion=2.0.0"]).error is None
    revert = cloud.up_project(REPO, "gcp-dev", [])
    # the first build's tested image is still in the project: reused, no name clash
    assert revert.error is None
    assert revert.ops() == {"replace": ["app-fleet-template"]}


def test_a_failed_release_then_a_revert_reuses_the_kept_image():
    cloud = FakeCloud()
    cloud.up_project(REPO, "dev", V1)
    cloud.up_project(REPO, "dev", V1)
    cloud.up_project(REPO, "dev", V2, fail={"app-green-test-run": "exit status 1"})
    fixed = cloud.up_project(REPO, "dev", V1)  # back to the version that works
    assert fixed.error is None
    # green's failed bakery goes; nothing bakes (1.0.0's image is kept and tested)
    assert "create" not in fixed.ops()
    assert "app-green-image" not in fixed.ops().get("replace", [])


def test_a_changed_test_runs_again_on_the_kept_image():
    cloud = FakeCloud()
    cloud.up_project(REPO, "dev", V1)
    cloud.up_project(REPO, "dev", V1)
    images_before = {i.id for i in cloud.images()}
    # same build, but the app test changes: the stack's test lives in stacks/service/images.py,
    # so emulate a changed test by dropping the image's marks (as a new test would find none)
    for entry in list(cloud.retained):
        if entry.name.endswith("-tested"):
            cloud.retained.remove(entry)
    retest = cloud.up_project(REPO, "dev", V1)
    assert retest.error is None
    created = retest.ops()["create"]
    assert {"app-blue-test", "app-blue-test-run", "app-blue-tested"} <= set(created)
    assert not any(n.endswith(("-builder", "-image")) for n in created)
    assert {i.id for i in cloud.images()} == images_before


def test_an_image_left_pending_by_an_interrupted_up_is_a_clear_error_then_reused():
    cloud = FakeCloud()
    cloud.up_project(REPO, "dev", V1)
    cloud.up_project(REPO, "dev", V1)
    planned = cloud.up_project(REPO, "dev", V2, commit=False).resource("app-green-image")
    stopped = cloud.up_project(REPO, "dev", V2, fail={"app-green-image": "interrupted"})
    assert stopped.error == "app-green-image: interrupted"
    # CreateImage had run: the AMI exists, pending, and the checkpoint never heard of it
    orphan = cloud.add_image(planned["inputs"]["name"], planned["inputs"]["tags"], state="pending")
    again = cloud.up_project(REPO, "dev", V2)
    assert again.error is not None
    assert f"ImageConflict: GoldenImage 'app-green': image {orphan} of build" in again.error
    assert "is not available" in again.error
    # once AWS finishes it, the next `up` tests that image instead of baking a second one
    next(e for e in cloud.retained if e.id == orphan).state["state"] = "available"
    resumed = cloud.up_project(REPO, "dev", V2)
    assert resumed.error is None
    assert resumed.resource("app-green-test")["inputs"]["ami"] == orphan
    assert "app-green-image" not in resumed.ops().get("create", [])
