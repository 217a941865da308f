"""The stack's settings (``stacks/Pulumi.<stack>.yaml``), read once, in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi

CLOUDS = ("aws", "gcp", "azure")


@dataclass(frozen=True)
class Settings:
    config: pulumi.Config
    cloud: str
    ssh_cidrs: list[str]
    public_ip: bool
    git_commit: str | None
    builder_subnet: Any = field(default=None, compare=False)
    """The stack's own first public subnet (AWS, when it creates its network)."""

    @classmethod
    def load(cls) -> Settings:
        config = pulumi.Config()
        cloud = config.get("cloud") or "aws"
        if cloud not in CLOUDS:
            raise ValueError(f"setting `cloud` = {cloud!r}: expected one of {', '.join(CLOUDS)}")
        return cls(
            config=config,
            cloud=cloud,
            ssh_cidrs=[config.require("builderSshCidr")],
            public_ip=config.get_bool("builderPublicIp") or False,
            git_commit=config.get("gitCommit"),
        )

    def require(self, key: str) -> str:
        return self.config.require(key)

    def get(self, key: str) -> str | None:
        return self.config.get(key)
