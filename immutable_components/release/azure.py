"""AzureScaleSetRelease: a VM scale set on the image, upgraded by rolling batches.

Resources, all children of the component, in order:

``{name}-identity``      user-assigned managed identity of the instances
``{name}-secret-N``      "Key Vault Secrets User" on exactly secret N (only with secrets)
``{name}-vmss``          the scale set (Uniform orchestration): rolling upgrade policy, the
                         Application Health extension (or a load balancer probe) as the
                         health signal the rollout waits on, automatic repairs, custom data
                         that fetches the secrets at boot with the identity

A release changes the image reference (and custom data): Azure upgrades the instances in
batches, pausing between batches, and stops (rolling back the failed instances) when the
unhealthy limits are breached.
"""

import base64
import uuid
from pathlib import Path

import pulumi
import pulumi_azure_native as azure
import pulumi_tls as tls

from .._constants import MANAGED_BY
from .._passdown import child_options
from .._records import build
from .._validate import Check
from .args import AzureScaleSetReleaseArgs, validate_azure_release
from .boot_config import boot_script

__all__ = ["AzureScaleSetRelease", "AzureScaleSetReleaseArgs"]

TYPE_TOKEN = "immutable:index:AzureScaleSetRelease"  # noqa: S105 (a type token)
SECRETS_USER_ROLE = "4633458b-17de-408a-b874-0445c86b69e6"  # Key Vault Secrets User
_FETCHER = Path(__file__).with_name("_fetch_azure.py")


class AzureScaleSetRelease(pulumi.ComponentResource):
    """Release an image onto a VM scale set, upgraded in rolling batches."""

    scale_set_id: pulumi.Output[str]
    """The scale set's resource id."""
    scale_set_name: pulumi.Output[str]
    """The scale set's name."""
    identity_id: pulumi.Output[str]
    """The user-assigned identity's resource id."""
    identity_principal_id: pulumi.Output[str]
    """The identity's principal id (grant it more roles here)."""

    def __init__(
        self,
        name: str,
        args: AzureScaleSetReleaseArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        check = Check("AzureScaleSetRelease", name)
        args = build(AzureScaleSetReleaseArgs, args, check)
        validate_azure_release(check, args)
        super().__init__(TYPE_TOKEN, name, None, opts)

        def child(args_type: type, **options: object) -> pulumi.ResourceOptions:
            return child_options(self, opts, args_type, **options)  # type: ignore[arg-type]

        tags: dict[str, pulumi.Input[str]] = {**args.tags, "ManagedBy": MANAGED_BY, "Release": name}
        if args.image_build_hash is not None:
            tags["ImageBuildHash"] = args.image_build_hash
        admin_key: pulumi.Input[str]
        if args.ssh_public_key is not None:
            admin_key = args.ssh_public_key
        else:
            admin_key = tls.PrivateKey(
                f"{name}-admin-key",
                algorithm="ED25519",
                opts=pulumi.ResourceOptions(parent=self),
            ).public_key_openssh
        identity = azure.managedidentity.UserAssignedIdentity(
            f"{name}-identity",
            resource_group_name=args.resource_group_name,
            location=args.location,
            tags=tags,
            opts=child(azure.managedidentity.UserAssignedIdentityArgs),
        )
        grants = []
        for index, key in enumerate(sorted(args.secrets)):
            secret_name = args.secrets[key].rsplit("/", 1)[1]
            vault: pulumi.Output[str] = pulumi.Output.from_input(args.key_vault_id)  # type: ignore[arg-type]
            grants.append(
                azure.authorization.RoleAssignment(
                    f"{name}-secret-{index}",
                    role_assignment_name=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{name}/{key}")),
                    scope=vault.apply(("{}/secrets/" + secret_name).format),
                    role_definition_id=vault.apply(
                        lambda v: (
                            v.split("/resourceGroups/")[0]
                            + "/providers/Microsoft.Authorization/roleDefinitions/"
                            + SECRETS_USER_ROLE
                        )
                    ),
                    principal_id=identity.principal_id,
                    principal_type="ServicePrincipal",
                    opts=child(azure.authorization.RoleAssignmentArgs),
                )
            )
        custom_data = pulumi.Output.all(identity.client_id, dict(args.settings)).apply(
            lambda v: base64.b64encode(
                boot_script(
                    {
                        "env_file": args.env_file,
                        "settings": dict(sorted(v[1].items())),
                        "secrets": dict(sorted(args.secrets.items())),
                        "client_id": v[0],
                    },
                    _FETCHER,
                    args.env_file,
                    args.restart_services,
                ).encode()
            ).decode()
        )
        ip_configuration: dict[str, object] = {
            "name": "ipconfig",
            "primary": True,
            "subnet": {"id": args.subnet_id},
        }
        if args.load_balancer_backend_pool_ids:
            ip_configuration["load_balancer_backend_address_pools"] = [
                {"id": pool} for pool in args.load_balancer_backend_pool_ids
            ]
        network_profile: dict[str, object] = {
            "network_interface_configurations": [
                {"name": f"{name}-nic", "primary": True, "ip_configurations": [ip_configuration]}
            ]
        }
        extensions = []
        if args.load_balancer_probe_id is not None:
            network_profile["health_probe"] = {"id": args.load_balancer_probe_id}
        else:
            extensions.append(
                {
                    "name": "HealthExtension",
                    "publisher": "Microsoft.ManagedServices",
                    "type": "ApplicationHealthLinux",
                    "type_handler_version": "2.0",
                    "auto_upgrade_minor_version": True,
                    "settings": {
                        "protocol": "http",
                        "port": args.health_port,
                        "requestPath": args.health_path,
                    },
                }
            )
        scale_set = azure.compute.VirtualMachineScaleSet(
            f"{name}-vmss",
            resource_group_name=args.resource_group_name,
            location=args.location,
            orchestration_mode="Uniform",
            sku={"name": args.vm_size, "tier": "Standard", "capacity": args.capacity},
            zones=list(args.zones) or None,
            overprovision=False,
            identity={"type": "UserAssigned", "user_assigned_identities": [identity.id]},
            upgrade_policy={
                "mode": "Rolling",
                "rolling_upgrade_policy": {
                    "max_batch_instance_percent": args.max_batch_instance_percent,
                    "max_unhealthy_instance_percent": args.max_unhealthy_instance_percent,
                    "max_unhealthy_upgraded_instance_percent": (
                        args.max_unhealthy_upgraded_instance_percent
                    ),
                    "pause_time_between_batches": args.pause_time_between_batches,
                    "rollback_failed_instances_on_policy_breach": (
                        args.rollback_failed_instances_on_policy_breach
                    ),
                    "max_surge": args.max_surge,
                    "prioritize_unhealthy_instances": True,
                },
            },
            automatic_repairs_policy={"enabled": True, "grace_period": "PT10M"},
            virtual_machine_profile={
                "storage_profile": {
                    "image_reference": {"id": args.image_id},
                    "os_disk": {
                        "create_option": "FromImage",
                        "caching": "ReadWrite",
                        "managed_disk": {"storage_account_type": "Premium_LRS"},
                    },
                },
                "os_profile": {
                    "computer_name_prefix": name[:9],
                    "admin_username": args.admin_username,
                    "custom_data": custom_data,
                    "linux_configuration": {
                        "disable_password_authentication": True,
                        "ssh": {
                            "public_keys": [
                                {
                                    "path": f"/home/{args.admin_username}/.ssh/authorized_keys",
                                    "key_data": admin_key,
                                }
                            ]
                        },
                    },
                },
                "network_profile": network_profile,
                **({"extension_profile": {"extensions": extensions}} if extensions else {}),
            },
            tags=tags,
            opts=child(azure.compute.VirtualMachineScaleSetArgs, depends_on=grants or None),
        )
        self.scale_set_id = scale_set.id
        self.scale_set_name = scale_set.name
        self.identity_id = identity.id
        self.identity_principal_id = identity.principal_id
        self.register_outputs(
            {
                "scale_set_id": self.scale_set_id,
                "scale_set_name": self.scale_set_name,
                "identity_id": self.identity_id,
                "identity_principal_id": self.identity_principal_id,
            }
        )
