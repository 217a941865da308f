"""The pytest plugin of immutable-components: the ``pulumi_mocks`` fixture.

Registered through the ``pytest11`` entry point when the package is installed, so a
user's stack tests get the fixture without a ``conftest.py``. It is its own module so that
:mod:`immutable_components.testing` (and the planner, which uses it) never import pytest.
"""

from collections.abc import Iterator

import pytest

from ._recording import MockRun, mocked

__all__ = ["pulumi_mocks"]


@pytest.fixture
def pulumi_mocks() -> Iterator[MockRun]:
    """Recording Pulumi mocks, installed for one test and removed after it."""
    with mocked() as run:
        yield run
