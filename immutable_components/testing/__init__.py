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
* :func:`mocked` installs both for the duration of a block and restores the runtime
  afterwards; the ``pulumi_mocks`` pytest fixture does the same for one test. The fixture
  lives in :mod:`immutable_components.testing._pytest_plugin`, registered as a pytest
  plugin (entry point ``pytest11``) when this package is installed, so importing this
  package never imports pytest.

Typical use in a user's own stack test::

    def test_image(pulumi_mocks):
        img = GoldenImage("base", GoldenImageArgs(...))
        pulumi_mocks.settle()
        ami = pulumi_mocks.one("aws:ec2/amiFromInstance:AmiFromInstance")
        assert ami.inputs["name"].startswith("base-")
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from ._catalogue import INVOKE_RESULTS, RESOURCE_OUTPUTS
    from ._context import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, hex_id
    from ._recording import (
        SECRET_MARK,
        UNKNOWN_MARK,
        Invoke,
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
    "Invoke",
    "MockRun",
    "RecordingMocks",
    "RecordingMonitor",
    "Registration",
    "Step",
    "UnmockedInvokeError",
    "hex_id",
    "install",
    "mocked",
    "track_construction",
    "uninstall",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "DEFAULT_ACCOUNT_ID": "._context",
        "DEFAULT_REGION": "._context",
        "Deployment": "._sequence",
        "DeploymentFailed": "._sequence",
        "FakeCloud": "._sequence",
        "FakeImage": "._sequence",
        "INVOKE_RESULTS": "._catalogue",
        "Invoke": "._recording",
        "MockRun": "._recording",
        "RESOURCE_OUTPUTS": "._catalogue",
        "RecordingMocks": "._recording",
        "RecordingMonitor": "._recording",
        "Registration": "._recording",
        "SECRET_MARK": "._recording",
        "Step": "._sequence",
        "UNKNOWN_MARK": "._recording",
        "UnmockedInvokeError": "._recording",
        "hex_id": "._context",
        "install": "._recording",
        "mocked": "._recording",
        "track_construction": "._recording",
        "uninstall": "._recording",
        # the fixture, in the pytest plugin module: only this name imports pytest
        "pulumi_mocks": "._pytest_plugin",
    },
)
