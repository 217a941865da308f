"""The stack's settings (``stacks/Pulumi.<stack>.yaml``), read once, in one place."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

CLOUDS = ("aws", "gcp", "azure")


@dataclass(frozen=True)
class Settings:
    config: pulumi.Config
    cloud: str
    app_version: str
    ssh_cidrs: list[str]
    public_ip: bool
    git_commit: str | None

    @classmethod
    def load(cls) -> Settings:
        config = pulumi.Config()
        cloud = config.get("cloud") or "aws"
        if cloud not in CLOUDS:
            raise ValueError(f"setting `cloud` = {cloud!r}: expected one of {', '.join(CLOUDS)}")
        return cls(
            config=config,
            cloud=cloud,
            app_version=config.require("appVersion"),
            ssh_cidrs=[config.require("builderSshCidr")],
            public_ip=config.get_bool("builderPublicIp") or False,
            git_commit=config.get("gitCommit"),
        )

    def require(self, key: str) -> str:
        return self.config.require(key)

    def get(self, key: str) -> str | None:
        return self.config.get(key)
