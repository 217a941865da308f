"""Operations on a running fleet: ``immutable drift`` and ``immutable prune``.

The logic lives here, free of argument parsing and printing, so that it can be called
from a script or a scheduled job: :func:`~immutable_components.ops.drift.scan` returns a
:class:`~immutable_components.ops.drift.DriftReport`, and
:func:`~immutable_components.ops.prune.plan_prune` /
:func:`~immutable_components.ops.prune.apply_prune` return a
:class:`~immutable_components.ops.prune.PruneReport`.

Every AWS call goes through :class:`~immutable_components.ops._aws.Aws`: botocore's
``standard`` retry mode against throttling, an optional endpoint URL (a local
``moto_server``), and a count of the calls made, by operation.
"""

from __future__ import annotations

from ._aws import Aws, OpsError

__all__ = ["Aws", "OpsError"]
