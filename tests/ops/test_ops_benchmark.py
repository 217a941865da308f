"""The drift benchmark's counting logic on a small fleet (calls per operation, not time)."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "drift_scan.py"


def load():
    spec = importlib.util.spec_from_file_location("drift_scan", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["drift_scan"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_scan_of_250_instances_takes_one_call_per_list():
    bench = load()
    result = bench.measure(250, groups=5)
    assert result.instances == 250
    assert result.findings == bench.PETS  # the pets, and nothing else
    assert result.calls == Counter(
        {
            "ec2.DescribeInstances": 1,
            "auto-scaling.DescribeAutoScalingGroups": 1,
            "ec2.DescribeLaunchTemplates": 1,
        }
    )
    assert bench.missed(result, groups=5) == []


def test_a_call_per_instance_misses_the_target():
    bench = load()
    result = bench.Result(
        2500, 0.0, 0.0, Counter({"ec2.DescribeInstances": 4, "ec2.DescribeImages": 2500}), 0
    )
    assert bench.missed(result, groups=5) == [
        "ec2.DescribeInstances: 4 calls > 3",
        "unexpected operations: ec2.DescribeImages",
    ]
