"""Benchmark: ``immutable drift`` over a moto fleet of thousands of instances.

    PYTHONPATH=. python benchmarks/drift_scan.py [--instances 5000] [--groups 10]

Builds the fleet in process (moto): one golden image, one launch template and one auto
scaling group per ``--groups``, each created with its desired capacity (one RunInstances
per group inside moto, the fastest way moto offers), plus a handful of pets. Then scans
it and prints the API calls by operation and the seconds taken. Exits 1 when the target
is missed: at most one DescribeInstances call per 1,000 instances, and no call per
instance (the total must not grow with the fleet beyond that).

Note: moto pages DescribeInstances by reservation, not by instance, so against moto the
DescribeInstances count stays at 1; the per-1,000 bound is what AWS will give.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass

REGION = "us-east-1"
PETS = 3


@dataclass
class Result:
    instances: int
    setup_seconds: float
    scan_seconds: float
    calls: Counter[str]
    findings: int


def call_budget(instances: int, groups: int) -> dict[str, int]:
    """The most calls each operation may take for a fleet of this size."""
    return {
        "ec2.DescribeInstances": max(1, math.ceil(instances / 1000)),
        "auto-scaling.DescribeAutoScalingGroups": max(1, math.ceil(groups / 100)),
        "ec2.DescribeLaunchTemplates": max(1, math.ceil(groups / 200)),
    }


def measure(instances: int, groups: int) -> Result:
    """Build the fleet in a fresh moto and scan it. Needs fake credentials in the env."""
    import boto3
    from moto import mock_aws

    from immutable_components.ops import Aws
    from immutable_components.ops.drift import DriftPolicy, scan

    os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    with mock_aws():
        started = time.perf_counter()
        ec2 = boto3.client("ec2", region_name=REGION)
        asg = boto3.client("autoscaling", region_name=REGION)
        golden = ec2.register_image(Name="golden-0a1b2c3d", RootDeviceName="/dev/sda1")["ImageId"]
        in_groups = instances - PETS
        for g in range(groups):
            size = in_groups // groups + (1 if g < in_groups % groups else 0)
            template = ec2.create_launch_template(
                LaunchTemplateName=f"svc-{g}",
                LaunchTemplateData={"ImageId": golden, "InstanceType": "t3.micro"},
            )["LaunchTemplate"]["LaunchTemplateId"]
            asg.create_auto_scaling_group(
                AutoScalingGroupName=f"svc-{g}",
                LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
                MinSize=size,
                MaxSize=size,
                DesiredCapacity=size,
                AvailabilityZones=[f"{REGION}a", f"{REGION}b"],
            )
        ec2.run_instances(ImageId=golden, MinCount=PETS, MaxCount=PETS)
        setup = time.perf_counter() - started

        aws = Aws(region=REGION)
        started = time.perf_counter()
        report = scan(aws, DriftPolicy(approved_amis=frozenset({golden}), max_age_days=30))
        elapsed = time.perf_counter() - started
    if report.scanned != instances:
        raise RuntimeError(f"scanned {report.scanned} instances, built {instances}")
    return Result(instances, setup, elapsed, aws.calls, len(report.findings))


def missed(result: Result, groups: int) -> list[str]:
    budget = call_budget(result.instances, groups)
    problems = [
        f"{op}: {result.calls.get(op, 0)} calls > {limit}"
        for op, limit in budget.items()
        if result.calls.get(op, 0) > limit
    ]
    extra = set(result.calls) - set(budget)
    if extra:
        problems.append("unexpected operations: " + ", ".join(sorted(extra)))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=5000, help="fleet size (default 5000)")
    parser.add_argument("--groups", type=int, default=10, help="auto scaling groups (default 10)")
    args = parser.parse_args(argv)
    if args.instances <= PETS or args.groups < 1:
        parser.error(f"--instances must be > {PETS} and --groups >= 1")
    for key, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing")):
        os.environ[key] = value  # moto only: nothing may reach AWS

    result = measure(args.instances, args.groups)
    print(
        f"setup: {result.instances} instances in {args.groups} groups + {PETS} pets, "
        f"{result.setup_seconds:.1f}s"
    )
    print(f"scan: {result.scan_seconds:.2f}s, {result.findings} findings")
    print("calls:")
    for op, count in sorted(result.calls.items()):
        print(f"  {op:45} {count}")
    problems = missed(result, args.groups)
    for problem in problems:
        print(f"TARGET MISSED: {problem}", file=sys.stderr)
    print("target met" if not problems else "target missed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
