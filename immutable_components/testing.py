"""Recording mocks for Pulumi programs: ours and our users'.

Pulumi's mock runtime (``pulumi.runtime.set_mocks``) runs a program without the engine or
any provider plugin. This module adds what a test of an infrastructure component needs:

* :class:`RecordingMocks` gives every resource type we use realistic, deterministic
  outputs (``ami-`` + 17 hex derived from the resource's type and name, ARNs of the right
  shape, ``latestVersion``, GCP ``selfLink``, Azure resource ids) and fails loudly on any
  invoke (data source) token it does not know.
* :class:`RecordingMonitor` records every registration with its inputs, parent,
  dependencies and resource options, in construction order.
* :func:`mocked` (and the ``pulumi_mocks`` pytest fixture, registered as a pytest plugin
  when this package is installed) installs both for the duration of a test and restores
  the runtime afterwards.

Typical use in a user's own stack test::

    def test_image(pulumi_mocks):
        img = GoldenImage("base", GoldenImageArgs(...))
        pulumi_mocks.settle()
        ami = pulumi_mocks.one("aws:ec2/amiFromInstance:AmiFromInstance")
        assert ami.inputs["name"].startswith("base-")
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi.runtime import mocks as _mocks
from pulumi.runtime import rpc, settings, stack
from pulumi.runtime.sync_await import _sync_await

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_REGION",
    "RecordingMocks",
    "RecordingMonitor",
    "Registration",
    "UnmockedInvokeError",
    "mocked",
    "pulumi_mocks",
]

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT_ID = "123456789012"
SECRET_MARK = "[secret]"  # noqa: S105 (a marker)
UNKNOWN_MARK = "[unknown]"

_ASSET_SIG = rpc._special_asset_sig
_ARCHIVE_SIG = rpc._special_archive_sig
_RESOURCE_SIG = rpc._special_resource_sig
_UNKNOWN = rpc.UNKNOWN


class UnmockedInvokeError(RuntimeError):
    """A program called a data source (invoke) that the mocks have no answer for."""


def hex_id(*parts: str, length: int = 17) -> str:
    """Deterministic lower-case hex derived from ``parts``."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:length]


# --------------------------------------------------------------------------------------
# Outputs per resource type


@dataclass(frozen=True)
class _Ctx:
    """What an output factory knows about the resource being created."""

    type: str
    name: str
    inputs: Mapping[str, Any]
    hex: str
    region: str
    account: str

    def arn(self, service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
        return (
            f"arn:aws:{service}:{self.region if region else ''}:"
            f"{self.account if account else ''}:{resource}"
        )


Factory = Callable[[_Ctx], tuple[str, dict[str, Any]]]


def _aws_ec2(prefix: str, kind: str) -> Factory:
    def make(c: _Ctx) -> tuple[str, dict[str, Any]]:
        rid = f"{prefix}-{c.hex}"
        return rid, {"arn": c.arn("ec2", f"{kind}/{rid}")}

    return make


def _instance(c: _Ctx) -> tuple[str, dict[str, Any]]:
    rid = f"i-{c.hex}"
    n = int(c.hex[:4], 16)
    return rid, {
        "arn": c.arn("ec2", f"instance/{rid}"),
        "privateIp": f"10.0.{n % 250}.{n // 250 % 250 + 4}",
        "publicIp": f"203.0.113.{n % 250 + 1}" if c.inputs.get("associatePublicIpAddress") else "",
        "instanceState": "running",
        "availabilityZone": f"{c.region}a",
        "primaryNetworkInterfaceId": f"eni-{c.hex}",
    }


def _image(c: _Ctx) -> tuple[str, dict[str, Any]]:
    rid = f"ami-{c.hex}"
    return rid, {
        "arn": c.arn("ec2", f"image/{rid}", account=False),
        "imageId": rid,
        "rootSnapshotId": f"snap-{hex_id(c.hex, 'root')}",
        "ownerId": c.account,
        "architecture": "x86_64",
        "rootDeviceName": "/dev/xvda",
    }


def _launch_template(c: _Ctx) -> tuple[str, dict[str, Any]]:
    rid = f"lt-{c.hex}"
    return rid, {
        "arn": c.arn("ec2", f"launch-template/{rid}"),
        "latestVersion": 1,
        "defaultVersion": 1,
    }


def _key_pair(c: _Ctx) -> tuple[str, dict[str, Any]]:
    key_name = c.inputs.get("keyName") or f"{c.name}-{c.hex[:7]}"
    return key_name, {
        "keyName": key_name,
        "keyPairId": f"key-{c.hex}",
        "arn": c.arn("ec2", f"key-pair/{key_name}"),
        "fingerprint": ":".join(c.hex[i : i + 2] for i in range(0, 16, 2)),
    }


def _private_key(c: _Ctx) -> tuple[str, dict[str, Any]]:
    body = hex_id(c.hex, "key", length=64)
    return c.hex, {
        "privateKeyOpenssh": f"-----BEGIN OPENSSH PRIVATE KEY-----\nMOCK{body}\n"
        "-----END OPENSSH PRIVATE KEY-----\n",
        "privateKeyPem": f"-----BEGIN PRIVATE KEY-----\nMOCK{body}\n-----END PRIVATE KEY-----\n",
        "publicKeyOpenssh": f"ssh-ed25519 AAAAMOCK{body[:40]}\n",
        "publicKeyPem": f"-----BEGIN PUBLIC KEY-----\nMOCK{body[:40]}\n-----END PUBLIC KEY-----\n",
        "publicKeyFingerprintSha256": f"SHA256:{body[:43]}",
    }


def _named(service: str, kind: str, sep: str = "/") -> Factory:
    def make(c: _Ctx) -> tuple[str, dict[str, Any]]:
        name = c.inputs.get("name") or f"{c.name}-{c.hex[:7]}"
        return name, {"arn": c.arn(service, f"{kind}{sep}{name}"), "name": name}

    return make


def _iam(kind: str) -> Factory:
    def make(c: _Ctx) -> tuple[str, dict[str, Any]]:
        name = c.inputs.get("name") or f"{c.name}-{c.hex[:7]}"
        return name, {
            "arn": c.arn("iam", f"{kind}/{name}", region=False),
            "name": name,
            "uniqueId": f"AROA{c.hex.upper()}",
        }

    return make


def _elb(kind: str) -> Factory:
    def make(c: _Ctx) -> tuple[str, dict[str, Any]]:
        name = c.inputs.get("name") or f"{c.name}-{c.hex[:7]}"
        suffix = f"{kind}/{name}/{c.hex[:16]}"
        arn = c.arn("elasticloadbalancing", suffix)
        out: dict[str, Any] = {"arn": arn, "arnSuffix": suffix, "name": name}
        if kind.startswith("app") or kind.startswith("net"):
            out["dnsName"] = f"{name}-{int(c.hex[:8], 16)}.{c.region}.elb.amazonaws.com"
            out["zoneId"] = "Z35SXDOTRQ7X7K"
        return arn, out

    return make


def _listener(c: _Ctx) -> tuple[str, dict[str, Any]]:
    arn = c.arn("elasticloadbalancing", f"listener/app/{c.name}/{c.hex[:16]}/{c.hex[:16]}")
    return arn, {"arn": arn}


def _gcp_global(collection: str) -> Factory:
    def make(c: _Ctx) -> tuple[str, dict[str, Any]]:
        project = c.inputs.get("project") or "mock-project"
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
        project = c.inputs.get("project") or "mock-project"
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
#: :meth:`RecordingMocks.register_resource`.
RESOURCE_OUTPUTS: dict[str, Factory] = {
    "aws:ec2/instance:Instance": _instance,
    "aws:ec2/amiFromInstance:AmiFromInstance": _image,
    "aws:ec2/amiCopy:AmiCopy": _image,
    "aws:ec2/ami:Ami": _image,
    "aws:ec2/securityGroup:SecurityGroup": _aws_ec2("sg", "security-group"),
    "aws:ec2/keyPair:KeyPair": _key_pair,
    "aws:ec2/launchTemplate:LaunchTemplate": _launch_template,
    "aws:ec2/vpc:Vpc": _aws_ec2("vpc", "vpc"),
    "aws:ec2/subnet:Subnet": _aws_ec2("subnet", "subnet"),
    "aws:ec2/internetGateway:InternetGateway": _aws_ec2("igw", "internet-gateway"),
    "aws:ec2/routeTable:RouteTable": _aws_ec2("rtb", "route-table"),
    "aws:ec2/tag:Tag": lambda c: (f"{c.inputs.get('resourceId')},{c.inputs.get('key')}", {}),
    "aws:ec2transitgateway/instanceState:InstanceState": lambda c: (
        str(c.inputs.get("instanceId")),
        {},
    ),
    "tls:index/privateKey:PrivateKey": _private_key,
    "aws:iam/role:Role": _iam("role"),
    "aws:iam/instanceProfile:InstanceProfile": _iam("instance-profile"),
    "aws:iam/policy:Policy": _iam("policy"),
    "aws:autoscaling/group:Group": _named(
        "autoscaling", "autoScalingGroup:x:autoScalingGroupName", "/"
    ),
    "aws:lb/loadBalancer:LoadBalancer": _elb("loadbalancer/app"),
    "aws:lb/targetGroup:TargetGroup": _elb("targetgroup"),
    "aws:lb/listener:Listener": _listener,
    "aws:sns/topic:Topic": _named("sns", "", ""),
    "aws:ssm/parameter:Parameter": _named("ssm", "parameter", ""),
    "aws:cfg/rule:Rule": _named("config", "config-rule/"),
    "aws:cloudwatch/eventRule:EventRule": _named("events", "rule"),
    "aws:s3/bucket:Bucket": lambda c: (
        c.inputs.get("bucket") or f"{c.name}-{c.hex[:7]}",
        {"arn": f"arn:aws:s3:::{c.inputs.get('bucket') or f'{c.name}-{c.hex[:7]}'}"},
    ),
    "gcp:compute/image:Image": _gcp_global("images"),
    "gcp:compute/instanceTemplate:InstanceTemplate": _gcp_global("instanceTemplates"),
    "gcp:compute/healthCheck:HealthCheck": _gcp_global("healthChecks"),
    "gcp:compute/firewall:Firewall": _gcp_global("firewalls"),
    "gcp:compute/instance:Instance": _gcp_instance,
    # DriftRule
    "aws:kms/key:Key": lambda c: (
        (
            key := "-".join(
                hex_id(c.hex, "kms", length=32)[i:j]
                for i, j in ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32))
            )
        ),
        {"arn": c.arn("kms", f"key/{key}"), "keyId": key},
    ),
    "aws:sns/topicSubscription:TopicSubscription": lambda c: (
        f"{c.inputs.get('topic')}:{c.hex[:8]}",
        {"arn": f"{c.inputs.get('topic')}:{c.hex[:8]}", "pendingConfirmation": True},
    ),
    "aws:cloudwatch/eventTarget:EventTarget": lambda c: (
        f"{c.inputs.get('rule')}-{c.inputs.get('targetId')}",
        {},
    ),
    "aws:cfg/recorder:Recorder": lambda c: (str(c.inputs.get("name") or "default"), {}),
    "aws:cfg/deliveryChannel:DeliveryChannel": lambda c: (
        str(c.inputs.get("name") or "default"),
        {},
    ),
    "aws:cfg/recorderStatus:RecorderStatus": lambda c: (str(c.inputs.get("name")), {}),
    "gcp:orgpolicy/policy:Policy": lambda c: (
        str(c.inputs.get("name") or c.name),
        {"etag": c.hex[:12]},
    ),
    "azure-native:authorization:PolicyDefinition": lambda c: (
        "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/"
        f"policyDefinitions/{c.inputs.get('policyDefinitionName') or c.name}",
        {"name": c.inputs.get("policyDefinitionName") or c.name},
    ),
    "azure-native:authorization:PolicyAssignment": lambda c: (
        f"{c.inputs.get('scope')}/providers/Microsoft.Authorization/policyAssignments/"
        f"{c.inputs.get('policyAssignmentName') or c.name}",
        {"name": c.inputs.get("policyAssignmentName") or c.name},
    ),
    # GoldenImage (GCP/Azure/lifecycle)
    "aws:ec2/amiLaunchPermission:AmiLaunchPermission": _launch_permission,
    "azure-native:network:NetworkSecurityGroup": _azure(
        "Microsoft.Network/networkSecurityGroups", "networkSecurityGroupName"
    ),
    "azure-native:network:PublicIPAddress": _azure_public_ip,
    "azure-native:network:NetworkInterface": _azure_nic,
    "azure-native:compute:VirtualMachine": _azure_vm,
    "azure-native:compute:Image": _azure("Microsoft.Compute/images", "imageName"),
    "azure-native:compute:Gallery": _azure("Microsoft.Compute/galleries", "galleryName"),
    "azure-native:compute:GalleryImage": _azure(
        "Microsoft.Compute/images", "galleryImageName", (("galleries", "galleryName"),)
    ),
    "azure-native:compute:GalleryImageVersion": _azure(
        "Microsoft.Compute/versions",
        "galleryImageVersionName",
        (("galleries", "galleryName"), ("images", "galleryImageName")),
    ),
    # LaunchTemplateRelease
    "gcp:serviceaccount/account:Account": lambda c: (
        f"projects/{c.inputs.get('project') or 'mock-project'}/serviceAccounts/"
        f"{c.inputs.get('accountId')}@{c.inputs.get('project') or 'mock-project'}"
        ".iam.gserviceaccount.com",
        {
            "email": f"{c.inputs.get('accountId')}@{c.inputs.get('project') or 'mock-project'}"
            ".iam.gserviceaccount.com",
            "uniqueId": str(int(c.hex[:15], 16)),
        },
    ),
    "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager": lambda c: (
        f"projects/{c.inputs.get('project') or 'mock-project'}/regions/"
        f"{c.inputs.get('region')}/instanceGroupManagers/{c.name}-{c.hex[:7]}",
        {
            "name": f"{c.name}-{c.hex[:7]}",
            "selfLink": "https://www.googleapis.com/compute/v1/projects/"
            f"{c.inputs.get('project') or 'mock-project'}/regions/{c.inputs.get('region')}"
            f"/instanceGroupManagers/{c.name}-{c.hex[:7]}",
            "instanceGroup": "https://www.googleapis.com/compute/v1/projects/"
            f"{c.inputs.get('project') or 'mock-project'}/regions/{c.inputs.get('region')}"
            f"/instanceGroups/{c.name}-{c.hex[:7]}",
        },
    ),
    "azure-native:managedidentity:UserAssignedIdentity": lambda c: (
        f"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
        f"{c.inputs.get('resourceGroupName')}/providers/Microsoft.ManagedIdentity/"
        f"userAssignedIdentities/{c.inputs.get('resourceName') or c.name}",
        {
            "name": c.inputs.get("resourceName") or c.name,
            "principalId": f"{c.hex[:8]}-0000-4000-8000-{c.hex[:12]}",
            "clientId": f"{c.hex[8:16]}-0000-4000-8000-{c.hex[5:17]}",
            "tenantId": "11111111-1111-1111-1111-111111111111",
        },
    ),
    "azure-native:compute:VirtualMachineScaleSet": lambda c: (
        f"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
        f"{c.inputs.get('resourceGroupName')}/providers/Microsoft.Compute/"
        f"virtualMachineScaleSets/{c.inputs.get('vmScaleSetName') or c.name}",
        {
            "name": c.inputs.get("vmScaleSetName") or c.name,
            "uniqueId": f"{c.hex[:8]}-vmss",
            # The API answers user-assigned identities as a map of id -> ids, not a list.
            "identity": {
                **(c.inputs.get("identity") or {}),
                "userAssignedIdentities": {
                    ident: {}
                    for ident in (c.inputs.get("identity") or {}).get("userAssignedIdentities", [])
                },
            },
        },
    ),
    # BlueGreenService
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _aws_ec2(
        "sgr", "security-group-rule"
    ),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": _aws_ec2(
        "sgr", "security-group-rule"
    ),
    "aws:ec2/route:Route": lambda c: (f"r-rtb-{c.hex}1080289494", {}),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": lambda c: (f"rtbassoc-{c.hex}", {}),
}


# BlueGreenService: ``_elb("loadbalancer/app")`` never adds ``dnsName`` and ``zoneId`` (its
# test is ``kind.startswith("app")``), so a load balancer's DNS name was unknown downstream.
def _application_load_balancer(c: _Ctx) -> tuple[str, dict[str, Any]]:
    arn, out = _elb("loadbalancer/app")(c)
    out["dnsName"] = f"{out['name']}-{int(c.hex[:8], 16)}.{c.region}.elb.amazonaws.com"
    out["zoneId"] = "Z35SXDOTRQ7X7K"
    return arn, out


RESOURCE_OUTPUTS["aws:lb/loadBalancer:LoadBalancer"] = _application_load_balancer


# --------------------------------------------------------------------------------------
# Invokes


def _get_ami(c: _Ctx) -> dict[str, Any]:
    owners = ",".join(c.inputs.get("owners") or [])
    filters = json.dumps(c.inputs.get("filters") or [], sort_keys=True)
    ami = f"ami-{hex_id(owners, filters)}"
    return {
        "id": ami,
        "imageId": ami,
        "name": f"mock-image-{ami[4:12]}",
        "ownerId": (c.inputs.get("owners") or [c.account])[0],
        "architecture": "x86_64",
        "rootDeviceName": "/dev/sda1",
        "creationDate": "2026-01-01T00:00:00.000Z",
        "arn": f"arn:aws:ec2:{c.region}::image/{ami}",
    }


def _get_subnet(c: _Ctx) -> dict[str, Any]:
    subnet = c.inputs.get("id") or f"subnet-{c.hex}"
    return {
        "id": subnet,
        "vpcId": f"vpc-{hex_id(str(subnet))}",
        "availabilityZone": f"{c.region}a",
        "cidrBlock": "10.0.1.0/24",
        "arn": c.arn("ec2", f"subnet/{subnet}"),
    }


def _gcp_get_image(c: _Ctx) -> dict[str, Any]:
    project = c.inputs.get("project") or "mock-project"
    family = c.inputs.get("family")
    name = c.inputs.get("name") or f"{family}-v2026{int(hex_id(str(family), length=6), 16):08d}"
    path = f"projects/{project}/global/images/{name}"
    return {
        "id": path,
        "name": name,
        "family": family,
        "project": project,
        "selfLink": f"https://www.googleapis.com/compute/v1/{path}",
        "diskSizeGb": 10,
        "status": "READY",
    }


#: invoke token -> factory of the result. Extend with :meth:`RecordingMocks.register_invoke`.
INVOKE_RESULTS: dict[str, Callable[[_Ctx], dict[str, Any]]] = {
    "aws:ec2/getAmi:getAmi": _get_ami,
    "aws:ec2/getSubnet:getSubnet": _get_subnet,
    "aws:index/getRegion:getRegion": lambda c: {
        "id": c.region,
        "name": c.region,
        "region": c.region,
        "endpoint": f"ec2.{c.region}.amazonaws.com",
    },
    "aws:index/getCallerIdentity:getCallerIdentity": lambda c: {
        "id": c.account,
        "accountId": c.account,
        "arn": f"arn:aws:iam::{c.account}:user/mock",
        "userId": "AIDAMOCK",
    },
    "aws:index/getPartition:getPartition": lambda c: {
        "id": "aws",
        "partition": "aws",
        "dnsSuffix": "amazonaws.com",
        "reverseDnsPrefix": "com.amazonaws",
    },
    "aws:index/getAvailabilityZones:getAvailabilityZones": lambda c: {
        "id": c.region,
        "names": [f"{c.region}a", f"{c.region}b", f"{c.region}c"],
        "zoneIds": ["use1-az1", "use1-az2", "use1-az4"],
    },
    # GoldenImage (GCP/Azure/lifecycle)
    "gcp:compute/getImage:getImage": _gcp_get_image,
}


class RecordingMocks(pulumi.runtime.Mocks):
    """Deterministic, realistic outputs for every resource type and invoke we use.

    Resource types without a specific factory get their inputs back and the id
    ``<name>-id``; invokes without one raise :class:`UnmockedInvokeError`. With
    ``preview=True`` every resource is a create in a preview: its id and computed
    outputs stay unknown, as ``pulumi preview`` shows them.
    """

    def __init__(
        self,
        *,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT_ID,
        preview: bool = False,
    ):
        self.region = region
        self.preview = preview
        self.account_id = account_id
        self._resources = dict(RESOURCE_OUTPUTS)
        self._invokes = dict(INVOKE_RESULTS)
        self.invokes: list[tuple[str, dict[str, Any]]] = []

    def register_resource(self, type_token: str, factory: Factory) -> None:
        """Teach the mocks the outputs of another resource type."""
        self._resources[type_token] = factory

    def register_invoke(self, token: str, factory: Callable[[_Ctx], dict[str, Any]]) -> None:
        """Teach the mocks the answer of another invoke."""
        self._invokes[token] = factory

    def _ctx(self, typ: str, name: str, inputs: Mapping[str, Any]) -> _Ctx:
        region = inputs.get("region") if isinstance(inputs.get("region"), str) else None
        return _Ctx(typ, name, inputs, hex_id(typ, name), region or self.region, self.account_id)

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        if not args.custom:
            return None, {}
        inputs = dict(args.inputs)
        if self.preview:
            # A preview of a new resource: its id and computed outputs are unknown.
            return "", inputs
        factory = self._resources.get(args.typ)
        if factory is None:
            return f"{args.name}-id", inputs
        rid, extra = factory(self._ctx(args.typ, args.name, inputs))
        state = {**inputs, **extra}
        if args.typ.startswith("aws:"):
            state.setdefault("region", self._ctx(args.typ, args.name, inputs).region)
            if "tags" in inputs:
                state.setdefault("tagsAll", inputs["tags"])
        return rid, state

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:  # type: ignore[override]
        self.invokes.append((args.token, dict(args.args)))
        factory = self._invokes.get(args.token)
        if factory is None:
            raise UnmockedInvokeError(
                f"no mock for invoke {args.token!r} (args {dict(args.args)!r}); "
                "teach it with RecordingMocks.register_invoke"
            )
        return factory(self._ctx(args.token, "invoke", dict(args.args)))


# --------------------------------------------------------------------------------------
# Recording


@dataclass
class Registration:
    """One resource registration, as the engine would have received it."""

    urn: str
    type: str
    name: str
    parent: str | None
    custom: bool
    inputs: dict[str, Any]
    """Inputs as registered (camelCase); secrets as ``"[secret]"``, unknowns as
    ``"[unknown]"``, assets and archives as ``{"asset": ...}`` / ``{"archive": ...}``."""
    revealed: dict[str, Any]
    """The same inputs with secrets revealed (for asserting what a secret holds)."""
    dependencies: list[str]
    options: dict[str, Any]
    order: int
    outputs: dict[str, Any] = field(default_factory=dict)

    def to_plan(self) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "parent": self.parent,
            "custom": self.custom,
            "inputs": self.inputs,
            "dependencies": self.dependencies,
            "options": self.options,
        }


def _plain(value: Any, reveal: bool) -> Any:
    """Turn a registered property (JSON from protobuf) into plain, readable JSON."""
    if isinstance(value, dict):
        sig = value.get(rpc._special_sig_key)
        if sig == rpc._special_secret_sig:
            return _plain(value.get("value"), reveal) if reveal else SECRET_MARK
        if sig == _ASSET_SIG:
            return {"asset": value.get("path") or value.get("uri") or value.get("hash") or "text"}
        if sig == _ARCHIVE_SIG:
            if "assets" in value:
                return {
                    "archive": {k: _plain(v, reveal) for k, v in sorted(value["assets"].items())}
                }
            return {"archive": value.get("path") or value.get("uri") or value.get("hash")}
        if sig == _RESOURCE_SIG:
            return {"resource": value.get("urn")}
        return {k: _plain(v, reveal) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, reveal) for v in value]
    if value == _UNKNOWN:
        return UNKNOWN_MARK
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _struct(message: Any) -> dict[str, Any]:
    return json_format.MessageToDict(message) if message is not None else {}


class RecordingMonitor(_mocks.MockMonitor):
    """A mock resource monitor that records every registration."""

    def __init__(self, mocks: RecordingMocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self._order: dict[tuple[str, str], list[int]] = {}
        self._seq = 0

    # Construction order, captured synchronously by a stack transformation (registration
    # RPCs run on executor threads, so their arrival order is not deterministic).
    def note_construction(self, args: pulumi.ResourceTransformationArgs) -> None:
        self._seq += 1
        self._order.setdefault((args.type_, args.name), []).append(self._seq)

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        obj = _struct(request.object)
        deps = set(request.dependencies)
        for pdeps in request.propertyDependencies.values():
            deps.update(pdeps.urns)
        timeouts = request.customTimeouts
        options: dict[str, Any] = {
            "ignoreChanges": list(request.ignoreChanges),
            "replaceOnChanges": list(request.replaceOnChanges),
            "deleteBeforeReplace": bool(request.deleteBeforeReplace),
            "retainOnDelete": bool(request.retainOnDelete),
            "deletedWith": request.deletedWith or "",
            "customTimeouts": {
                k: v
                for k, v in (
                    ("create", timeouts.create),
                    ("update", timeouts.update),
                    ("delete", timeouts.delete),
                )
                if v
            },
            "protect": bool(request.protect),
            "additionalSecretOutputs": list(request.additionalSecretOutputs),
        }
        queue = self._order.get((request.type, request.name))
        order = queue.pop(0) if queue else 0
        self.registrations.append(
            Registration(
                urn=response.urn,
                type=request.type,
                name=request.name,
                parent=request.parent or None,
                custom=bool(request.custom),
                inputs=_plain(obj, reveal=False),
                revealed=_plain(obj, reveal=True),
                dependencies=sorted(deps),
                options=options,
                order=order,
            )
        )
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        outputs = _plain(_struct(request.outputs), reveal=False)
        for reg in self.registrations:
            if reg.urn == request.urn:
                reg.outputs = outputs
        return super().RegisterResourceOutputs(request)

    def ordered(self) -> list[Registration]:
        return sorted(self.registrations, key=lambda r: r.order)


class MockRun:
    """What a test sees: the registrations, with finders and a way to wait for them."""

    def __init__(self, mocks: RecordingMocks, monitor: RecordingMonitor) -> None:
        self.mocks = mocks
        self.monitor = monitor

    def settle(self) -> None:
        """Wait until every registration and output of the program so far is done."""
        _sync_await(stack.wait_for_rpcs())

    def resolve(self, output: Any) -> Any:
        """The value of an Output (settles the program first)."""
        self.settle()
        if isinstance(output, pulumi.Output):
            return _sync_await(output.future())
        return output

    def is_secret(self, output: pulumi.Output) -> bool:
        self.settle()
        return bool(_sync_await(output.is_secret()))

    @property
    def resources(self) -> list[Registration]:
        """Every registration so far (components included), in construction order."""
        self.settle()
        return [r for r in self.monitor.ordered() if r.type != "pulumi:pulumi:Stack"]

    def of_type(self, type_token: str) -> list[Registration]:
        return [r for r in self.resources if r.type == type_token]

    def one(self, type_token: str, name: str | None = None) -> Registration:
        found = [r for r in self.of_type(type_token) if name is None or r.name == name]
        if len(found) != 1:
            names = [r.name for r in self.of_type(type_token)]
            raise LookupError(f"expected one {type_token} named {name!r}; registered: {names}")
        return found[0]

    def named(self, name: str) -> Registration:
        found = [r for r in self.resources if r.name == name]
        if len(found) != 1:
            raise LookupError(f"expected one resource named {name!r}, found {len(found)}")
        return found[0]

    def children_of(self, parent: Registration) -> list[Registration]:
        return [r for r in self.resources if r.parent == parent.urn]


def install(
    mocks: RecordingMocks,
    *,
    project: str = "project",
    stack_name: str = "stack",
    preview: bool = False,
    config: Mapping[str, str] | None = None,
    secret_keys: list[str] | None = None,
    create_stack: bool = True,
) -> RecordingMonitor:
    """Install the mocks in the current process (see :func:`mocked` for the scoped form)."""
    monitor = RecordingMonitor(mocks)
    settings.ROOT.set(None)
    pulumi.runtime.set_all_config(dict(config or {}), list(secret_keys or []))
    if create_stack:
        pulumi.runtime.set_mocks(
            mocks, project=project, stack=stack_name, preview=preview, monitor=monitor
        )
        track_construction(monitor)
    else:
        settings.configure(
            _mocks.MockSettings(
                monitor=monitor,
                monitor_features=set(
                    monitor.GetDeploymentInfo(None).supportedFeatures  # type: ignore[arg-type]
                ),
                engine=_mocks.MockEngine(None),
                project=project,
                stack=stack_name,
                dry_run=preview,
                organization=None,
                callbacks=None,
            )
        )
    return monitor


def track_construction(monitor: RecordingMonitor) -> None:
    """Record construction order from now on (call once the root stack exists)."""

    def note(args: pulumi.ResourceTransformationArgs) -> None:
        monitor.note_construction(args)
        return None

    pulumi.runtime.register_stack_transformation(note)


def uninstall() -> None:
    """Restore the runtime to its unconfigured state."""
    settings.reset_options()
    pulumi.runtime.set_all_config({}, [])


@contextlib.contextmanager
def mocked(
    *,
    region: str = DEFAULT_REGION,
    account_id: str = DEFAULT_ACCOUNT_ID,
    project: str = "project",
    stack_name: str = "stack",
    preview: bool = False,
    config: Mapping[str, str] | None = None,
) -> Iterator[MockRun]:
    """Install recording mocks for the block, restore the runtime after it.

    ``config`` keys are full Pulumi keys (``project:key``, ``aws:region``).
    """
    mocks = RecordingMocks(region=region, account_id=account_id, preview=preview)
    monitor = install(mocks, project=project, stack_name=stack_name, preview=preview, config=config)
    run = MockRun(mocks, monitor)
    try:
        yield run
        run.settle()
    finally:
        uninstall()


try:  # the fixture, when pytest is there (this module is also a pytest plugin)
    import pytest

    @pytest.fixture
    def pulumi_mocks() -> Iterator[MockRun]:
        """Recording Pulumi mocks, installed for one test and removed after it."""
        with mocked() as run:
            yield run

except ImportError:  # pragma: no cover - pytest is a test-time dependency
    pass
