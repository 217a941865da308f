"""RefreshPreferences: every bad value rejected by name, the API dict exact."""

from __future__ import annotations

import pulumi
import pytest

from immutable_components._validate import Check
from immutable_components.errors import ComponentInputError
from immutable_components.release.preferences import RefreshPreferences, validate_preferences


def check() -> Check:
    return Check("InstanceRefresh", "web-blue")


BAD = [
    ("min_healthy_percentage", {"min_healthy_percentage": -1}, "from 0 to 100"),
    ("min_healthy_percentage", {"min_healthy_percentage": 101}, "from 0 to 100"),
    ("min_healthy_percentage", {"min_healthy_percentage": 90.0}, "whole number"),
    ("min_healthy_percentage", {"min_healthy_percentage": True}, "whole number"),
    ("max_healthy_percentage", {"max_healthy_percentage": 99}, "from 100 to 200"),
    ("max_healthy_percentage", {"max_healthy_percentage": 201}, "from 100 to 200"),
    (
        "max_healthy_percentage",
        {"min_healthy_percentage": 40, "max_healthy_percentage": 141},
        r"at most 100 above min_healthy_percentage \(40\), i.e. <= 140",
    ),
    ("instance_warmup", {"instance_warmup": -5}, ">= 0"),
    ("instance_warmup", {"instance_warmup": "300"}, "whole number"),
    ("checkpoint_percentages", {"checkpoint_percentages": []}, "non-empty list"),
    ("checkpoint_percentages", {"checkpoint_percentages": "50,100"}, "non-empty list"),
    ("checkpoint_percentages", {"checkpoint_percentages": [50, 90]}, "ending at 100"),
    ("checkpoint_percentages", {"checkpoint_percentages": [50, 50, 100]}, "strictly increasing"),
    ("checkpoint_percentages", {"checkpoint_percentages": [60, 30, 100]}, "strictly increasing"),
    (r"checkpoint_percentages\[0\]", {"checkpoint_percentages": [0, 100]}, "from 1 to 100"),
    (r"checkpoint_percentages\[1\]", {"checkpoint_percentages": [50, 150]}, "from 1 to 100"),
    ("checkpoint_delay", {"checkpoint_delay": 600}, "unless checkpoint_percentages is set"),
    (
        "checkpoint_delay",
        {"checkpoint_percentages": [50, 100], "checkpoint_delay": 172_801},
        "from 0 to 172800",
    ),
    (
        "checkpoint_delay",
        {"checkpoint_percentages": [50, 100], "checkpoint_delay": -1},
        "from 0 to 172800",
    ),
    ("bake_time", {"bake_time": 172_801}, "from 0 to 172800"),
    ("bake_time", {"bake_time": -1}, "from 0 to 172800"),
    ("skip_matching", {"skip_matching": "yes"}, "True or False"),
    ("auto_rollback", {"auto_rollback": 1}, "True or False"),
    ("alarm_names", {"alarm_names": "web-5xx"}, "a list of 1 to 10"),
    ("alarm_names", {"alarm_names": []}, "a list of 1 to 10"),
    ("alarm_names", {"alarm_names": [f"a{i}" for i in range(11)]}, "a list of 1 to 10"),
    (r"alarm_names\[1\]", {"alarm_names": ["web-5xx", " "]}, "non-empty string"),
    (r"alarm_names\[0\]", {"alarm_names": ["x" * 256]}, "at most 255 characters"),
    ("alarm_names", {"alarm_names": ["web-5xx", "web-5xx"]}, "without repeats"),
    (
        "scale_in_protected_instances",
        {"scale_in_protected_instances": "wait"},
        "one of 'Refresh', 'Ignore', 'Wait'",
    ),
    ("standby_instances", {"standby_instances": "Refresh"}, "one of 'Terminate', 'Ignore', 'Wait'"),
]


@pytest.mark.parametrize(("field", "kwargs", "accepted"), BAD)
def test_bad_preference_is_rejected_by_name(field, kwargs, accepted):
    with pytest.raises(ComponentInputError, match=rf"`preferences\.{field}` = .*{accepted}") as e:
        validate_preferences(check(), RefreshPreferences(**kwargs))
    assert e.value.component == "InstanceRefresh 'web-blue'"


def test_the_field_prefix_follows_the_caller():
    with pytest.raises(ComponentInputError, match=r"`rollout\.bake_time`"):
        validate_preferences(check(), RefreshPreferences(bake_time=-1), field="rollout")


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"min_healthy_percentage": 0},
        {"min_healthy_percentage": 100, "max_healthy_percentage": 100},
        {"min_healthy_percentage": 100, "max_healthy_percentage": 200},
        {"min_healthy_percentage": 50, "max_healthy_percentage": 150},
        {"checkpoint_percentages": [100]},
        {"checkpoint_percentages": [1, 50, 100], "checkpoint_delay": 0},
        {"bake_time": 172_800, "instance_warmup": 0},
        {"alarm_names": [f"a{i}" for i in range(10)]},
        {"scale_in_protected_instances": "Refresh", "standby_instances": "Terminate"},
    ],
)
def test_good_preferences_pass(kwargs):
    validate_preferences(check(), RefreshPreferences(**kwargs))


def test_unknown_values_are_skipped():
    unknown = pulumi.Output.from_input("web-5xx")
    validate_preferences(check(), RefreshPreferences(alarm_names=[unknown, "web-latency"]))


def test_defaults_as_api_preferences():
    assert RefreshPreferences().to_api() == {
        "MinHealthyPercentage": 90,
        "SkipMatching": True,
        "AutoRollback": True,
        "ScaleInProtectedInstances": "Wait",
        "StandbyInstances": "Wait",
    }


def test_checkpoints_without_a_delay_leave_the_delay_to_aws():
    api = RefreshPreferences(checkpoint_percentages=[20, 100]).to_api()
    assert api["CheckpointPercentages"] == [20, 100]
    assert "CheckpointDelay" not in api


def test_lists_are_stored_as_tuples():
    preferences = RefreshPreferences(checkpoint_percentages=[20, 100], alarm_names=["a"])
    assert preferences.checkpoint_percentages == (20, 100)
    assert preferences.alarm_names == ("a",)
    assert hash(preferences) == hash(
        RefreshPreferences(checkpoint_percentages=(20, 100), alarm_names=("a",))
    )


def test_from_api_undoes_the_engines_floats():
    preferences = RefreshPreferences(
        min_healthy_percentage=50,
        max_healthy_percentage=150,
        instance_warmup=60,
        checkpoint_percentages=[20, 100],
        checkpoint_delay=600,
        bake_time=300,
        skip_matching=False,
        auto_rollback=False,
        alarm_names=["web-5xx"],
        scale_in_protected_instances="Ignore",
        standby_instances="Ignore",
    )
    api = preferences.to_api()
    as_engine_sends_it = {
        key: float(value) if isinstance(value, int) and not isinstance(value, bool) else value
        for key, value in api.items()
    }
    as_engine_sends_it["CheckpointPercentages"] = [20.0, 100.0]

    rebuilt = RefreshPreferences.from_api(as_engine_sends_it)

    assert rebuilt == preferences
    assert rebuilt.to_api() == api
    assert type(rebuilt.to_api()["MinHealthyPercentage"]) is int
    assert RefreshPreferences.from_api(RefreshPreferences().to_api()) == RefreshPreferences()


@pytest.mark.parametrize(
    ("kwargs", "seconds"),
    [
        ({}, 0),
        ({"checkpoint_percentages": [100]}, 0),
        ({"checkpoint_percentages": [20, 50, 100]}, 7200),
        ({"checkpoint_percentages": [20, 100], "checkpoint_delay": 600}, 600),
        ({"checkpoint_percentages": [20, 100], "checkpoint_delay": 600, "bake_time": 300}, 900),
        ({"bake_time": 300}, 300),
    ],
)
def test_minimum_wait_counts_pauses_and_bake_time(kwargs, seconds):
    assert RefreshPreferences(**kwargs).minimum_wait_seconds() == seconds
