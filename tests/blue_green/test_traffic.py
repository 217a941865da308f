"""Pure helpers of BlueGreenService: weights, idle colour, AWS names."""

from __future__ import annotations

import pytest

from immutable_components.blue_green.traffic import aws_name, idle_of, receives_traffic, weights


@pytest.mark.parametrize(
    ("live", "canary", "expected"),
    [
        ("blue", 0, {"blue": 100, "green": 0}),
        ("green", 0, {"blue": 0, "green": 100}),
        ("blue", 10, {"blue": 90, "green": 10}),
        ("green", 25, {"blue": 25, "green": 75}),
        ("blue", 50, {"blue": 50, "green": 50}),
        ("blue", 100, {"blue": 0, "green": 100}),
    ],
)
def test_weights(live, canary, expected):
    assert weights(live, canary) == expected
    assert all(0 <= w <= 999 for w in expected.values())
    assert receives_traffic(live, canary) == {c: w > 0 for c, w in expected.items()}


def test_idle_of():
    assert idle_of("blue") == "green"
    assert idle_of("green") == "blue"


@pytest.mark.parametrize(
    ("name", "role", "expected"),
    [
        ("web", "alb", "web-alb"),
        ("my_web.svc", "blue-1835", "my-web-svc-blue-1835"),
        ("a" * 40, "alb", "aaaaaaaaaaaaaaaaaaaaa-" + "5c1d4a" + "-alb"),
    ],
)
def test_aws_name(name, role, expected):
    got = aws_name(name, role)
    assert len(got) <= 32
    assert got[:22] == expected[:22] and got.endswith(f"-{role}")


def test_aws_names_of_long_names_differ():
    one, two = aws_name("x" * 40 + "1", "green-1835"), aws_name("x" * 40 + "2", "green-1835")
    assert one != two and len(one) == len(two) <= 32
