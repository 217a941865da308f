"""GoldenImage on Azure: a builder VM, generalized, captured into an image and published
in an Azure Compute Gallery (Packer's azure-arm way, as Pulumi resources).

Resources (pulumi-azure-native), all children of the GoldenImage:

``{name}-ssh-key``        tls PrivateKey (ED25519): the admin user's only credential
                          (password authentication off)
``{name}-builder-nsg``    NSG: tcp/22 allowed from ``ssh_cidrs``, every other SSH denied
``{name}-builder-ip``     (``public_ip=True``) a Standard static public IP
``{name}-builder-nic``    the NIC, in ``subnet_id``, with the NSG
``{name}-builder``        the VM: OS disk deleted with it; its tags carry the build hash
                          and are in ``replace_on_changes`` (every rebake, a fresh VM)
``{name}-wait-ready``, ``{name}-provision-N``   the provisioners (see ``_remote``)
``{name}-deprovision``    ``waagent -force -deprovision+user`` (or ``cloud-init clean``):
                          removes the admin user, its SSH key, host keys and DHCP leases
``{name}-generalize``     local ``az vm deallocate`` then ``az vm generalize``
``{name}-image``          a managed image of the generalized VM (the test boots from it)
``{name}-test-*``         (with ``test``) NIC, VM, ready, run, ``-test-deallocated``
``{name}-definition``     (with ``gallery``) the gallery image definition: the channel
``{name}-version``        (with ``gallery``) the image version, from the managed image,
                          created only after the test passed, replicated to the regions;
                          named by the build (``args.gallery_version_name``), retained
                          when replaced or destroyed

Why generalized, through the Azure CLI: an image for a fleet must be generalized, so each
VM gets its own admin user, SSH key, host keys and hostname (a *specialized* image would
copy the builder's identity, host keys and authorized key into every VM, and Azure
provisions no user on it). Generalizing is an action on the VM (``deallocate`` then
``generalize``), and azure-native has no resource for either, so a pulumi-command local
command runs ``az``: it needs the Azure CLI, logged in to the subscription, on the machine
running ``pulumi up`` (the same way the GCP builder needs ``gcloud``).

Why the version is created after the test instead of flipping ``exclude_from_latest``:
a resource cannot be created with one value and changed to another in the same update,
so the only declarative "not visible until tested" is "not created until tested". The
test boots from the managed image; the version is made from that image afterwards.

Why one version per build, never replaced in place: a scale set rolls only when its image
reference (the version id) changes. azure-native replaces a ``GalleryImageVersion`` only
when a path parameter changes (gallery, definition, version name, resource group:
pulumi/pulumi-azure-native ``provider/pkg/provider/diff.go`` and the schema's
``willReplaceOnChanges``). A new ``storageProfile.source`` under the same name is an
in-place update that keeps the id (and Azure kept serving the old image after one:
hashicorp/terraform-provider-azurerm#2301); deleting and recreating it keeps the id too.
Either way the scale set never rolls. So:

* the version is named by the build (``args.gallery_version_name``: ``Major.Minor`` plus a
  patch from the build hash), so each build is a new version id;
* ``storageProfile`` is in ``replace_on_changes``: under a pinned ``Major.Minor.Patch`` a
  new source is a create, which azure-native refuses while the version exists ("cannot
  create already existing resource": ``provider/pkg/azure/client_azcore.go``
  ``CanCreate``), so ``up`` fails before anything using the version changes;
* it is never deleted before its replacement exists and is retained when replaced or
  destroyed, like the managed image: instances still on it, or put back on it by the
  scale set's rollback of failed instances, need it.

A definition with versions cannot be deleted ("CannotDeleteResource: Cannot delete
resource while nested resources exist"), so ``pulumi destroy`` stops at
``{name}-definition`` until its versions are deleted (``az sig image-version delete``).
"""

from __future__ import annotations

import shlex
from typing import Any

import pulumi
import pulumi_azure_native.compute as compute
import pulumi_azure_native.network as network
import pulumi_tls as tls
from pulumi_command import local

from . import _remote
from ._lifecycle import run_test
from ._plan import BakePlan, BakeResult, SourceImage
from .args import AzureBuilder, gallery_version_name, marketplace_key

__all__ = ["bake", "bake_scope", "hash_settings", "source"]


# -- the source and the hash -----------------------------------------------------------


def source(b: AzureBuilder, component: pulumi.ComponentResource) -> SourceImage:
    """The image the builder boots from: a pinned marketplace image or an image id."""
    market = b.source_marketplace
    if market is not None:
        key = marketplace_key(market)
        return SourceImage(key=f"azure-marketplace:{key}", label=key, image=key)
    image = b.source_image_id
    assert image is not None  # validated: exactly one source
    return SourceImage(
        key=f"azure-image:{image.lower()}"
        if isinstance(image, str)
        else pulumi.Output.concat(image).apply(lambda s: f"azure-image:{s.lower()}"),
        label=image,
        image=image,
    )


def _image_reference(b: AzureBuilder, plan: BakePlan) -> dict[str, Any]:
    market = b.source_marketplace
    if market is not None:
        return {
            "publisher": market.publisher,
            "offer": market.offer,
            "sku": market.sku,
            "version": market.version,
        }
    return {"id": plan.source.image}


def hash_settings(b: AzureBuilder) -> dict[str, Any]:
    """The builder settings that shape the disk (part of the build hash)."""
    des = b.disk_encryption_set_id
    return {
        "cloud": "azure",
        "vm_size": b.vm_size,
        "os_disk_size_gb": b.os_disk_size_gb,
        "storage_account_type": b.storage_account_type,
        "disk_encryption_set_id": des if isinstance(des, str) or des is None else "[output]",
        "hyper_v_generation": b.hyper_v_generation,
    }


def bake_scope(b: AzureBuilder) -> str:
    """Where an image name must be unique: the resource group."""
    return str(b.resource_group_name)


# -- resources -------------------------------------------------------------------------


DEPROVISION = """\
set -eu
sync
if command -v waagent >/dev/null 2>&1; then
  sudo waagent -force -deprovision+user
else
  sudo cloud-init clean --logs --machine-id || true
  sudo rm -f /etc/ssh/ssh_host_*
fi
sync
"""


def _az(*commands: list[str]) -> str:
    return " && ".join(" ".join(shlex.quote(part) for part in cmd) for cmd in commands)


def _vm(
    b: AzureBuilder,
    component: pulumi.ComponentResource,
    name: str,
    role: str,
    *,
    image_reference: dict[str, Any],
    vm_size: str,
    nsg_id: pulumi.Input[str],
    public_key: pulumi.Input[str],
    tags: dict[str, Any],
) -> tuple[compute.VirtualMachine, pulumi.Input[str]]:
    child = pulumi.ResourceOptions(parent=component)
    common = {"resource_group_name": b.resource_group_name, "location": b.location}
    ip = None
    if b.public_ip:
        ip = network.PublicIPAddress(
            f"{name}-{role}-ip",
            sku=network.PublicIPAddressSkuArgs(name="Standard"),
            public_ip_allocation_method="Static",
            tags=dict(b.tags or {}),
            opts=child,
            **common,
        )
    nic = network.NetworkInterface(
        f"{name}-{role}-nic",
        ip_configurations=[
            network.NetworkInterfaceIPConfigurationArgs(
                name="primary",
                subnet=network.SubnetArgs(id=b.subnet_id),
                private_ip_allocation_method="Dynamic",
                public_ip_address=network.PublicIPAddressArgs(id=ip.id) if ip else None,
            )
        ],
        network_security_group=network.NetworkSecurityGroupArgs(id=nsg_id),
        tags=dict(b.tags or {}),
        opts=child,
        **common,
    )
    vm = compute.VirtualMachine(
        f"{name}-{role}",
        hardware_profile=compute.HardwareProfileArgs(vm_size=vm_size),
        storage_profile=compute.StorageProfileArgs(
            image_reference=compute.ImageReferenceArgs(**image_reference),
            os_disk=compute.OSDiskArgs(
                create_option="FromImage",
                delete_option="Delete",
                disk_size_gb=b.os_disk_size_gb,
                managed_disk=compute.ManagedDiskParametersArgs(
                    storage_account_type=b.storage_account_type,
                    disk_encryption_set=compute.DiskEncryptionSetParametersArgs(
                        id=b.disk_encryption_set_id
                    )
                    if b.disk_encryption_set_id is not None
                    else None,
                ),
            ),
        ),
        os_profile=compute.OSProfileArgs(
            computer_name=f"{name}-{role}"[:63],
            admin_username=b.ssh_user,
            linux_configuration=compute.LinuxConfigurationArgs(
                disable_password_authentication=True,
                ssh=compute.SshConfigurationArgs(
                    public_keys=[
                        compute.SshPublicKeyArgs(
                            path=f"/home/{b.ssh_user}/.ssh/authorized_keys",
                            key_data=public_key,
                        )
                    ]
                ),
            ),
        ),
        network_profile=compute.NetworkProfileArgs(
            network_interfaces=[compute.NetworkInterfaceReferenceArgs(id=nic.id, primary=True)]
        ),
        tags=tags,
        opts=pulumi.ResourceOptions(parent=component, replace_on_changes=["tags"]),
        **common,
    )
    host = (
        ip.ip_address
        if ip
        else nic.ip_configurations.apply(
            lambda cs: (cs or [None])[0].private_ip_address if cs else None
        )
    )
    return vm, host


def bake(
    b: AzureBuilder, component: pulumi.ComponentResource, name: str, plan: BakePlan
) -> BakeResult:
    child = pulumi.ResourceOptions(parent=component)
    common = {"resource_group_name": b.resource_group_name, "location": b.location}
    tags = {**(b.tags or {}), "ManagedBy": str(plan.provenance["ManagedBy"])}
    key = tls.PrivateKey(f"{name}-ssh-key", algorithm="ED25519", opts=child)
    ssh_rule = {
        "protocol": "Tcp",
        "source_port_range": "*",
        "destination_address_prefix": "*",
        "destination_port_range": "22",
        "direction": "Inbound",
    }
    nsg = network.NetworkSecurityGroup(
        f"{name}-builder-nsg",
        security_rules=[
            network.SecurityRuleArgs(
                name="ssh-from-baking-machine",
                priority=100,
                access="Allow",
                source_address_prefixes=list(b.ssh_cidrs),
                **ssh_rule,
            ),
            network.SecurityRuleArgs(
                name="deny-other-ssh",
                priority=4096,
                access="Deny",
                source_address_prefix="*",
                **ssh_rule,
            ),
        ],
        tags=tags,
        opts=child,
        **common,
    )
    builder, host = _vm(
        b,
        component,
        name,
        "builder",
        image_reference=_image_reference(b, plan),
        vm_size=b.vm_size,
        nsg_id=nsg.id,
        public_key=key.public_key_openssh,
        tags={**tags, "Name": f"{name}-builder", "BuildHash": plan.build_hash},
    )
    conn = _remote.connection(host, b.ssh_user, key.private_key_openssh, b.ssh_timeout_minutes)
    steps = _remote.provision(
        name,
        parent=component,
        builder=builder,
        conn=conn,
        provisioners=plan.provisioners,
        build_hash=plan.build_hash,
    )
    after_steps = pulumi.ResourceOptions(parent=component, deleted_with=builder)
    deprovision = _remote_cmd(
        f"{name}-deprovision", conn, DEPROVISION, plan, steps[-1], after_steps
    )
    generalize = local.Command(
        f"{name}-generalize",
        create=builder.id.apply(
            lambda i: _az(
                ["az", "vm", "deallocate", "--ids", i], ["az", "vm", "generalize", "--ids", i]
            )
        ),
        triggers=[plan.build_hash],
        opts=pulumi.ResourceOptions.merge(
            after_steps,
            pulumi.ResourceOptions(depends_on=[deprovision], ignore_changes=["create"]),
        ),
    )
    timeouts = pulumi.CustomTimeouts(
        create=f"{b.image_timeout_minutes}m", delete=f"{b.image_timeout_minutes}m"
    )
    image = compute.Image(
        f"{name}-image",
        image_name=plan.image_name,
        source_virtual_machine=compute.SubResourceArgs(id=builder.id),
        hyper_v_generation=b.hyper_v_generation,
        tags=dict(plan.provenance),
        opts=pulumi.ResourceOptions(
            parent=component,
            depends_on=[generalize],
            custom_timeouts=timeouts,
            retain_on_delete=True,
        ),
        **common,
    )
    gate = None
    if plan.test is not None:
        tester, test_host = _vm(
            b,
            component,
            name,
            "test",
            image_reference={"id": image.id},
            vm_size=plan.test.instance_type or b.vm_size,
            nsg_id=nsg.id,
            public_key=key.public_key_openssh,
            tags={**tags, "Name": f"{name}-test", "BuildHash": plan.build_hash},
        )
        test_conn = _remote.connection(
            test_host, b.ssh_user, key.private_key_openssh, b.ssh_timeout_minutes
        )
        gate = run_test(
            name,
            parent=component,
            instance=tester,
            conn=test_conn,
            test=plan.test,
            image_id=image.id,
        )
        local.Command(
            f"{name}-test-deallocated",
            create=tester.id.apply(lambda i: _az(["az", "vm", "deallocate", "--ids", i])),
            triggers=[image.id],
            opts=pulumi.ResourceOptions(
                parent=component,
                depends_on=[gate],
                deleted_with=tester,
                ignore_changes=["create"],
            ),
        )
    if b.gallery is None:
        return BakeResult(image_id=image.id, region=image.location)
    g = b.gallery
    definition_name = plan.channel or _definition_name(name)
    definition = compute.GalleryImage(
        f"{name}-definition",
        gallery_name=g.gallery_name,
        gallery_image_name=definition_name,
        os_type="Linux",
        os_state="Generalized",
        hyper_v_generation=b.hyper_v_generation,
        identifier=compute.GalleryImageIdentifierArgs(
            publisher=g.publisher, offer=g.offer or definition_name, sku=g.sku
        ),
        description=f"Image channel {definition_name} (immutable-components)",
        tags=tags,
        opts=child,
        **common,
    )
    regions = [b.location, *g.replica_regions]
    h = plan.build_hash
    version_name = (
        gallery_version_name(g, h)
        if isinstance(h, str)
        else h.apply(lambda v: gallery_version_name(g, v))
    )
    version = compute.GalleryImageVersion(
        f"{name}-version",
        gallery_name=g.gallery_name,
        gallery_image_name=definition.name,
        gallery_image_version_name=version_name,
        publishing_profile=compute.GalleryImageVersionPublishingProfileArgs(
            exclude_from_latest=False,
            replica_count=g.replica_count,
            storage_account_type=g.storage_account_type,
            target_regions=[
                compute.TargetRegionArgs(
                    name=r,
                    regional_replica_count=g.replica_count,
                    storage_account_type=g.storage_account_type,
                )
                for r in regions
            ],
        ),
        storage_profile=compute.GalleryImageVersionStorageProfileArgs(
            source=compute.GalleryArtifactVersionFullSourceArgs(id=image.id)
        ),
        tags=dict(plan.provenance),
        opts=pulumi.ResourceOptions(
            parent=component,
            depends_on=[gate] if gate is not None else [],
            replace_on_changes=["storageProfile"],
            retain_on_delete=True,
            custom_timeouts=timeouts,
        ),
        **common,
    )
    return BakeResult(image_id=version.id, region=version.location, channel=definition.name)


def _remote_cmd(
    name: str,
    conn: Any,
    script: str,
    plan: BakePlan,
    after: pulumi.Resource,
    opts: pulumi.ResourceOptions,
) -> pulumi.Resource:
    from pulumi_command import remote

    return remote.Command(
        name,
        connection=conn,
        create=script,
        triggers=[plan.build_hash],
        opts=pulumi.ResourceOptions.merge(
            opts,
            pulumi.ResourceOptions(depends_on=[after], ignore_changes=_remote.COMMAND_IGNORED),
        ),
    )


def _definition_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "-" for c in name)[:80]
