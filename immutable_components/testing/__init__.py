"""Recording mocks for Pulumi programs: ours and our users'.

Pulumi's mock runtime (``pulumi.runtime.set_mocks``) runs a program without the engine or
any provider plugin. This module adds what a test of an infrastructure component needs:

* :class:`RecordingMocks` gives every resource type we use realistic, deterministic
  outputs (``ami-`` + 17 hex derived from the resource's type and name, ARNs of the right
  shape, ``latestVersion``, GCP ``selfLink``, Azure resource ids) and fails loudly on any
  invoke (data source) token it does not know.
* :class:`RecordingMonitor` records every registration with its inputs, parent,
  dependencies and resource options, in construction order.
* :class:`FakeCloud` runs a program as successive deployments against one persistent fake
  cloud and returns the steps between them (``create``, ``update``, ``replace``, ``delete``,
  ``same``): see ``_sequence``.
* :func:`mocked` (and the ``pulumi_mocks`` pytest fixture, registered as a pytest plugin
  when this package is installed) installs both for the duration of a test and restores
  the runtime afterwards.

Typical use in a user's own stack test::

    def test_image(pulumi_mocks):
        img = GoldenImage("base", GoldenImageArgs(...))
        pulumi_mocks.settle()
        ami = pulumi_mocks.one("aws:ec2/amiFromInstance:AmiFromInstance")
        assert ami.inputs["name"].startswith("base-")
"""

from __future__ import annotations

from collections.abc import Iterator

from ._catalogue import INVOKE_RESULTS, RESOURCE_OUTPUTS
from ._context import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, hex_id
from ._recording import (
    SECRET_MARK,
    UNKNOWN_MARK,
    MockRun,
    RecordingMocks,
    RecordingMonitor,
    Registration,
    UnmockedInvokeError,
    install,
    mocked,
    track_construction,
    uninstall,
)
from ._sequence import Deployment, DeploymentFailed, FakeCloud, FakeImage, Step

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_REGION",
    "INVOKE_RESULTS",
    "RESOURCE_OUTPUTS",
    "SECRET_MARK",
    "UNKNOWN_MARK",
    "Deployment",
    "DeploymentFailed",
    "FakeCloud",
    "FakeImage",
    "MockRun",
    "RecordingMocks",
    "RecordingMonitor",
    "Registration",
    "Step",
    "UnmockedInvokeError",
    "hex_id",
    "install",
    "mocked",
    "pulumi_mocks",
    "track_construction",
    "uninstall",
]

try:  # the fixture, when pytest is there (this module is also a pytest plugin)
    import pytest

    @pytest.fixture
    def pulumi_mocks() -> Iterator[MockRun]:
        """Recording Pulumi mocks, installed for one test and removed after it."""
        with mocked() as run:
            yield run

except ImportError:  # pragma: no cover - pytest is a test-time dependency
    pass
