"""AzureScaleSetRelease: rolling upgrade policy, health signal, identity and custom data."""

from __future__ import annotations

import base64
import json
from dataclasses import replace

import pytest

from immutable_components import ComponentInputError

azure_release = pytest.importorskip("immutable_components.release.azure")
Release, Args = azure_release.AzureScaleSetRelease, azure_release.AzureScaleSetReleaseArgs

RG = "rg-app"
SUB = "/subscriptions/00000000-0000-0000-0000-000000000000"
VAULT = f"{SUB}/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/app-kv"
IMAGE = f"{SUB}/resourceGroups/rg-img/providers/Microsoft.Compute/images/app-43f4a4fd"
SUBNET = f"{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v/subnets/apps"
BASE = Args(
    resource_group_name=RG,
    image_id=IMAGE,
    subnet_id=SUBNET,
    ssh_public_key="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMOCK ops",
    location="westeurope",
    settings={"APP_MESSAGE": "hello"},
    secrets={"DB_PASSWORD": "https://app-kv.vault.azure.net/secrets/db-password"},
    key_vault_id=VAULT,
)
VMSS = "azure-native:compute:VirtualMachineScaleSet"


def make(mocks, args=BASE):
    component = Release("web", args)
    mocks.settle()
    return component


def test_children(pulumi_mocks):
    make(pulumi_mocks)
    parent = pulumi_mocks.one("immutable:index:AzureScaleSetRelease", "web")
    assert [(r.type, r.name) for r in pulumi_mocks.children_of(parent)] == [
        ("azure-native:managedidentity:UserAssignedIdentity", "web-identity"),
        ("azure-native:authorization:RoleAssignment", "web-secret-0"),
        (VMSS, "web-vmss"),
    ]


def test_rolling_upgrade_policy_and_health_extension(pulumi_mocks):
    make(pulumi_mocks)
    vmss = pulumi_mocks.one(VMSS, "web-vmss").inputs
    assert vmss["upgradePolicy"] == {
        "mode": "Rolling",
        "rollingUpgradePolicy": {
            "maxBatchInstancePercent": 20,
            "maxUnhealthyInstancePercent": 20,
            "maxUnhealthyUpgradedInstancePercent": 20,
            "pauseTimeBetweenBatches": "PT0S",
            "rollbackFailedInstancesOnPolicyBreach": True,
            "maxSurge": True,
            "prioritizeUnhealthyInstances": True,
        },
    }
    assert vmss["automaticRepairsPolicy"] == {"enabled": True, "gracePeriod": "PT10M"}
    assert vmss["orchestrationMode"] == "Uniform"
    profile = vmss["virtualMachineProfile"]
    assert profile["extensionProfile"]["extensions"] == [
        {
            "name": "HealthExtension",
            "publisher": "Microsoft.ManagedServices",
            "type": "ApplicationHealthLinux",
            "typeHandlerVersion": "2.0",
            "autoUpgradeMinorVersion": True,
            "settings": {"protocol": "http", "port": 8080, "requestPath": "/healthz"},
        }
    ]
    assert profile["storageProfile"]["imageReference"] == {"id": IMAGE}
    nic = profile["networkProfile"]["networkInterfaceConfigurations"][0]
    assert nic["ipConfigurations"] == [
        {"name": "ipconfig", "primary": True, "subnet": {"id": SUBNET}}
    ]  # no public IP configuration
    linux = profile["osProfile"]["linuxConfiguration"]
    assert linux["disablePasswordAuthentication"] is True
    assert vmss["sku"] == {"name": "Standard_B2s", "tier": "Standard", "capacity": 2}


def test_identity_and_custom_data_carry_references_only(pulumi_mocks):
    component = make(pulumi_mocks)
    vmss = pulumi_mocks.one(VMSS, "web-vmss")
    identity_id = pulumi_mocks.resolve(component.identity_id)
    assert vmss.inputs["identity"] == {
        "type": "UserAssigned",
        "userAssignedIdentities": [identity_id],
    }
    script = base64.b64decode(vmss.inputs["virtualMachineProfile"]["osProfile"]["customData"])
    text = script.decode()
    spec = json.loads(text.split("<<'IMMUTABLE_SPEC'\n")[1].split("\nIMMUTABLE_SPEC")[0])
    assert spec["secrets"] == {"DB_PASSWORD": "https://app-kv.vault.azure.net/secrets/db-password"}
    assert spec["settings"] == {"APP_MESSAGE": "hello"}
    assert spec["client_id"].count("-") == 4
    grant = pulumi_mocks.one("azure-native:authorization:RoleAssignment", "web-secret-0")
    assert grant.inputs["scope"] == f"{VAULT}/secrets/db-password"
    assert grant.inputs["roleDefinitionId"] == (
        f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/"
        "4633458b-17de-408a-b874-0445c86b69e6"
    )
    assert grant.inputs["principalType"] == "ServicePrincipal"
    assert grant.urn in vmss.dependencies


def test_load_balancer_probe_replaces_the_extension(pulumi_mocks):
    probe = f"{SUB}/resourceGroups/rg-app/providers/Microsoft.Network/loadBalancers/lb/probes/http"
    make(pulumi_mocks, replace(BASE, load_balancer_probe_id=probe, secrets={}, key_vault_id=None))
    profile = pulumi_mocks.one(VMSS).inputs["virtualMachineProfile"]
    assert profile["networkProfile"]["healthProbe"] == {"id": probe}
    assert "extensionProfile" not in profile
    assert pulumi_mocks.of_type("azure-native:authorization:RoleAssignment") == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"max_batch_instance_percent": 101}, "max_batch_instance_percent"),
        ({"max_unhealthy_instance_percent": 2}, "max_unhealthy_instance_percent"),
        (
            {"max_unhealthy_upgraded_instance_percent": -1},
            "max_unhealthy_upgraded_instance_percent",
        ),
        ({"pause_time_between_batches": "2 minutes"}, "pause_time_between_batches"),
        ({"ssh_public_key": "password"}, "ssh_public_key"),
        ({"vm_size": "B2s"}, "vm_size"),
        ({"secrets": {"DB": "https://example.com/db"}}, "secrets['DB']"),
        ({"key_vault_id": None}, "key_vault_id"),
        (
            {"rollback_failed_instances_on_policy_breach": "yes"},
            "rollback_failed_instances_on_policy_breach",
        ),
        ({"max_surge": "yes"}, "max_surge"),
        ({"capacity": -1}, "capacity"),
        ({"capacity": 1001}, "capacity"),
        ({"image_id": ""}, "image_id"),
        ({"image_build_hash": ""}, "image_build_hash"),
        ({"zones": ["1", None]}, "zones[1]"),
        ({"settings": {"A": None}}, "settings['A']"),
        ({"tags": {"Team": None}}, "tags['Team']"),
        ({"load_balancer_backend_pool_ids": [None]}, "load_balancer_backend_pool_ids[0]"),
        ({"health_path": "healthz"}, "health_path"),
        ({"image_id": "app-43f4a4fd"}, "image_id"),  # a name, not a resource id
        ({"image_id": VAULT}, "image_id"),  # a resource id of another type
        ({"subnet_id": "apps"}, "subnet_id"),
        ({"key_vault_id": "app-kv"}, "key_vault_id"),
        ({"load_balancer_probe_id": "http"}, "load_balancer_probe_id"),
        ({"load_balancer_backend_pool_ids": [SUBNET]}, "load_balancer_backend_pool_ids[0]"),
    ],
)
def test_bad_inputs_are_refused(pulumi_mocks, changes, field):
    """Each bad input fails on exactly its own field (not a prefix of it in the message)."""
    with pytest.raises(ComponentInputError) as info:
        Release("web", replace(BASE, **changes))
    assert info.value.field == field
    assert info.value.component == "AzureScaleSetRelease 'web'"
    assert pulumi_mocks.resources == []


def test_a_record_of_another_type_is_refused(pulumi_mocks):
    with pytest.raises(ComponentInputError) as info:
        Release("web", {"image": "x"})
    assert (info.value.field, info.value.value) == ("image", "x")


def test_without_a_key_the_admin_gets_one_nobody_holds(pulumi_mocks):
    from dataclasses import replace

    from immutable_components.release.azure import AzureScaleSetRelease

    AzureScaleSetRelease("web", replace(BASE, ssh_public_key=None))
    key = pulumi_mocks.one("tls:index/privateKey:PrivateKey", "web-admin-key")
    assert key.inputs == {"algorithm": "ED25519"}
    vmss = pulumi_mocks.one("azure-native:compute:VirtualMachineScaleSet")
    (public_key,) = vmss.inputs["virtualMachineProfile"]["osProfile"]["linuxConfiguration"]["ssh"][
        "publicKeys"
    ]
    assert public_key["keyData"].startswith("ssh-ed25519 ")
    assert key.urn in vmss.dependencies
