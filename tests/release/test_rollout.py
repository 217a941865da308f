"""start_refresh / wait_for_refresh against a botocore Stubber (no AWS, no real sleeping)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from immutable_components.errors import (
    RolloutConflict,
    RolloutError,
    RolloutFailed,
    RolloutTimeout,
)
from immutable_components.release.preferences import RefreshPreferences
from immutable_components.release.rollout import (
    ACTIVE_STATUSES,
    FAILED_STATUSES,
    SUCCEEDED_STATUSES,
    refresh_request,
    start_refresh,
    wait_for_refresh,
)

from .stubs import GROUP, REFRESH, TEMPLATE, describe_by_id, refresh

EXPECTED_START = {
    "AutoScalingGroupName": GROUP,
    "Strategy": "Rolling",
    "DesiredConfiguration": {"LaunchTemplate": {"LaunchTemplateId": TEMPLATE, "Version": "2"}},
    "Preferences": {
        "MinHealthyPercentage": 90,
        "SkipMatching": True,
        "AutoRollback": True,
        "ScaleInProtectedInstances": "Wait",
        "StandbyInstances": "Wait",
    },
}


def wait(client, clock, *, timeout=3600, poll=10):
    return wait_for_refresh(
        client,
        GROUP,
        REFRESH,
        timeout_seconds=timeout,
        poll_seconds=poll,
        sleep=clock.sleep,
        clock=clock,
    )


def test_statuses_cover_the_model_exactly(client):
    model = client.meta.service_model.shape_for("InstanceRefreshStatus")
    assert set(model.enum) == SUCCEEDED_STATUSES | FAILED_STATUSES | ACTIVE_STATUSES
    assert not SUCCEEDED_STATUSES & FAILED_STATUSES
    assert not (SUCCEEDED_STATUSES | FAILED_STATUSES) & ACTIVE_STATUSES
    # Which end is which, written out (a rolled-back refresh is a failed release).
    assert {"Successful"} == SUCCEEDED_STATUSES
    assert {"Failed", "Cancelled", "RollbackSuccessful", "RollbackFailed"} == FAILED_STATUSES


def test_start_then_poll_until_successful(client, stub, clock):
    stub.add_response("start_instance_refresh", {"InstanceRefreshId": REFRESH}, EXPECTED_START)
    describe_by_id(stub, refresh("Pending"))
    describe_by_id(stub, refresh("InProgress", percent=50))
    describe_by_id(stub, refresh("Successful", percent=100))

    refresh_id = start_refresh(client, GROUP, TEMPLATE, 2, RefreshPreferences())
    final = wait(client, clock)

    assert refresh_id == REFRESH
    assert final["Status"] == "Successful"
    assert final["PercentageComplete"] == 100
    assert clock.sleeps == [10, 15]


def test_start_sends_every_preference_exactly(client, stub):
    preferences = RefreshPreferences(
        min_healthy_percentage=50,
        max_healthy_percentage=150,
        instance_warmup=120,
        checkpoint_percentages=[25, 100],
        checkpoint_delay=600,
        bake_time=300,
        skip_matching=False,
        auto_rollback=False,
        alarm_names=["web-5xx", "web-latency"],
        scale_in_protected_instances="Refresh",
        standby_instances="Terminate",
    )
    expected = dict(EXPECTED_START)
    expected["DesiredConfiguration"] = {
        "LaunchTemplate": {"LaunchTemplateId": TEMPLATE, "Version": "17"}
    }
    expected["Preferences"] = {
        "MinHealthyPercentage": 50,
        "MaxHealthyPercentage": 150,
        "InstanceWarmup": 120,
        "CheckpointPercentages": [25, 100],
        "CheckpointDelay": 600,
        "BakeTime": 300,
        "SkipMatching": False,
        "AutoRollback": False,
        "AlarmSpecification": {"Alarms": ["web-5xx", "web-latency"]},
        "ScaleInProtectedInstances": "Refresh",
        "StandbyInstances": "Terminate",
    }
    stub.add_response("start_instance_refresh", {"InstanceRefreshId": REFRESH}, expected)

    assert start_refresh(client, GROUP, TEMPLATE, 17, preferences) == REFRESH


@pytest.mark.parametrize("version", [0, -1, 2.0, "2", "$Latest", True, None])
def test_request_wants_a_numbered_version(version):
    with pytest.raises(ValueError, match="whole number >= 1"):
        refresh_request(GROUP, TEMPLATE, version, RefreshPreferences())


@pytest.mark.parametrize(
    ("status", "reason", "explains"),
    [
        (
            "Failed",
            "Failed to launch instances: InsufficientInstanceCapacity",
            "stay on the previous",
        ),
        ("Cancelled", "Cancelled due to user request.", "was cancelled"),
        (
            "RollbackSuccessful",
            "Rollback completed after instances failed health checks",
            "previous version again",
        ),
        ("RollbackFailed", "Rollback failed: could not launch instances", "mix of versions"),
    ],
)
def test_bad_end_raises_with_the_status_reason(client, stub, clock, status, reason, explains):
    describe_by_id(stub, refresh("InProgress", percent=40))
    describe_by_id(stub, refresh(status, percent=40, reason=reason))

    with pytest.raises(RolloutFailed) as caught:
        wait(client, clock)

    error = caught.value
    message = str(error)
    assert reason in message
    assert f"ended {status} at 40% complete" in message
    assert REFRESH in message and repr(GROUP) in message
    assert explains in message
    assert (error.group, error.refresh_id, error.status) == (GROUP, REFRESH, status)
    assert error.reason == reason
    assert error.percentage_complete == 40
    assert isinstance(error, RolloutError) and isinstance(error, RuntimeError)


def test_rollback_reason_is_reported_with_the_status_reason(client, stub, clock):
    details = {"RollbackReason": "Alarm web-5xx went to ALARM", "PercentageCompleteOnRollback": 30}
    describe_by_id(
        stub,
        refresh(
            "RollbackSuccessful", reason="Instance refresh rolled back", RollbackDetails=details
        ),
    )

    with pytest.raises(RolloutFailed, match="rolled back; rollback: Alarm web-5xx went to ALARM"):
        wait(client, clock)


def test_bad_end_without_a_reason_says_so(client, stub, clock):
    describe_by_id(stub, refresh("Failed"))

    with pytest.raises(RolloutFailed, match="AWS gave no status reason"):
        wait(client, clock)


def test_timeout_stops_waiting_and_says_the_refresh_still_runs(client, stub, clock):
    # 60 s with polls after 0, 10, 25, 47.5 and 60 (the last pause is cut to the deadline).
    for percent in (0, 10, 20, 30, 40):
        describe_by_id(stub, refresh("InProgress", percent=percent, reason="Waiting for warmup"))

    with pytest.raises(RolloutTimeout) as caught:
        wait(client, clock, timeout=60)

    assert clock.sleeps == [10, 15, 22.5, 12.5]
    message = str(caught.value)
    assert "still running in AWS" in message
    assert "last seen InProgress, 40% complete" in message
    assert f"describe-instance-refreshes --auto-scaling-group-name {GROUP}" in message
    assert f"--instance-refresh-ids {REFRESH}" in message
    assert f"cancel-instance-refresh --auto-scaling-group-name {GROUP}" in message
    assert caught.value.status == "InProgress"
    assert caught.value.percentage_complete == 40


def test_pauses_grow_to_the_cap(client, stub, clock):
    for _ in range(7):
        describe_by_id(stub, refresh("InProgress"))
    describe_by_id(stub, refresh("Successful", percent=100))

    wait(client, clock)

    assert clock.sleeps == [10, 15, 22.5, 30, 30, 30, 30]


def test_a_long_poll_interval_is_its_own_cap(client, stub, clock):
    for _ in range(2):
        describe_by_id(stub, refresh("InProgress"))
    describe_by_id(stub, refresh("Successful", percent=100))

    wait(client, clock, poll=45)

    assert clock.sleeps == [45, 45]


def test_baking_and_rollback_in_progress_keep_waiting(client, stub, clock):
    describe_by_id(stub, refresh("Baking", percent=100))
    describe_by_id(stub, refresh("RollbackInProgress", percent=60))
    describe_by_id(stub, refresh("RollbackSuccessful", percent=0, reason="Rolled back"))

    with pytest.raises(RolloutFailed, match="ended RollbackSuccessful"):
        wait(client, clock)
    assert len(clock.sleeps) == 2


def test_a_refresh_not_listed_yet_is_polled_again(client, stub, clock):
    describe_by_id(stub)
    describe_by_id(stub, refresh("Successful", percent=100))

    assert wait(client, clock)["Status"] == "Successful"


def test_a_refresh_never_listed_times_out_saying_so(client, stub, clock):
    describe_by_id(stub)
    describe_by_id(stub)

    with pytest.raises(RolloutTimeout, match="not listed yet"):
        wait(client, clock, timeout=5)


@pytest.mark.parametrize(("timeout", "poll"), [(0, 10), (60, 0), (-1, 10)])
def test_wait_rejects_non_positive_intervals(client, clock, timeout, poll):
    with pytest.raises(ValueError, match="must be > 0"):
        wait(client, clock, timeout=timeout, poll=poll)


# InstanceRefreshInProgress: adopt a refresh towards the same target, refuse any other.


def in_progress(stub):
    stub.add_client_error(
        "start_instance_refresh",
        service_error_code="InstanceRefreshInProgress",
        service_message="An Instance Refresh is already in progress and blocks the execution.",
        http_status_code=400,
        expected_params=EXPECTED_START,
    )


def list_group(stub, *items):
    stub.add_response(
        "describe_instance_refreshes",
        {"InstanceRefreshes": list(items)},
        {"AutoScalingGroupName": GROUP, "MaxRecords": 5},
    )


@pytest.mark.parametrize("status", ["Pending", "InProgress", "Baking"])
def test_a_running_refresh_to_the_same_version_is_adopted(client, stub, status):
    in_progress(stub)
    list_group(
        stub,
        refresh(status, refresh_id="running-1"),
        refresh("Successful", refresh_id="older", version="1"),
    )

    assert start_refresh(client, GROUP, TEMPLATE, 2, RefreshPreferences()) == "running-1"


@pytest.mark.parametrize(
    ("running", "towards"),
    [
        (
            refresh("InProgress", refresh_id="running-1", version="3"),
            f"launch template {TEMPLATE} version 3",
        ),
        (
            refresh("InProgress", refresh_id="running-1", DesiredConfiguration={}),
            "no desired configuration",
        ),
        (
            refresh("RollbackInProgress", refresh_id="running-1"),
            f"launch template {TEMPLATE} version 2",
        ),
        (refresh("Cancelling", refresh_id="running-1"), f"launch template {TEMPLATE} version 2"),
    ],
)
def test_any_other_running_refresh_is_a_conflict_naming_it(client, stub, running, towards):
    in_progress(stub)
    list_group(stub, running)

    with pytest.raises(RolloutConflict) as caught:
        start_refresh(client, GROUP, TEMPLATE, 2, RefreshPreferences())

    message = str(caught.value)
    assert "running-1" in message
    assert f"towards {towards}" in message
    assert f"wants {TEMPLATE} version 2" in message
    assert f"cancel-instance-refresh --auto-scaling-group-name {GROUP}" in message
    assert caught.value.refresh_id == "running-1"
    assert caught.value.status == running["Status"]


def test_a_refresh_that_ended_meanwhile_lets_us_start_again(client, stub):
    in_progress(stub)
    list_group(stub, refresh("Successful", refresh_id="just-ended", version="1"))
    stub.add_response("start_instance_refresh", {"InstanceRefreshId": REFRESH}, EXPECTED_START)

    assert start_refresh(client, GROUP, TEMPLATE, 2, RefreshPreferences()) == REFRESH


def test_in_progress_twice_with_nothing_listed_gives_up(client, stub):
    in_progress(stub)
    list_group(stub)
    in_progress(stub)
    list_group(stub)

    with pytest.raises(RolloutConflict, match="lists none running"):
        start_refresh(client, GROUP, TEMPLATE, 2, RefreshPreferences())


def test_other_start_errors_propagate(client, stub):
    stub.add_client_error(
        "start_instance_refresh",
        service_error_code="ValidationError",
        service_message="AutoRollback is not supported for a launch template with an SSM parameter",
        http_status_code=400,
        expected_params=EXPECTED_START,
    )

    with pytest.raises(ClientError, match="SSM parameter"):
        start_refresh(client, GROUP, TEMPLATE, 2, RefreshPreferences())


# A mixed fleet: the desired configuration is the whole mixed instances policy.

MIXED = {
    "LaunchTemplate": {"Overrides": [{"InstanceType": "m7g.large"}, {"InstanceType": "m6g.large"}]},
    "InstancesDistribution": {
        "OnDemandAllocationStrategy": "prioritized",
        "OnDemandBaseCapacity": 0,
        "OnDemandPercentageAboveBaseCapacity": 100,
    },
}


def mixed_configuration(version="2", types=("m7g.large", "m6g.large"), **distribution):
    """A DesiredConfiguration.MixedInstancesPolicy as AWS takes and describes it."""
    return {
        "MixedInstancesPolicy": {
            "LaunchTemplate": {
                "LaunchTemplateSpecification": {"LaunchTemplateId": TEMPLATE, "Version": version},
                "Overrides": [{"InstanceType": t} for t in types],
            },
            "InstancesDistribution": {
                "OnDemandAllocationStrategy": "prioritized",
                "OnDemandBaseCapacity": 0,
                "OnDemandPercentageAboveBaseCapacity": 100,
                **distribution,
            },
        }
    }


EXPECTED_MIXED_START = {**EXPECTED_START, "DesiredConfiguration": mixed_configuration()}


def test_a_mixed_fleet_rolls_to_the_whole_policy_with_the_new_version(client, stub):
    stub.add_response(
        "start_instance_refresh", {"InstanceRefreshId": REFRESH}, EXPECTED_MIXED_START
    )

    assert start_refresh(client, GROUP, TEMPLATE, 2, RefreshPreferences(), MIXED) == REFRESH


def test_the_mixed_request_is_exact_and_leaves_the_policy_alone():
    policy = {
        "LaunchTemplate": {"Overrides": ({"InstanceType": "c7i.large"},)},
        "InstancesDistribution": {"OnDemandBaseCapacity": 1.0},  # as the engine hands it back
    }

    request = refresh_request(GROUP, TEMPLATE, 12, RefreshPreferences(), policy)

    assert request["DesiredConfiguration"] == {
        "MixedInstancesPolicy": {
            "LaunchTemplate": {
                "LaunchTemplateSpecification": {"LaunchTemplateId": TEMPLATE, "Version": "12"},
                "Overrides": [{"InstanceType": "c7i.large"}],
            },
            "InstancesDistribution": {"OnDemandBaseCapacity": 1},
        }
    }
    assert isinstance(
        request["DesiredConfiguration"]["MixedInstancesPolicy"]["InstancesDistribution"][
            "OnDemandBaseCapacity"
        ],
        int,
    )
    assert "LaunchTemplateSpecification" not in policy["LaunchTemplate"]


def in_progress_mixed(stub):
    stub.add_client_error(
        "start_instance_refresh",
        service_error_code="InstanceRefreshInProgress",
        service_message="An Instance Refresh is already in progress and blocks the execution.",
        http_status_code=400,
        expected_params=EXPECTED_MIXED_START,
    )


@pytest.mark.parametrize("status", ["Pending", "InProgress", "Baking"])
def test_a_running_refresh_to_the_same_mixed_policy_is_adopted(client, stub, status):
    in_progress_mixed(stub)
    # AWS describes the distribution values we left out with its defaults.
    running = mixed_configuration(SpotAllocationStrategy="lowest-price", SpotInstancePools=2)
    list_group(stub, refresh(status, refresh_id="running-1", DesiredConfiguration=running))

    assert start_refresh(client, GROUP, TEMPLATE, 2, RefreshPreferences(), MIXED) == "running-1"


@pytest.mark.parametrize(
    ("running", "towards"),
    [
        (mixed_configuration(version="3"), "version 3 with instance types m7g.large, m6g.large"),
        (
            mixed_configuration(types=("m6g.large", "m7g.large")),
            "version 2 with instance types m6g.large, m7g.large",
        ),
        (mixed_configuration(types=("m7g.large",)), "version 2 with instance types m7g.large"),
        (
            mixed_configuration(OnDemandPercentageAboveBaseCapacity=50),
            "version 2 with instance types m7g.large, m6g.large",
        ),
        # The same version as a bare launch template would drop the group's policy.
        ({"LaunchTemplate": {"LaunchTemplateId": TEMPLATE, "Version": "2"}}, "version 2"),
    ],
)
def test_any_other_running_target_blocks_a_mixed_release(client, stub, running, towards):
    in_progress_mixed(stub)
    list_group(stub, refresh("InProgress", refresh_id="running-1", DesiredConfiguration=running))

    with pytest.raises(RolloutConflict) as caught:
        start_refresh(client, GROUP, TEMPLATE, 2, RefreshPreferences(), MIXED)

    message = str(caught.value)
    assert f"towards launch template {TEMPLATE} {towards});" in message
    assert f"wants {TEMPLATE} version 2 with instance types m7g.large, m6g.large." in message
    assert caught.value.refresh_id == "running-1"


def test_a_running_mixed_refresh_blocks_a_single_type_release(client, stub):
    in_progress(stub)
    list_group(
        stub,
        refresh("InProgress", refresh_id="running-1", DesiredConfiguration=mixed_configuration()),
    )

    with pytest.raises(
        RolloutConflict, match=r"version 2 with instance types m7g\.large, m6g\.large\)"
    ):
        start_refresh(client, GROUP, TEMPLATE, 2, RefreshPreferences())
