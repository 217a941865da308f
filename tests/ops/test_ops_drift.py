"""``immutable drift`` against moto in process."""

from __future__ import annotations

import pytest
from conftest import REGION
from fleet import finding, make_group, make_image, members

from immutable_components.cli._common import Progress
from immutable_components.ops import Aws
from immutable_components.ops.drift import REASONS, DriftPolicy, scan


@pytest.mark.parametrize("source", ["ids", "parameter", "tag"])
def test_compliant_fleet_has_no_findings(clients, run, source):
    c = clients
    golden = make_image(c["ec2"], "web-0a1b2c3d", tags={"Approved": "true"})
    make_group(c, "web", golden, "$Latest", size=3)
    make_group(c, "api", golden, "$Default", size=3)
    make_group(c, "batch", golden, "1", size=3)
    c["ssm"].put_parameter(
        Name="/images/web", Value=golden, Type="String", DataType="aws:ec2:image"
    )
    approval = {
        "ids": ["--approved-amis", golden],
        "parameter": ["--approved-parameter", "/images/web"],
        "tag": ["--approved-tag", "Approved=true"],
    }[source]

    code, report, err = run.json("drift", *approval, "--max-age-days", "30")
    assert (code, report, err) == (0, {"findings": [], "scanned": 9}, "")

    code, out, err = run("drift", *approval)
    assert code == 0
    assert out == (
        "No drift: 9 instances scanned (checks: approved image, launch template version, "
        "auto scaling group).\n"
    )


def test_every_kind_of_drift_is_reported(clients, run, launched_days_ago):
    c = clients
    golden = make_image(c["ec2"], "web-0a1b2c3d")
    rogue = make_image(c["ec2"], "hand-made")
    web_lt = make_group(c, "web", golden, "$Latest")
    # A new version after the group launched: its instances now run a stale version.
    c["ec2"].create_launch_template_version(
        LaunchTemplateId=web_lt, LaunchTemplateData={"ImageId": golden}
    )
    make_group(c, "api", rogue, "$Default")
    (pet,) = c["ec2"].run_instances(ImageId=golden, MinCount=1, MaxCount=1)["Instances"]
    with launched_days_ago(40):
        (old,) = c["ec2"].run_instances(ImageId=rogue, MinCount=1, MaxCount=1)["Instances"]
    (stopped,) = c["ec2"].run_instances(ImageId=rogue, MinCount=1, MaxCount=1)["Instances"]
    c["ec2"].stop_instances(InstanceIds=[stopped["InstanceId"]])

    expected = [
        *(finding(c, i, golden, REASONS[1], "web", "1") for i in members(c, "web")),
        *(finding(c, i, rogue, REASONS[0], "api", "1") for i in members(c, "api")),
        finding(c, pet["InstanceId"], golden, "not-in-auto-scaling-group"),
        finding(c, old["InstanceId"], rogue, "unapproved-image"),
        finding(c, old["InstanceId"], rogue, "not-in-auto-scaling-group"),
        finding(c, old["InstanceId"], rogue, "too-old"),
    ]
    expected.sort(key=lambda f: (f["instance_id"], REASONS.index(f["reason"])))

    code, report, err = run.json("drift", "--approved-amis", golden, "--max-age-days", "30")
    assert code == 3
    assert err == ""
    assert report == {"findings": expected, "scanned": 6}

    code, out, _ = run("drift", "--approved-amis", golden, "--max-age-days", "30")
    lines = out.splitlines()
    assert code == 3
    assert lines[0].split() == ["INSTANCE", "IMAGE", "REASON", "GROUP", "LT", "VERSION", "LAUNCHED"]
    assert lines[1 + expected.index(expected[-1])].split()[:4] == [
        expected[-1]["instance_id"],
        expected[-1]["image_id"],
        expected[-1]["reason"],
        expected[-1]["auto_scaling_group"] or "-",
    ]
    assert lines[-1] == (
        f"{len(expected)} findings on 6 of 6 instances scanned (checks: approved image, "
        "launch template version, auto scaling group, age <= 30 days)."
    )


@pytest.mark.parametrize(
    ("version", "stale", "template_calls"),
    [
        ("$Latest", True, 1),
        ("$Default", False, 1),
        (None, False, 1),
        ("1", False, 0),
        ("2", True, 0),
    ],
)
def test_group_version_is_resolved_with_few_calls(clients, version, stale, template_calls):
    c = clients
    golden = make_image(c["ec2"], "web-0a1b2c3d")
    lt = make_group(c, "web", golden, version if version != "2" else "1", size=2)
    c["ec2"].create_launch_template_version(
        LaunchTemplateId=lt, LaunchTemplateData={"ImageId": golden}
    )
    if version == "2":
        c["autoscaling"].update_auto_scaling_group(
            AutoScalingGroupName="web", LaunchTemplate={"LaunchTemplateId": lt, "Version": "2"}
        )

    aws = Aws(region=REGION)
    report = scan(aws, DriftPolicy(approved_amis=frozenset({golden})))

    assert [f.reason for f in report.findings] == ([REASONS[1]] * 2 if stale else [])
    assert aws.calls == {
        "ec2.DescribeInstances": 1,
        "auto-scaling.DescribeAutoScalingGroups": 1,
        **({"ec2.DescribeLaunchTemplates": template_calls} if template_calls else {}),
    }


def test_usage_and_api_errors_exit_2_with_one_line(clients, run):
    golden = make_image(clients["ec2"], "web-0a1b2c3d")
    clients["ssm"].put_parameter(Name="/not-an-image", Value="hello", Type="String")

    code, out, err = run("drift")
    assert (code, out) == (2, "")
    assert err.startswith("immutable drift: error: nothing to check against")
    assert err.count("\n") == 1

    code, out, err = run("drift", "--approved-parameter", "/images/missing")
    assert (code, out, err) == (
        2,
        "",
        "immutable drift: error: SSM parameter(s) not found in this region: /images/missing\n",
    )
    code, _, err = run("drift", "--approved-parameter", "/not-an-image")
    assert code == 2
    assert "holds 'hello', not an AMI id" in err

    for bad in (
        ["--approved-amis", f"{golden},ami-XYZ"],
        ["--approved-tag", "=x"],
        ["--max-age-days", "0"],
        ["--endpoint-url", "localhost:5000"],
    ):
        with pytest.raises(SystemExit) as exited:
            run("drift", *bad)
        assert exited.value.code == 2


def test_throttling_is_retried(clients, run, faults):
    golden = make_image(clients["ec2"], "web-0a1b2c3d")
    make_group(clients, "web", golden, "$Latest")
    faults.throttle("ec2", "DescribeInstances", "RequestLimitExceeded")
    faults.throttle("auto-scaling", "DescribeAutoScalingGroups")

    code, report, err = run.json("drift", "--approved-amis", golden)

    assert (code, report, err) == (0, {"findings": [], "scanned": 2}, "")
    assert faults.seen == {
        "before-send.ec2.DescribeInstances": 2,
        "before-send.auto-scaling.DescribeAutoScalingGroups": 2,
    }


class _Terminal:
    def __init__(self, tty: bool) -> None:
        self.tty = tty
        self.text = ""

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


def test_progress_line_only_on_a_terminal_for_large_fleets():
    terminal = _Terminal(tty=True)
    progress = Progress(terminal, enabled=True, threshold=1000)
    progress("instances", 999)
    assert terminal.text == ""
    progress("instances", 1000)
    assert terminal.text == "\rscanning: 1,000 instances (0s)\x1b[K"
    progress.close()
    assert terminal.text.endswith("\r\x1b[K")

    for stream, enabled in ((_Terminal(tty=False), True), (_Terminal(tty=True), False)):
        quiet = Progress(stream, enabled=enabled, threshold=1)
        quiet("instances", 5000)
        quiet.close()
        assert stream.text == ""
