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

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pulumi_gcp as gcp

from .._validate import Check
from ._options import child_options
from .boot_config import validate_boot_config

__all__ = ["GcpInstanceGroupRelease", "GcpInstanceGroupReleaseArgs"]

TYPE_TOKEN = "immutable:index:GcpInstanceGroupRelease"  # noqa: S105 (a type token)
HEALTH_CHECK_RANGES = ["35.191.0.0/16", "130.211.0.0/22"]
SECRET = re.compile(r"^(projects/[a-z0-9-]+/secrets/)?[A-Za-z0-9_-]{1,255}$")
MACHINE_TYPE = re.compile(r"^[a-z][a-z0-9]*-[a-z0-9-]+$")
REGION = re.compile(r"^[a-z]+-[a-z]+\d$")
NAME = re.compile(r"^[a-z][-a-z0-9]{1,18}[a-z0-9]$")
_FETCHER = Path(__file__).with_name("_fetch_gcp.py")


@dataclass(frozen=True, kw_only=True)
class GcpInstanceGroupReleaseArgs:
    """Inputs of :class:`GcpInstanceGroupRelease`."""

    image: pulumi.Input[str]
    """The image: a GoldenImage's ``image_id`` on GCP, or ``projects/<p>/global/images/<n>``."""
    region: str
    """The region of the managed instance group, e.g. ``europe-west1``."""
    network: pulumi.Input[str]
    """The VPC network (for the health-check firewall rule)."""
    subnetwork: pulumi.Input[str]
    """The subnetwork the instances use. Instances get no external IP."""
    project: str | None = None
    """Default: the provider's project."""
    machine_type: str = "e2-small"
    """Default: ``e2-small``."""
    disk_size_gb: int | None = None
    """Boot disk size. Default: the image's size."""
    disk_type: str = "pd-balanced"
    """Default: ``pd-balanced``."""
    target_size: int = 3
    """Instances, >= 0. Default: 3 (one per zone)."""
    zone_count: int = 3
    """Zones the regional group spreads over (GCP's default is 3); fixed surge and
    unavailability must be 0 or at least this. Default: 3."""
    max_surge: int = 3
    """Extra instances created during a rollout: 0 or >= ``zone_count``. Default: 3."""
    max_unavailable: int = 0
    """Instances that may be down during a rollout: 0 or >= ``zone_count``; not 0 together
    with ``max_surge``. Default: 0, capacity never drops."""
    min_ready_sec: int = 60
    """Seconds a new instance must be ready before the rollout continues, 0-3600. Default: 60."""
    health_check_port: int = 8080
    """Default: 8080."""
    health_check_path: str = "/healthz"
    """Default: ``/healthz``."""
    initial_delay_sec: int = 300
    """Seconds after boot before auto-healing judges an instance, 0-3600. Default: 300."""
    settings: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Plain settings, in instance metadata (``immutable-config``). Never secrets."""
    secrets: Mapping[str, str] = field(default_factory=dict)
    """Env name -> Secret Manager secret (``name`` or ``projects/<p>/secrets/<name>``); the
    latest version is read at boot. The service account may access exactly these."""
    env_file: str = "/etc/immutable/app.env"
    """Default: ``/etc/immutable/app.env`` (mode 0600)."""
    restart_services: Sequence[str] = ()
    """systemd units restarted after the env file is written. Default: none."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Labels on the template and its instances. Default: none."""
    timeout_minutes: int = 30
    """How long ``pulumi up`` waits for the group to be UPDATED. Default: 30."""

    def validate(self, check: Check) -> None:
        check.non_empty_str("image", self.image)
        check.matches("region", self.region, REGION, "a GCP region such as 'europe-west1'")
        check.matches("machine_type", self.machine_type, MACHINE_TYPE, "e.g. 'e2-small'")
        if self.disk_size_gb is not None:
            check.int_range("disk_size_gb", self.disk_size_gb, 10, 65536)
        check.one_of("disk_type", self.disk_type, ("pd-balanced", "pd-ssd", "pd-standard"))
        check.int_range("target_size", self.target_size, 0)
        check.int_range("zone_count", self.zone_count, 1)
        for label in ("max_surge", "max_unavailable"):
            value = getattr(self, label)
            check.int_range(label, value, 0)
            if 0 < value < self.zone_count:
                check.fail(label, value, f"0 or >= zone_count ({self.zone_count})")
        if self.max_surge == 0 and self.max_unavailable == 0:
            check.fail("max_unavailable", 0, "> 0 when max_surge is 0 (else nothing can roll)")
        check.int_range("min_ready_sec", self.min_ready_sec, 0, 3600)
        check.int_range("health_check_port", self.health_check_port, 1, 65535)
        if not isinstance(self.health_check_path, str) or not self.health_check_path.startswith(
            "/"
        ):
            check.fail("health_check_path", self.health_check_path, "a path starting with '/'")
        check.int_range("initial_delay_sec", self.initial_delay_sec, 0, 3600)
        check.int_range("timeout_minutes", self.timeout_minutes, 1)
        for key, secret in self.secrets.items():
            check.matches(f"secrets[{key!r}]", secret, SECRET, "a Secret Manager secret name")
        check.string_map("labels", dict(self.labels))
        # names, env file and units as on AWS (no user data limit: metadata allows 256 KB)
        validate_boot_config(
            check, self.settings, {}, self.env_file, self.restart_services, max_base64=None
        )
        for key in self.secrets:
            if key in self.settings:
                check.fail(f"secrets[{key!r}]", self.secrets[key], "a name not in `settings`")


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
        if not isinstance(args, GcpInstanceGroupReleaseArgs):
            check.fail("args", args, "a GcpInstanceGroupReleaseArgs")
        if not NAME.match(name):
            check.fail(
                "name",
                name,
                "3-20 characters: lower-case letters, digits and '-', starting with a letter",
            )
        args.validate(check)
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
                    "source_image": args.image,
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
            labels={**args.labels, "managed-by": "immutable-components"},
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


def _secret_path(secret: str, project: str | None) -> str:
    """The secret's resource name; a bare name without a project is completed at boot with
    the instance's project (from the metadata server)."""
    if secret.startswith("projects/") or not project:
        return secret
    return f"projects/{project}/secrets/{secret}"
