"""Shared builders of GoldenImage test inputs (plain values, no SDK imports)."""

from __future__ import annotations

from pathlib import Path

from immutable_components import RunCommands, RunScript, UploadFile

SSH = ["203.0.113.10/32"]
SUBNET = "subnet-0123456789abcdef0"
AZ_SUBNET = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
    "Microsoft.Network/virtualNetworks/vnet/subnets/builders"
)
GCP_IMAGE = "projects/debian-cloud/global/images/debian-12-bookworm-v20250101"


def provisioners(tmp_path: Path, marker: str = "v1") -> list:
    script = tmp_path / "setup.sh"
    script.write_text(f"echo {marker}\n")
    conf = tmp_path / "app.conf"
    conf.write_text("port=8080\n")
    return [
        RunCommands(commands=["apt-get update"]),
        UploadFile(source=conf, destination="/tmp/app.conf"),
        RunScript(path=script, env={"MODE": "prod"}),
    ]


def deps(reg) -> set[str]:
    """The names of the resources a registration depends on."""
    return {urn.rsplit("::", 1)[-1] for urn in reg.dependencies}
