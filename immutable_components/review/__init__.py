"""Release summaries: what a change *does* (images, releases, traffic, danger), read from
two plan documents or a ``pulumi preview --json`` digest. ``immutable diff`` prints them.

- :mod:`._changes`: plan documents and preview digests -> one list of resource changes;
- :mod:`._summary`: changes -> the release summary (images, releases, traffic, danger);
- :mod:`._render`: the summary as text, markdown (a PR comment) or JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from ._changes import (
        Change,
        DiffInputError,
        changes_from_deployments,
        changes_from_plans,
        changes_from_preview,
    )
    from ._render import render
    from ._summary import SCHEMA_VERSION, Summary, summarize

__all__ = [
    "SCHEMA_VERSION",
    "Change",
    "DiffInputError",
    "Summary",
    "changes_from_deployments",
    "changes_from_plans",
    "changes_from_preview",
    "render",
    "summarize",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "Change": "._changes",
        "DiffInputError": "._changes",
        "changes_from_deployments": "._changes",
        "changes_from_plans": "._changes",
        "changes_from_preview": "._changes",
        "render": "._render",
        "SCHEMA_VERSION": "._summary",
        "Summary": "._summary",
        "summarize": "._summary",
    },
)
