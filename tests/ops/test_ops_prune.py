"""``immutable prune`` against moto in process (and the SSM DataType filter via Stubber)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from conftest import REGION
from fleet import make_image

from immutable_components.ops import Aws
from immutable_components.ops.prune import _image_parameters, lineage_of

pytestmark = pytest.mark.usefixtures("image_clock")


def snapshots_of(ec2: Any, image_id: str) -> list[str]:
    (image,) = ec2.describe_images(ImageIds=[image_id])["Images"]
    return [m["Ebs"]["SnapshotId"] for m in image["BlockDeviceMappings"] if "Ebs" in m]


def existing_images(ec2: Any) -> set[str]:
    return {i["ImageId"] for i in ec2.describe_images(Owners=["self"])["Images"]}


def existing_snapshots(ec2: Any) -> set[str]:
    return {s["SnapshotId"] for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]}


@pytest.fixture
def lineage(clients) -> dict[str, Any]:
    """Eight images of lineage ``web`` (oldest first); the five oldest but one are in use,
    each in a different way; an image of another lineage is outside the selection."""
    c = clients
    ec2, asg = c["ec2"], c["autoscaling"]
    w = [make_image(ec2, f"web-{n:08x}") for n in range(8)]
    other = make_image(ec2, "api-0000000f")
    snaps = {image_id: snapshots_of(ec2, image_id) for image_id in w}

    # w0: an old version of a launch template whose default and latest are newer.
    old_lt = ec2.create_launch_template(
        LaunchTemplateName="web-lt", LaunchTemplateData={"ImageId": w[0]}
    )["LaunchTemplate"]["LaunchTemplateId"]
    ec2.create_launch_template_version(
        LaunchTemplateId=old_lt, LaunchTemplateData={"ImageId": w[7]}
    )
    ec2.modify_launch_template(LaunchTemplateId=old_lt, DefaultVersion="2")
    # w1: an auto scaling group through its launch configuration.
    asg.create_launch_configuration(
        LaunchConfigurationName="legacy-lc", ImageId=w[1], InstanceType="t3.micro"
    )
    asg.create_auto_scaling_group(
        AutoScalingGroupName="legacy",
        LaunchConfigurationName="legacy-lc",
        MinSize=0,
        MaxSize=0,
        DesiredCapacity=0,
        AvailabilityZones=[f"{REGION}a"],
    )
    # w2: a stopped instance.
    (instance,) = ec2.run_instances(ImageId=w[2], MinCount=1, MaxCount=1)["Instances"]
    ec2.stop_instances(InstanceIds=[instance["InstanceId"]])
    # w3: a publish channel.
    c["ssm"].put_parameter(Name="/images/web", Value=w[3], Type="String", DataType="aws:ec2:image")
    # w4: an auto scaling group through a launch template's $Default version.
    api_lt = ec2.create_launch_template(
        LaunchTemplateName="api-lt", LaunchTemplateData={"ImageId": w[4]}
    )["LaunchTemplate"]["LaunchTemplateId"]
    asg.create_auto_scaling_group(
        AutoScalingGroupName="api",
        LaunchTemplate={"LaunchTemplateId": api_lt},
        MinSize=0,
        MaxSize=0,
        DesiredCapacity=0,
        AvailabilityZones=[f"{REGION}a"],
    )
    # w5: unused, beyond the newest two: the one to prune.
    return {
        "w": w,
        "other": other,
        "snaps": snaps,
        "in_use": [
            {"image_id": w[0], "used_by": [f"launch-template:{old_lt}:1"]},
            {"image_id": w[1], "used_by": ["auto-scaling-group:legacy"]},
            {"image_id": w[2], "used_by": [f"instance:{instance['InstanceId']}"]},
            {"image_id": w[3], "used_by": ["ssm-parameter:/images/web"]},
            {
                "image_id": w[4],
                "used_by": ["auto-scaling-group:api", f"launch-template:{api_lt}:1"],
            },
        ],
    }


def test_dry_run_reports_and_changes_nothing(clients, run, lineage, faults):
    ec2 = clients["ec2"]
    w = lineage["w"]
    images_before, snapshots_before = existing_images(ec2), existing_snapshots(ec2)
    faults.throttle("ec2", "DescribeImages", "RequestLimitExceeded")

    code, report, err = run.json("prune", "--name-prefix", "web-", "--keep", "2")

    assert (code, err) == (0, "")
    assert report == {
        "deleted_images": [w[5]],
        "deleted_snapshots": lineage["snaps"][w[5]],
        "dry_run": True,
        "in_use": sorted(lineage["in_use"], key=lambda u: u["image_id"]),
        "kept": sorted(w[6:]),
    }
    assert faults.seen == {"before-send.ec2.DescribeImages": 2}  # throttled, then retried
    assert existing_images(ec2) == images_before
    assert existing_snapshots(ec2) == snapshots_before

    code, out, _ = run("prune", "--name-prefix", "web-", "--keep", "2")
    assert code == 0
    assert f"{w[5]}  web      would delete" in out
    assert out.splitlines()[-1] == (
        "7 images kept (5 in use), would delete 1 images and 1 snapshots "
        "(dry run: pass --apply to delete)."
    )


def test_apply_deletes_unused_images_and_their_snapshots(clients, run, lineage):
    ec2 = clients["ec2"]
    w = lineage["w"]
    snapshots_before = existing_snapshots(ec2)

    code, report, err = run.json("prune", "--name-prefix", "web-", "--keep", "2", "--apply")

    assert (code, err) == (0, "")
    assert report == {
        "deleted_images": [w[5]],
        "deleted_snapshots": lineage["snaps"][w[5]],
        "in_use": sorted(lineage["in_use"], key=lambda u: u["image_id"]),
        "kept": sorted(w[6:]),
    }
    assert existing_images(ec2) == {*w[:5], *w[6:], lineage["other"], *_base(ec2)}
    assert existing_snapshots(ec2) == snapshots_before - set(lineage["snaps"][w[5]])

    code, report, _ = run.json("prune", "--name-prefix", "web-", "--keep", "2", "--apply")
    assert (code, report["deleted_images"], report["deleted_snapshots"]) == (0, [], [])


def _base(ec2: Any) -> set[str]:
    found = ec2.describe_images(Owners=["self"], Filters=[{"Name": "name", "Values": ["base"]}])
    return {i["ImageId"] for i in found["Images"]}


def test_half_done_prune_is_reported_and_finished_by_a_rerun(clients, run, faults):
    ec2 = clients["ec2"]
    w = [make_image(ec2, f"web-{n:08x}") for n in range(3)]
    snaps = {i: snapshots_of(ec2, i) for i in w}
    first, second = sorted(w[:2])
    faults.fail("ec2", "DeleteSnapshot", "UnauthorizedOperation")

    code, report, err = run.json("prune", "--name-prefix", "web-", "--keep", "1", "--apply")

    assert code == 2
    assert report == {
        "deleted_images": [first],
        "deleted_snapshots": [],
        "error": "An error occurred (UnauthorizedOperation) when calling the DeleteSnapshot "
        "operation: injected UnauthorizedOperation",
        "in_use": [],
        "kept": [w[2]],
        "not_deleted_images": [second],
        "not_deleted_snapshots": sorted(snaps[first] + snaps[second]),
    }
    assert err.startswith("immutable prune: error: stopped after a failed call")
    assert err.endswith("1 images and 2 snapshots not deleted; run the command again to finish\n")
    assert set(snaps[first]) <= existing_snapshots(ec2)

    code, report, err = run.json("prune", "--name-prefix", "web-", "--keep", "1", "--apply")

    assert (code, err) == (0, "")
    assert report == {
        "deleted_images": [second],
        "deleted_snapshots": sorted(snaps[first] + snaps[second]),  # the orphan found again
        "in_use": [],
        "kept": [w[2]],
    }
    assert existing_images(ec2) & set(w) == {w[2]}
    assert existing_snapshots(ec2) & {*snaps[first], *snaps[second]} == set()


def test_lineages_by_tag_or_name_and_selection_by_tag(clients, run):
    ec2 = clients["ec2"]
    team = {"Team": "core"}
    web = [make_image(ec2, f"web-{n:08x}", tags=team) for n in range(2)]
    canary = [make_image(ec2, f"web-canary-{n:08x}", tags=team) for n in range(2)]
    tagged = [make_image(ec2, f"build-{n}", tags={**team, "Lineage": "db"}) for n in "ab"]
    untagged = make_image(ec2, "web-0000000a")  # not selected: no Team tag

    code, report, _ = run.json("prune", "--tag", "Team=core", "--keep", "1")

    assert code == 0
    assert report["kept"] == sorted([web[1], canary[1], tagged[1]])
    assert report["deleted_images"] == sorted([web[0], canary[0], tagged[0]])
    assert untagged not in report["deleted_images"] + report["kept"]


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ({"ImageId": "ami-1", "Name": "web-3f2a9c1e"}, "web"),
        ({"ImageId": "ami-1", "Name": "web-canary_3f2a9c1e4b5d"}, "web-canary"),
        ({"ImageId": "ami-1", "Name": "web.v2.3f2a9c1"}, "web.v2"),
        ({"ImageId": "ami-1", "Name": "web-3f2a9c"}, "web-3f2a9c"),  # too short for a hash
        ({"ImageId": "ami-1", "Name": "hand-made"}, "hand-made"),
        (
            {
                "ImageId": "ami-1",
                "Name": "web-3f2a9c1e",
                "Tags": [{"Key": "Lineage", "Value": "x"}],
            },
            "x",
        ),
    ],
)
def test_lineage_of(image, expected):
    assert lineage_of(image) == expected


def test_usage_errors_exit_2(clients, run):
    for argv in (
        ["prune", "--name-prefix", "web-", "--keep", "0"],
        ["prune", "--name-prefix", "web-", "--tag", "a=b"],
        ["prune"],
        ["prune", "--tag", "no-equals-sign"],
    ):
        with pytest.raises(SystemExit) as exited:
            run(*argv)
        assert exited.value.code == 2
    assert run("prune", "--name-prefix", " ") == (
        2,
        "",
        "immutable prune: error: --name-prefix is empty: give the start of the image names\n",
    )


def test_channels_are_read_with_the_data_type_filter_in_batches_of_ten():
    """moto rejects the DataType filter; AWS accepts it. Check the request AWS gets."""
    aws = Aws(region=REGION)
    ssm = boto3.client("ssm", region_name=REGION)
    aws._clients["ssm"] = ssm
    names = [f"/images/app-{n:02d}" for n in range(12)]
    with Stubber(ssm) as stub:
        stub.add_response(
            "describe_parameters",
            {"Parameters": [{"Name": n, "DataType": "aws:ec2:image"} for n in names]},
            {
                "ParameterFilters": [{"Key": "DataType", "Values": ["aws:ec2:image"]}],
                "MaxResults": 50,
            },
        )
        for batch in (names[:10], names[10:]):
            stub.add_response(
                "get_parameters",
                {"Parameters": [{"Name": n, "Value": f"ami-{i:08x}"} for i, n in enumerate(batch)]},
                {"Names": batch},
            )
        values = _image_parameters(aws)
        stub.assert_no_pending_responses()
    assert values == {
        **{n: f"ami-{i:08x}" for i, n in enumerate(names[:10])},
        **{n: f"ami-{i:08x}" for i, n in enumerate(names[10:])},
    }


def test_snapshots_of_images_deregistered_by_hand_are_never_orphans(clients, run):
    ec2 = clients["ec2"]
    kept_by_someone = make_image(ec2, "web-0000000a")
    their_snaps = snapshots_of(ec2, kept_by_someone)
    ec2.deregister_image(ImageId=kept_by_someone)  # by hand: the snapshots stay on purpose
    w = [make_image(ec2, f"web-{n:08x}") for n in range(2)]

    code, report, _ = run.json("prune", "--name-prefix", "web-", "--keep", "1", "--apply")

    assert code == 0
    assert report["deleted_images"] == [w[0]]
    assert not set(their_snaps) & set(report["deleted_snapshots"])
    assert report["deleted_snapshots"]  # w[0]'s own snapshots went
    assert set(their_snaps) <= existing_snapshots(ec2)


def test_golden_image_tags_do_not_merge_colours_into_one_lineage(clients, run):
    """A GoldenImage's provenance (Ancestry, ParentBuildHash...) is not a lineage: two
    app colours on the same base stay two lineages, by name."""
    ec2 = clients["ec2"]
    provenance = {"Ancestry": "9d8fa551c0a25e55", "ManagedBy": "immutable-components"}
    blue = [make_image(ec2, f"app-blue-{n:016x}", tags=provenance) for n in range(2)]
    green = [make_image(ec2, f"app-green-{n:016x}", tags=provenance) for n in range(2)]

    code, report, _ = run.json("prune", "--name-prefix", "app-", "--keep", "1")

    assert code == 0
    assert report["kept"] == sorted([blue[1], green[1]])
    assert report["deleted_images"] == sorted([blue[0], green[0]])
