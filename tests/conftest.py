"""Shared test set-up: the recording-mocks fixture and fake AWS credentials.

The ``pulumi_mocks`` fixture is also a pytest plugin of the installed package; importing it
here keeps the tests working when the package is only on PYTHONPATH.
"""

import pytest

from immutable_components.testing import pulumi_mocks  # noqa: F401 (fixture)


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing in the suite may reach a real AWS account."""
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
