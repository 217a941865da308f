"""Outputs of GCP and Azure resources: self links and Azure resource ids."""

from __future__ import annotations

from typing import Any

from ._context import Factory, _Ctx, hex_id


def _gcp_global(collection: str) -> Factory:
    def make(c: _Ctx) -> tuple[str, dict[str, Any]]:
        project = c.project
        name = c.inputs.get("name") or c.name
        path = f"projects/{project}/global/{collection}/{name}"
        return path, {
            "selfLink": f"https://www.googleapis.com/compute/v1/{path}",
            "name": name,
            "project": project,
        }

    return make


def _gcp_zonal(collection: str) -> Factory:
    def make(c: _Ctx) -> tuple[str, dict[str, Any]]:
        project = c.project
        zone = c.inputs.get("zone") or "us-central1-a"
        name = c.inputs.get("name") or c.name
        path = f"projects/{project}/zones/{zone}/{collection}/{name}"
        return path, {
            "selfLink": f"https://www.googleapis.com/compute/v1/{path}",
            "name": name,
            "project": project,
            "zone": zone,
            "instanceId": str(int(c.hex[:15], 16)),
        }

    return make


def _gcp_instance(c: _Ctx) -> tuple[str, dict[str, Any]]:
    """A zonal instance plus what a program reads from it: IPs and the boot disk."""
    path, out = _gcp_zonal("instances")(c)
    n = int(c.hex[:4], 16)
    nics = []
    for i, nic in enumerate(c.inputs.get("networkInterfaces") or [{}]):
        access = [
            {**a, "natIp": f"203.0.113.{(n + i) % 250 + 1}"} for a in nic.get("accessConfigs") or []
        ]
        nics.append(
            {
                **nic,
                "accessConfigs": access,
                "networkIp": f"10.128.{n % 250}.{i + 2}",
                "name": f"nic{i}",
            }
        )
    disk = f"projects/{out['project']}/zones/{out['zone']}/disks/{out['name']}"
    boot = dict(c.inputs.get("bootDisk") or {})
    boot["source"] = f"https://www.googleapis.com/compute/v1/{disk}"
    return path, {**out, "networkInterfaces": nics, "bootDisk": boot, "currentStatus": "RUNNING"}


def _launch_permission(c: _Ctx) -> tuple[str, dict[str, Any]]:
    who = next(
        c.inputs[k]
        for k in ("accountId", "organizationArn", "organizationalUnitArn", "group")
        if c.inputs.get(k)
    )
    return f"{who}/{c.inputs.get('imageId')}", {}


AZURE_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"


def _azure(provider_type: str, name_key: str, parents: tuple[tuple[str, str], ...] = ()) -> Factory:
    """Azure resource ids: /subscriptions/<sub>/resourceGroups/<rg>/providers/<Type>/<name>,
    with parent segments (gallery, image definition) taken from the inputs."""

    def make(c: _Ctx) -> tuple[str, dict[str, Any]]:
        rg = c.inputs.get("resourceGroupName") or "mock-rg"
        name = c.inputs.get(name_key) or f"{c.name}{c.hex[:8]}"
        namespace, _, leaf = provider_type.partition("/")
        segments = "".join(f"/{kind}/{c.inputs.get(key)}" for kind, key in parents)
        rid = (
            f"/subscriptions/{AZURE_SUBSCRIPTION}/resourceGroups/{rg}/providers/{namespace}"
            f"{segments}/{leaf}/{name}"
        )
        out: dict[str, Any] = {
            "name": name,
            "location": c.inputs.get("location") or "westeurope",
            "provisioningState": "Succeeded",
            "azureApiVersion": "2024-07-01",
        }
        return rid, out

    return make


def _azure_nic(c: _Ctx) -> tuple[str, dict[str, Any]]:
    rid, out = _azure("Microsoft.Network/networkInterfaces", "networkInterfaceName")(c)
    n = int(c.hex[:4], 16)
    configs = [
        {**ipc, "privateIPAddress": f"10.1.{n % 250}.{i + 4}"}
        for i, ipc in enumerate(c.inputs.get("ipConfigurations") or [{}])
    ]
    return rid, {**out, "ipConfigurations": configs}


def _azure_public_ip(c: _Ctx) -> tuple[str, dict[str, Any]]:
    rid, out = _azure("Microsoft.Network/publicIPAddresses", "publicIpAddressName")(c)
    return rid, {**out, "ipAddress": f"198.51.100.{int(c.hex[:4], 16) % 250 + 1}"}


def _azure_vm(c: _Ctx) -> tuple[str, dict[str, Any]]:
    rid, out = _azure("Microsoft.Compute/virtualMachines", "vmName")(c)
    h = hex_id(c.hex, "vm", length=32)
    return rid, {**out, "vmId": f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"}


#: resource type token -> factory of (id, extra outputs). Extend with
