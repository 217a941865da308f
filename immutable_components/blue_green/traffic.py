"""Pure helpers of BlueGreenService: listener weights, colour roles and AWS names.

Nothing here registers a resource, so each rule is testable as a table.
"""

from __future__ import annotations

import hashlib
import re

__all__ = [
    "COLORS",
    "MAX_AWS_NAME",
    "aws_name",
    "idle_of",
    "receives_traffic",
    "weights",
]

COLORS = ("blue", "green")
#: Load balancer and target group names: at most 32 characters, letters, digits, hyphens.
MAX_AWS_NAME = 32
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9-]+")


def idle_of(live: str) -> str:
    """The colour that is not ``live``."""
    return COLORS[1] if live == COLORS[0] else COLORS[0]


def weights(live: str, canary_weight: int) -> dict[str, int]:
    """Listener weights per colour: the live colour gets ``100 - canary``, the idle one
    ``canary``. Percentages, well inside the forward action's 0-999 range."""
    return {live: 100 - canary_weight, idle_of(live): canary_weight}


def receives_traffic(live: str, canary_weight: int) -> dict[str, bool]:
    """Which colours the listener sends requests to (weight > 0)."""
    return {color: weight > 0 for color, weight in weights(live, canary_weight).items()}


def aws_name(name: str, role: str, limit: int = MAX_AWS_NAME) -> str:
    """A deterministic AWS name ``<name>-<role>`` of at most ``limit`` characters.

    Characters other than letters, digits and hyphens become hyphens. When the result is
    too long, ``name`` is shortened and 6 hex of its hash keep two long names apart.
    """
    clean = _NOT_ALLOWED.sub("-", name).strip("-") or "x"
    full = f"{clean}-{role}"
    if len(full) <= limit:
        return full
    digest = hashlib.sha256(name.encode()).hexdigest()[:6]
    keep = limit - len(role) - len(digest) - 2
    return f"{clean[:keep].rstrip('-')}-{digest}-{role}"
