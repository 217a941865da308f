"""Fixtures for the rollout tests: a stubbed autoscaling client and a fake clock."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from .stubs import FakeClock


@pytest.fixture
def aws_env(monkeypatch):
    """Fake credentials and no config files: nothing can reach a real account."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def client(aws_env):
    return boto3.client("autoscaling", region_name="us-east-1")


@pytest.fixture
def stub(client):
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def clock():
    return FakeClock()
