"""The context every output factory gets, and the small helpers they share."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT_ID = "123456789012"


def hex_id(*parts: str, length: int = 17) -> str:
    """Deterministic lower-case hex derived from ``parts``."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:length]


@dataclass(frozen=True)
class _Ctx:
    """What an output factory knows about the resource being created."""

    type: str
    name: str
    inputs: Mapping[str, Any]
    hex: str
    region: str
    account: str
    gcp_project: str = "mock-project"

    @property
    def project(self) -> str:
        """The GCP project: the resource's own, else the stack's ``gcp:project``."""
        value = self.inputs.get("project")
        return value if isinstance(value, str) and value else self.gcp_project

    def arn(self, service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
        return (
            f"arn:aws:{service}:{self.region if region else ''}:"
            f"{self.account if account else ''}:{resource}"
        )


Factory = Callable[[_Ctx], tuple[str, dict[str, Any]]]
