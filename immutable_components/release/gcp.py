"""GcpInstanceGroupRelease: a new instance template per release, rolled by a regional MIG.

Resources, all children of the component, in order:

``{name}-sa``            the instances' service account
``{name}-secret-N``      ``roles/secretmanager.secretAccessor`` on exactly secret N
``{name}-hc``            HTTP health check (auto-healing, and the rollout's readiness)
``{name}-hc-firewall``   lets Google's health checkers reach the port (tagged instances)
``{name}-template``      instance template, ``name_prefix``: a release is a *new* template
                         (templates are immutable; Pulumi creates the new one before it
                         deletes the old, so an "already in use" template is never replaced
                         in place)
``{name}-mig``           regional managed instance group, proactive rolling update,
                         ``wait_for_instances_status="UPDATED"`` (waits until every instance
                         runs the new template, not only until the API call returns)
"""

import json
from pathlib import Path

import pulumi
import pulumi_gcp as gcp

from .._constants import MANAGED_BY
from .._passdown import child_options
from .._records import build
from .._validate import Check
from .args import GcpInstanceGroupReleaseArgs, validate_gcp_release

__all__ = ["GcpInstanceGroupRelease", "GcpInstanceGroupReleaseArgs"]

TYPE_TOKEN = "immutable:index:GcpInstanceGroupRelease"  # noqa: S105 (a type token)
HEALTH_CHECK_RANGES = ["35.191.0.0/16", "130.211.0.0/22"]
_FETCHER = Path(__file__).with_name("_fetch_gcp.py")


class GcpInstanceGroupRelease(pulumi.ComponentResource):
    """Release an image onto a regional managed instance group, rolled and waited on."""

    instance_template_self_link: pulumi.Output[str]
    """The template of this release (a new one per release)."""
    instance_group_manager_id: pulumi.Output[str]
    """The regional managed instance group."""
    instance_group: pulumi.Output[str]
    """The group's instance group URL (a backend service's backend)."""
    health_check_id: pulumi.Output[str]
    """The health check (reuse it in a backend service)."""
    service_account_email: pulumi.Output[str]
    """The instances' service account."""

    def __init__(
        self,
        name: str,
        args: GcpInstanceGroupReleaseArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        check = Check("GcpInstanceGroupRelease", name)
        args = build(GcpInstanceGroupReleaseArgs, args, check)
        validate_gcp_release(check, args, name)
        super().__init__(TYPE_TOKEN, name, None, opts)

        def child(args_type: type, **options: object) -> pulumi.ResourceOptions:
            return child_options(self, opts, args_type, **options)  # type: ignore[arg-type]

        project = args.project
        account = gcp.serviceaccount.Account(
            f"{name}-sa",
            account_id=f"{name}-vm",
            display_name=f"Instances of the {name} group (immutable-components)",
            project=project,
            opts=child(gcp.serviceaccount.AccountArgs),
        )
        members = [
            gcp.secretmanager.SecretIamMember(
                f"{name}-secret-{index}",
                secret_id=args.secrets[key],
                role="roles/secretmanager.secretAccessor",
                member=account.email.apply(lambda e: f"serviceAccount:{e}"),
                project=project,
                opts=child(gcp.secretmanager.SecretIamMemberArgs),
            )
            for index, key in enumerate(sorted(args.secrets))
        ]
        health = gcp.compute.HealthCheck(
            f"{name}-hc",
            http_health_check={
                "port": args.health_check_port,
                "request_path": args.health_check_path,
            },
            check_interval_sec=10,
            timeout_sec=5,
            healthy_threshold=2,
            unhealthy_threshold=3,
            project=project,
            opts=child(gcp.compute.HealthCheckArgs),
        )
        gcp.compute.Firewall(
            f"{name}-hc-firewall",
            network=args.network,
            direction="INGRESS",
            source_ranges=HEALTH_CHECK_RANGES,
            target_tags=[name],
            allows=[{"protocol": "tcp", "ports": [str(args.health_check_port)]}],
            project=project,
            opts=child(gcp.compute.FirewallArgs),
        )
        metadata = pulumi.Output.all(**dict(args.settings)).apply(
            lambda settings: {
                "immutable-config": json.dumps(
                    {
                        "env_file": args.env_file,
                        "settings": dict(sorted(settings.items())),
                        "secrets": {
                            k: _secret_path(v, project) for k, v in sorted(args.secrets.items())
                        },
                        "restart_services": list(args.restart_services),
                    },
                    sort_keys=True,
                ),
                "startup-script": "#!/usr/bin/env python3\n" + _FETCHER.read_text(),
                "enable-oslogin": "TRUE",
                "block-project-ssh-keys": "TRUE",
            }
        )
        template = gcp.compute.InstanceTemplate(
            f"{name}-template",
            name_prefix=f"{name}-",
            machine_type=args.machine_type,
            disks=[
                {
                    "source_image": args.image_id,
                    "boot": True,
                    "auto_delete": True,
                    "disk_type": args.disk_type,
                    **({"disk_size_gb": args.disk_size_gb} if args.disk_size_gb else {}),
                }
            ],
            network_interfaces=[{"subnetwork": args.subnetwork}],
            service_account={"email": account.email, "scopes": ["cloud-platform"]},
            shielded_instance_config={
                "enable_secure_boot": True,
                "enable_vtpm": True,
                "enable_integrity_monitoring": True,
            },
            metadata=metadata,
            labels={**args.labels, **_hash_label(args.image_build_hash), "managed-by": MANAGED_BY},
            tags=[name],
            project=project,
            region=args.region,
            opts=child(gcp.compute.InstanceTemplateArgs, depends_on=members or None),
        )
        timeout = f"{args.timeout_minutes}m"
        group = gcp.compute.RegionInstanceGroupManager(
            f"{name}-mig",
            base_instance_name=name,
            region=args.region,
            project=project,
            versions=[{"name": "release", "instance_template": template.self_link}],
            target_size=args.target_size,
            auto_healing_policies={
                "health_check": health.id,
                "initial_delay_sec": args.initial_delay_sec,
            },
            update_policy={
                "type": "PROACTIVE",
                "minimal_action": "REPLACE",
                "most_disruptive_allowed_action": "REPLACE",
                "replacement_method": "SUBSTITUTE",
                "instance_redistribution_type": "PROACTIVE",
                "max_surge_fixed": args.max_surge,
                "max_unavailable_fixed": args.max_unavailable,
                "min_ready_sec": args.min_ready_sec,
            },
            wait_for_instances=True,
            wait_for_instances_status="UPDATED",
            opts=child(
                gcp.compute.RegionInstanceGroupManagerArgs,
                custom_timeouts=pulumi.CustomTimeouts(create=timeout, update=timeout),
            ),
        )
        self.instance_template_self_link = template.self_link
        self.instance_group_manager_id = group.id
        self.instance_group = group.instance_group
        self.health_check_id = health.id
        self.service_account_email = account.email
        self.register_outputs(
            {
                "instance_template_self_link": self.instance_template_self_link,
                "instance_group_manager_id": self.instance_group_manager_id,
                "instance_group": self.instance_group,
                "health_check_id": self.health_check_id,
                "service_account_email": self.service_account_email,
            }
        )


def _hash_label(build_hash: pulumi.Input[str] | None) -> dict[str, pulumi.Input[str]]:
    """``image-build-hash``: a label value has at most 63 characters (a SHA-256 has 64)."""
    if build_hash is None:
        return {}
    return {"image-build-hash": pulumi.Output.from_input(build_hash).apply(lambda h: h[:63])}


def _secret_path(secret: str, project: str | None) -> str:
    """The secret's resource name; a bare name without a project is completed at boot with
    the instance's project (from the metadata server)."""
    if secret.startswith("projects/") or not project:
        return secret
    return f"projects/{project}/secrets/{secret}"
