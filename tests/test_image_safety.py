"""What keeps a real deployment safe across rebakes, on every cloud's example stack:

* images outlive the resource that made them (a rebake must not deregister the image the
  fleet, a rollback or another account still uses: `immutable prune` removes old ones);
* a bake or test step runs once: nothing but a new build hash (or image) re-runs it, so a
  stopped builder is never dialled again (a lost public IP, a rotated secret, a refresh).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from immutable_components.planner import run_plan

REPO = Path(__file__).resolve().parents[1]
IMAGE_TYPES = {
    "aws:ec2/amiFromInstance:AmiFromInstance",
    "aws:ec2/amiCopy:AmiCopy",
    "aws:ec2/amiLaunchPermission:AmiLaunchPermission",
    "gcp:compute/image:Image",
    "azure-native:compute:Image",
    "azure-native:compute:GalleryImageVersion",  # a scale set may still use the old one
}


@pytest.fixture(scope="module", params=["dev", "gcp-dev", "azure-dev"])
def plan(request) -> list[dict]:
    return run_plan(REPO, request.param).document()["resources"]


def test_images_are_retained_when_replaced_or_destroyed(plan):
    images = [r for r in plan if r["type"] in IMAGE_TYPES]
    assert images
    for res in images:
        assert res["options"]["retainOnDelete"] is True, res["name"]


def test_steps_run_once_per_build(plan):
    steps = [r for r in plan if r["type"].startswith("command:remote:")]
    assert steps
    for res in steps:
        ignored = res["options"]["ignoreChanges"]
        if res["type"] == "command:remote:CopyToRemote":
            assert ignored == ["connection", "source", "remotePath"], res["name"]
        else:
            assert ignored == ["connection", "create"], res["name"]
    for res in (r for r in plan if r["type"] == "command:local:Command"):
        assert res["options"]["ignoreChanges"] == ["create"], res["name"]
        assert res["inputs"]["triggers"], res["name"]
        assert res["inputs"]["triggers"], res["name"]
        assert res["options"]["deletedWith"], res["name"]
