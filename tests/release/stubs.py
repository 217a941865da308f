"""Shared test data for the rollout tests: names, a fake clock, stubbed responses."""

from __future__ import annotations

GROUP = "web-blue"
TEMPLATE = "lt-0123456789abcdef0"
REFRESH = "08b91cf7-8fa6-48af-b6a6-d227f40f1b9b"


class FakeClock:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def refresh(status, *, refresh_id=REFRESH, version="2", percent=0, reason=None, **extra):
    """One InstanceRefresh as DescribeInstanceRefreshes returns it."""
    item = {
        "InstanceRefreshId": refresh_id,
        "AutoScalingGroupName": GROUP,
        "Status": status,
        "PercentageComplete": percent,
        "DesiredConfiguration": {
            "LaunchTemplate": {"LaunchTemplateId": TEMPLATE, "Version": version}
        },
    }
    if reason is not None:
        item["StatusReason"] = reason
    item.update(extra)
    return item


def describe_by_id(stub, *items, refresh_id=REFRESH):
    stub.add_response(
        "describe_instance_refreshes",
        {"InstanceRefreshes": list(items)},
        {"AutoScalingGroupName": GROUP, "InstanceRefreshIds": [refresh_id]},
    )
