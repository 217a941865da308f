"""Answers of the data sources platform programs read most (AWS, GCP, Azure).

Every answer is derived from the question (token and arguments) with :func:`hex_id`, so
two runs give the same ids, and has the shape the provider SDK's result type reads
(camelCase keys of ``pulumi_aws``/``pulumi_gcp``/``pulumi_azure_native``). docs/plan.md
lists them in one table (tests/test_plan_invokes.py checks the table against
:data:`immutable_components.testing.INVOKE_RESULTS`).
"""

from __future__ import annotations

import json
from typing import Any

from ._context import _Ctx, hex_id
from ._gcp_azure import AZURE_SUBSCRIPTION

AZURE_TENANT = "11111111-1111-1111-1111-111111111111"


def _key(c: _Ctx) -> str:
    """The question as text: what every derived id hashes."""
    return json.dumps(dict(c.inputs), sort_keys=True, default=str)


def _filter_value(c: _Ctx, name: str) -> str | None:
    for f in c.inputs.get("filters") or []:
        if isinstance(f, dict) and f.get("name") == name and f.get("values"):
            return str(f["values"][0])
    return None


def get_vpc(c: _Ctx) -> dict[str, Any]:
    vpc = c.inputs.get("id") or _filter_value(c, "vpc-id") or f"vpc-{hex_id(_key(c))}"
    cidr = c.inputs.get("cidrBlock") or "10.0.0.0/16"
    return {
        "id": vpc,
        "arn": c.arn("ec2", f"vpc/{vpc}"),
        "cidrBlock": cidr,
        "cidrBlockAssociations": [
            {
                "associationId": f"vpc-cidr-assoc-{hex_id(vpc)}",
                "cidrBlock": cidr,
                "state": "associated",
            }
        ],
        "default": bool(c.inputs.get("default", False)),
        "dhcpOptionsId": f"dopt-{hex_id(vpc, 'dopt')}",
        "enableDnsHostnames": True,
        "enableDnsSupport": True,
        "enableNetworkAddressUsageMetrics": False,
        "instanceTenancy": "default",
        "ipv6AssociationId": "",
        "ipv6CidrBlock": "",
        "mainRouteTableId": f"rtb-{hex_id(vpc, 'main')}",
        "ownerId": c.account,
        "region": c.region,
        "state": "available",
        "tags": dict(c.inputs.get("tags") or {}),
    }


def get_subnets(c: _Ctx) -> dict[str, Any]:
    """Three subnets (one per zone a, b, c), ids derived from the filters and tags."""
    key = _key(c)
    return {
        "id": c.region,
        "ids": [f"subnet-{hex_id(key, zone)}" for zone in "abc"],
        "region": c.region,
    }


def get_security_group(c: _Ctx) -> dict[str, Any]:
    sg = c.inputs.get("id") or _filter_value(c, "group-id") or f"sg-{hex_id(_key(c))}"
    name = c.inputs.get("name") or _filter_value(c, "group-name") or "default"
    return {
        "id": sg,
        "arn": c.arn("ec2", f"security-group/{sg}"),
        "name": name,
        "description": f"{name} security group",
        "vpcId": c.inputs.get("vpcId") or _filter_value(c, "vpc-id") or f"vpc-{hex_id(sg, 'vpc')}",
        "region": c.region,
        "tags": dict(c.inputs.get("tags") or {}),
    }


def looks_like_image_parameter(name: str) -> bool:
    """The contract's heuristic: a parameter whose name says image or ami holds an AMI id."""
    lowered = name.lower()
    return "image" in lowered or "ami" in lowered


def get_parameter(c: _Ctx) -> dict[str, Any]:
    name = str(c.inputs.get("name") or "")
    if looks_like_image_parameter(name):
        value, data_type = f"ami-{hex_id(name)}", "aws:ec2:image"
    else:
        value, data_type = f"mock-value-{hex_id(name, length=8)}", "text"
    return {
        "id": name,
        "arn": c.arn("ssm", f"parameter{name if name.startswith('/') else '/' + name}"),
        "name": name,
        "type": "String",
        "value": value,
        "insecureValue": value,
        "version": 1,
        "withDecryption": c.inputs.get("withDecryption", True),
        "region": c.region,
        "dataType": data_type,
    }


def get_secret(c: _Ctx) -> dict[str, Any]:
    """Metadata only: a secret's value is another data source (and never mocked)."""
    name = str(c.inputs.get("name") or c.inputs.get("arn") or "secret").rsplit(":", 1)[-1]
    arn = c.inputs.get("arn") or c.arn("secretsmanager", f"secret:{name}-{hex_id(name, length=6)}")
    return {
        "id": arn,
        "arn": arn,
        "name": name,
        "description": "",
        "kmsKeyId": "",
        "policy": "",
        "createdDate": "2026-01-01T00:00:00Z",
        "lastChangedDate": "2026-01-01T00:00:00Z",
        "region": c.region,
        "tags": dict(c.inputs.get("tags") or {}),
    }


def get_certificate(c: _Ctx) -> dict[str, Any]:
    domain = str(c.inputs.get("domain") or "example.com")
    h = hex_id(domain, length=32)
    cert = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
    arn = c.arn("acm", f"certificate/{cert}")
    return {
        "id": arn,
        "arn": arn,
        "domain": domain,
        "status": "ISSUED",
        "keyTypes": c.inputs.get("keyTypes") or ["RSA_2048"],
        "types": c.inputs.get("types") or ["AMAZON_ISSUED"],
        "mostRecent": bool(c.inputs.get("mostRecent", False)),
        "certificate": "",
        "certificateChain": "",
        "region": c.region,
        "tags": dict(c.inputs.get("tags") or {}),
    }


def get_zone(c: _Ctx) -> dict[str, Any]:
    name = str(c.inputs.get("name") or "example.com").rstrip(".")
    zone = c.inputs.get("zoneId") or f"Z{hex_id(name, length=20).upper()}"
    private = bool(c.inputs.get("privateZone", False))
    return {
        "id": zone,
        "zoneId": zone,
        "arn": f"arn:aws:route53:::hostedzone/{zone}",
        "name": name,
        "callerReference": hex_id(name, "ref"),
        "comment": "",
        "privateZone": private,
        "vpcId": c.inputs.get("vpcId") or "",
        "nameServers": [
            f"ns-{n}.awsdns-{n % 64:02d}.{tld}"
            for n, tld in ((1, "com"), (2, "net"), (3, "org"), (4, "co.uk"))
        ],
        "primaryNameServer": "ns-1.awsdns-01.com",
        "resourceRecordSetCount": 2,
        "linkedServiceDescription": "",
        "linkedServicePrincipal": "",
        "enableAcceleratedRecovery": False,
        "tags": dict(c.inputs.get("tags") or {}),
    }


def get_kms_alias(c: _Ctx) -> dict[str, Any]:
    name = str(c.inputs.get("name") or "alias/aws/ebs")
    h = hex_id(name, "kms", length=32)
    key = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
    return {
        "id": c.arn("kms", name),
        "arn": c.arn("kms", name),
        "name": name,
        "targetKeyId": key,
        "targetKeyArn": c.arn("kms", f"key/{key}"),
        "region": c.region,
    }


# --------------------------------------------------------------------------------------
# GCP


def gcp_project(c: _Ctx) -> dict[str, Any]:
    project = c.inputs.get("projectId") or c.gcp_project
    return {
        "id": f"projects/{project}",
        "projectId": project,
        "name": project,
        "number": str(int(hex_id(project, length=10), 16) % 10**12).zfill(12),
        "orgId": "123456789012",
        "folderId": "",
        "billingAccount": "000000-000000-000000",
        "autoCreateNetwork": True,
        "labels": {},
        "effectiveLabels": {},
        "pulumiLabels": {},
    }


def gcp_zones(c: _Ctx) -> dict[str, Any]:
    region = c.inputs.get("region") or "us-central1"
    project = c.inputs.get("project") or c.gcp_project
    return {
        "id": f"projects/{project}/regions/{region}",
        "names": [f"{region}-{z}" for z in "abc"],
        "project": project,
        "region": region,
        "status": c.inputs.get("status") or "UP",
    }


def gcp_network(c: _Ctx) -> dict[str, Any]:
    name = c.inputs.get("name") or "default"
    path = f"projects/{c.project}/global/networks/{name}"
    return {
        "id": path,
        "name": name,
        "project": c.project,
        "description": "",
        "gatewayIpv4": "",
        "internalIpv6Range": "",
        "networkId": int(hex_id(path, length=15), 16),
        "numericId": str(int(hex_id(path, length=15), 16)),
        "networkProfile": "",
        "selfLink": f"https://www.googleapis.com/compute/v1/{path}",
        "subnetworksSelfLinks": [
            f"https://www.googleapis.com/compute/v1/projects/{c.project}/regions/us-central1/subnetworks/{name}"
        ],
    }


def gcp_subnetwork(c: _Ctx) -> dict[str, Any]:
    name = c.inputs.get("name") or "default"
    region = c.inputs.get("region") or "us-central1"
    path = f"projects/{c.project}/regions/{region}/subnetworks/{name}"
    return {
        "id": path,
        "name": name,
        "project": c.project,
        "region": region,
        "description": "",
        "ipCidrRange": "10.128.0.0/20",
        "gatewayAddress": "10.128.0.1",
        "network": f"https://www.googleapis.com/compute/v1/projects/{c.project}/global/networks/default",
        "privateIpGoogleAccess": True,
        "secondaryIpRanges": [],
        "stackType": "IPV4_ONLY",
        "ipv6AccessType": "",
        "externalIpv6Prefix": "",
        "internalIpv6Prefix": "",
        "subnetworkId": int(hex_id(path, length=12), 16),
        "selfLink": f"https://www.googleapis.com/compute/v1/{path}",
    }


# --------------------------------------------------------------------------------------
# Azure


def azure_client_config(c: _Ctx) -> dict[str, Any]:
    return {
        "clientId": "22222222-2222-2222-2222-222222222222",
        "objectId": "33333333-3333-3333-3333-333333333333",
        "subscriptionId": AZURE_SUBSCRIPTION,
        "tenantId": AZURE_TENANT,
    }


def azure_resource_group(c: _Ctx) -> dict[str, Any]:
    name = c.inputs.get("resourceGroupName") or "mock-rg"
    return {
        "id": f"/subscriptions/{AZURE_SUBSCRIPTION}/resourceGroups/{name}",
        "name": name,
        "location": "westeurope",
        "type": "Microsoft.Resources/resourceGroups",
        "properties": {"provisioningState": "Succeeded"},
        "tags": {},
        "azureApiVersion": "2024-03-01",
    }


def azure_subnet(c: _Ctx) -> dict[str, Any]:
    rg = c.inputs.get("resourceGroupName") or "mock-rg"
    vnet = c.inputs.get("virtualNetworkName") or "mock-vnet"
    name = c.inputs.get("subnetName") or "default"
    return {
        "id": f"/subscriptions/{AZURE_SUBSCRIPTION}/resourceGroups/{rg}/providers/"
        f"Microsoft.Network/virtualNetworks/{vnet}/subnets/{name}",
        "name": name,
        "type": "Microsoft.Network/virtualNetworks/subnets",
        "addressPrefix": "10.1.0.0/24",
        "provisioningState": "Succeeded",
        "etag": f'W/"{hex_id(rg, vnet, name, length=8)}"',
        "azureApiVersion": "2024-05-01",
    }
