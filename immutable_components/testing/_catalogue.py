"""The catalogue: every resource type and invoke the mocks know, and what they answer.

Extend it at run time with :meth:`RecordingMocks.register_resource` and
:meth:`RecordingMocks.register_invoke`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ._aws import (
    _aws_ec2,
    _elb,
    _iam,
    _image,
    _instance,
    _key_pair,
    _launch_template,
    _listener,
    _named,
    _private_key,
)
from ._context import Factory, _Ctx, hex_id
from ._data_sources import (
    azure_client_config,
    azure_resource_group,
    azure_subnet,
    gcp_network,
    gcp_project,
    gcp_subnetwork,
    gcp_zones,
    get_certificate,
    get_kms_alias,
    get_parameter,
    get_secret,
    get_security_group,
    get_subnets,
    get_vpc,
    get_zone,
)
from ._gcp_azure import (
    _azure,
    _azure_nic,
    _azure_public_ip,
    _azure_vm,
    _gcp_global,
    _gcp_instance,
    _launch_permission,
)

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
        f"projects/{c.project}/serviceAccounts/"
        f"{c.inputs.get('accountId')}@{c.project}"
        ".iam.gserviceaccount.com",
        {
            "email": f"{c.inputs.get('accountId')}@{c.project}.iam.gserviceaccount.com",
            "uniqueId": str(int(c.hex[:15], 16)),
        },
    ),
    "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager": lambda c: (
        f"projects/{c.project}/regions/"
        f"{c.inputs.get('region')}/instanceGroupManagers/{c.name}-{c.hex[:7]}",
        {
            "name": f"{c.name}-{c.hex[:7]}",
            "selfLink": "https://www.googleapis.com/compute/v1/projects/"
            f"{c.project}/regions/{c.inputs.get('region')}"
            f"/instanceGroupManagers/{c.name}-{c.hex[:7]}",
            "instanceGroup": "https://www.googleapis.com/compute/v1/projects/"
            f"{c.project}/regions/{c.inputs.get('region')}"
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
    project = c.project
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
    # GoldenImage: images of a build hash this account holds (none in a fresh account).
    "aws:ec2/getAmiIds:getAmiIds": lambda c: {"id": c.region, "ids": []},
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
    # GoldenImage: images of a build hash the project holds (none in a fresh project).
    "gcp:compute/getImages:getImages": lambda c: {"id": c.project, "images": []},
    # Programs as users write them (docs/plan.md, "Mocked data sources")
    "aws:ec2/getVpc:getVpc": get_vpc,
    "aws:ec2/getSubnets:getSubnets": get_subnets,
    "aws:ec2/getSecurityGroup:getSecurityGroup": get_security_group,
    "aws:ssm/getParameter:getParameter": get_parameter,
    "aws:secretsmanager/getSecret:getSecret": get_secret,
    "aws:acm/getCertificate:getCertificate": get_certificate,
    "aws:route53/getZone:getZone": get_zone,
    "aws:kms/getAlias:getAlias": get_kms_alias,
    "gcp:organizations/getProject:getProject": gcp_project,
    "gcp:compute/getZones:getZones": gcp_zones,
    "gcp:compute/getNetwork:getNetwork": gcp_network,
    "gcp:compute/getSubnetwork:getSubnetwork": gcp_subnetwork,
    "azure-native:authorization:getClientConfig": azure_client_config,
    "azure-native:resources:getResourceGroup": azure_resource_group,
    "azure-native:network:getSubnet": azure_subnet,
}
