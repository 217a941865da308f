"""Both commands once against a real moto_server on 127.0.0.1, through --endpoint-url."""

from __future__ import annotations

import time

import pytest
from fleet import make_group, make_image, members

pytestmark = pytest.mark.moto_server


def test_drift_through_endpoint_url(server, run):
    golden = make_image(server["ec2"], "web-0a1b2c3d")
    make_group(server, "web", golden, "$Latest")
    (pet,) = server["ec2"].run_instances(ImageId=golden, MinCount=1, MaxCount=1)["Instances"]

    code, report, err = run.json(
        "drift", "--endpoint-url", server["url"], "--approved-amis", golden
    )

    assert (code, err) == (3, "")
    assert report["scanned"] == 3
    assert [(f["instance_id"], f["reason"]) for f in report["findings"]] == [
        (pet["InstanceId"], "not-in-auto-scaling-group")
    ]
    assert len(members(server, "web")) == 2


def test_prune_through_endpoint_url(server, run):
    ec2 = server["ec2"]
    images = []
    for n in range(3):  # moto stamps images to the second: space them out
        if n:
            time.sleep(1.05)
        images.append(make_image(ec2, f"web-{n:08x}"))
    (old_snapshot,) = [
        m["Ebs"]["SnapshotId"]
        for m in ec2.describe_images(ImageIds=[images[0]])["Images"][0]["BlockDeviceMappings"]
    ]

    code, report, err = run.json(
        "prune",
        "--endpoint-url",
        server["url"],
        "--name-prefix",
        "web-",
        "--keep",
        "2",
        "--apply",
    )

    assert (code, err) == (0, "")
    assert report == {
        "deleted_images": [images[0]],
        "deleted_snapshots": [old_snapshot],
        "in_use": [],
        "kept": sorted(images[1:]),
    }
    remaining = ec2.describe_images(
        Owners=["self"], Filters=[{"Name": "name", "Values": ["web-*"]}]
    )
    assert sorted(i["ImageId"] for i in remaining["Images"]) == sorted(images[1:])
