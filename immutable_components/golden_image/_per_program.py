"""A value computed once per program run: a source image looked up at construction.

A builder is a plain value a program may keep across runs in one process (an Automation
API program, a sequence test's successive deployments): a lookup cached on the builder
itself would never see a vendor publish a newer image. The cache is keyed by the run's
root stack resource, so each run looks up once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pulumi

T = TypeVar("T")


def per_program(owner: Any, key: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per program run for ``owner`` (a frozen dataclass is fine)."""
    root = pulumi.runtime.get_root_resource()
    slot = (key, id(root))
    cache: dict[tuple[str, int], Any] = owner.__dict__.setdefault("_per_program", {})
    if slot not in cache:
        cache.clear()  # an earlier run's values (and its root) are done with
        cache[slot] = compute()
    return cache[slot]  # type: ignore[no-any-return]
