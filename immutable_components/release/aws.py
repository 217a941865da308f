"""LaunchTemplateRelease on AWS: a pinned launch template version, a fleet, a waited rollout.

Resources, all children of the component, in order:

``{name}-sg``          (only without ``security_group_ids``) no inbound, all outbound
``{name}-role``        (only without ``instance_profile_name``) EC2 trust, nothing else
``{name}-secrets``     inline role policy: read exactly the referenced secrets (only if any)
``{name}-policy-N``    managed policies from ``role_policy_arns``
``{name}-profile``     the instance profile of the role
``{name}-lt``          the launch template; a release is a new version of it, in place
``{name}-asg``         the Auto Scaling group, on the template's numbered ``latest_version``;
                       ``launchTemplate`` (or, with two or more ``instance_types``,
                       ``mixedInstancesPolicy``) and ``desiredCapacity`` under ``ignore_changes``
``{name}-rollout``     ``InstanceRefresh``: on a new version (or a new list of instance types),
                       rolls the group and waits

The rollout is a dynamic resource: its calls to Auto Scaling run in the engine's separate
dynamic-provider process, not in this program, and act as the group's ``aws`` provider. With
the default provider, the rollout reads the stack's ``aws:`` config itself; with an explicit
``aws.Provider`` (``opts.provider`` / ``opts.providers`` of the component), the component
hands it that provider's region, profile, shared files and role chain (``identity``), and
``refresh_role_arn`` is assumed after them. Its first ``pulumi up`` fails if that identity
does not see the group (see :mod:`~immutable_components.release.refresh`).
"""

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from .._aws_identity import provider_identity
from .._constants import MANAGED_BY
from .._passdown import child_options
from .._records import build
from .._validate import Check
from . import _lookups
from .args import (
    EbsVolume,
    LaunchTemplateReleaseArgs,
    instance_types,
    validate_launch_template_release,
)
from .boot_config import BootConfig, secret_policy
from .mixed_policy import group_policy, mixed_instances_policy
from .refresh import InstanceRefresh, InstanceRefreshArgs

__all__ = ["LaunchTemplateRelease"]

TYPE_TOKEN = "immutable:index:LaunchTemplateRelease"  # noqa: S105 (a type token)
EC2_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


class LaunchTemplateRelease(pulumi.ComponentResource):
    """Release an image onto an Auto Scaling fleet: a new launch template version, rolled
    out by an instance refresh that ``pulumi up`` waits for.

    Type token ``immutable:index:LaunchTemplateRelease``. See the README, "Releasing an image".
    """

    launch_template_id: pulumi.Output[str]
    """The launch template's id, ``lt-...``; it never changes on a release."""
    launch_template_latest_version: pulumi.Output[int]
    """The numbered version the fleet is pinned to (the release)."""
    auto_scaling_group_name: pulumi.Output[str]
    """The group's name (``<name>-`` and a suffix chosen at creation)."""
    auto_scaling_group_arn: pulumi.Output[str]
    """The group's ARN."""
    instance_role_arn: pulumi.Output[str | None]
    """The instances' role, or None when ``instance_profile_name`` was given."""
    instance_profile_arn: pulumi.Output[str | None]
    """The created instance profile, or None when ``instance_profile_name`` was given."""
    security_group_ids: pulumi.Output[list[str]]
    """The instances' security groups (given, or the one created)."""

    def __init__(
        self,
        name: str,
        args: LaunchTemplateReleaseArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        check = Check("LaunchTemplateRelease", name)
        args = build(LaunchTemplateReleaseArgs, args, check)
        boot = validate_launch_template_release(check, args)
        super().__init__(TYPE_TOKEN, name, None, opts)
        self._name, self._args, self._opts = name, args, opts
        image_id, build_hash = args.image_id, args.image_build_hash
        # The region of the provider the children use (an explicit provider included), not
        # the `aws:region` setting, which an explicit provider may override.
        self._region: pulumi.Input[str] = args.region or _lookups.region(self)
        stable_tags = {**args.tags, "ManagedBy": MANAGED_BY, "Release": name}

        groups = self._security_groups(stable_tags)
        role, profile_ref, gates = self._identity(boot, stable_tags)
        template = self._launch_template(
            boot, image_id, build_hash, groups, profile_ref, stable_tags
        )
        version = template.latest_version.apply(str)
        types = instance_types(args)
        mixed = mixed_instances_policy(types) if len(types) > 1 else None
        group = self._group(template, version, mixed, stable_tags, gates)
        # The rollout runs in another process, which sees no explicit provider: hand it the
        # settings of the one the group uses (None: the default provider, whose stack config
        # the rollout's own provider reads).
        explicit = group.get_provider("aws:autoscaling/group:Group")
        InstanceRefresh(
            f"{name}-rollout",
            InstanceRefreshArgs(
                auto_scaling_group_name=group.name,
                launch_template_id=template.id,
                launch_template_version=template.latest_version,
                mixed_instances_policy=mixed,
                preferences=args.refresh,
                region=self._region,
                role_arn=args.refresh_role_arn,
                identity=provider_identity(explicit) if explicit is not None else None,
                timeout_minutes=args.refresh_timeout_minutes,
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[group]),
        )

        self.launch_template_id = template.id
        self.launch_template_latest_version = template.latest_version
        self.auto_scaling_group_name = group.name
        self.auto_scaling_group_arn = group.arn
        self.instance_role_arn = role.arn if role else pulumi.Output.from_input(None)
        self.instance_profile_arn = (
            profile_ref["arn"] if "arn" in profile_ref else pulumi.Output.from_input(None)  # type: ignore[assignment]
        )
        self.security_group_ids = pulumi.Output.from_input(groups)  # type: ignore[arg-type]
        self.register_outputs(
            {
                "launch_template_id": self.launch_template_id,
                "launch_template_latest_version": self.launch_template_latest_version,
                "auto_scaling_group_name": self.auto_scaling_group_name,
                "auto_scaling_group_arn": self.auto_scaling_group_arn,
                "instance_role_arn": self.instance_role_arn,
                "instance_profile_arn": self.instance_profile_arn,
                "security_group_ids": self.security_group_ids,
            }
        )

    # ----------------------------------------------------------------------------------
    def _opts_for(self, args_type: type, **options: Any) -> pulumi.ResourceOptions:
        return child_options(self, self._opts, args_type, **options)

    def _security_groups(self, tags: dict[str, str]) -> list[pulumi.Input[str]]:
        args, name = self._args, self._name
        if args.security_group_ids:
            return list(args.security_group_ids)
        vpc_id = args.vpc_id or _lookups.subnet_vpc(self, args.subnet_ids[0], args.region)
        group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            description=f"{name} fleet: no inbound, all outbound (immutable-components)",
            vpc_id=vpc_id,
            egress=[
                {
                    "protocol": "-1",
                    "from_port": 0,
                    "to_port": 0,
                    "cidr_blocks": ["0.0.0.0/0"],
                    "ipv6_cidr_blocks": ["::/0"],
                }
            ],
            tags={**tags, "Name": f"{name}-sg"},
            region=args.region,
            opts=self._opts_for(aws.ec2.SecurityGroupArgs),
        )
        return [group.id]

    def _identity(
        self, boot: BootConfig, tags: dict[str, str]
    ) -> "tuple[aws.iam.Role | None, dict[str, pulumi.Input[str]], list[pulumi.Resource]]":
        """The role, policy and profile (or the given profile): role, profile ref, gates."""
        args, name = self._args, self._name
        if args.instance_profile_name is not None:
            return None, {"name": args.instance_profile_name}, []
        role = aws.iam.Role(
            f"{name}-role",
            description=f"Instances of the {name} fleet (immutable-components)",
            assume_role_policy=json.dumps(EC2_TRUST),
            tags=tags,
            opts=self._opts_for(aws.iam.RoleArgs),
        )
        gates: list[pulumi.Resource] = []
        if boot.secrets:
            refs = [boot.secrets[key] for key in sorted(boot.secrets)]
            partition = _lookups.partition(self)
            account = _lookups.caller_account(self)
            document = pulumi.Output.all(
                partition.partition,
                self._region,
                account,
                partition.dns_suffix,
                args.secrets_kms_key_arn,
            ).apply(
                lambda v: json.dumps(
                    secret_policy(
                        refs,
                        v[4],
                        partition=v[0],
                        region=v[1],
                        account=v[2],
                        dns_suffix=v[3],
                    ),
                    sort_keys=True,
                )
            )
            gates.append(
                aws.iam.RolePolicy(
                    f"{name}-secrets",
                    role=role.id,
                    policy=document,
                    opts=self._opts_for(aws.iam.RolePolicyArgs),
                )
            )
        for index, arn in enumerate(args.role_policy_arns):
            gates.append(
                aws.iam.RolePolicyAttachment(
                    f"{name}-policy-{index}",
                    role=role.name,
                    policy_arn=arn,
                    opts=self._opts_for(aws.iam.RolePolicyAttachmentArgs),
                )
            )
        profile = aws.iam.InstanceProfile(
            f"{name}-profile",
            role=role.name,
            tags=tags,
            opts=self._opts_for(aws.iam.InstanceProfileArgs),
        )
        return role, {"arn": profile.arn}, gates

    def _launch_template(
        self,
        boot: BootConfig,
        image_id: pulumi.Input[str],
        build_hash: pulumi.Input[str] | None,
        groups: list[pulumi.Input[str]],
        profile_ref: dict[str, pulumi.Input[str]],
        stable_tags: dict[str, str],
    ) -> "aws.ec2.LaunchTemplate":
        args, name = self._args, self._name
        release_tags: dict[str, pulumi.Input[str]] = dict(stable_tags)
        if args.version:
            release_tags["Version"] = args.version
        if build_hash is not None:
            release_tags["ImageBuildHash"] = build_hash
        root_device = args.root_device_name or _lookups.ami_root_device(self, image_id, args.region)
        volumes = [
            {
                "device_name": root_device,
                "ebs": _ebs(
                    args.root_volume_type,
                    args.root_volume_size_gib,
                    args.root_volume_iops,
                    args.root_volume_throughput,
                    args.ebs_kms_key_id,
                ),
            },
            *(_extra(volume, args.ebs_kms_key_id) for volume in args.extra_volumes),
        ]
        instance_tags = {**release_tags, "Name": name}
        template: dict[str, Any] = {
            "name_prefix": f"{name}-",
            "update_default_version": True,
            "image_id": image_id,
            "instance_type": instance_types(args)[0],
            "metadata_options": {
                "http_endpoint": "enabled",
                "http_tokens": "required",
                "http_put_response_hop_limit": 1,
            },
            "block_device_mappings": volumes,
            "network_interfaces": [
                {
                    "device_index": 0,
                    "associate_public_ip_address": "false",
                    "delete_on_termination": "true",
                    "security_groups": groups,
                }
            ],
            "iam_instance_profile": profile_ref,
            "monitoring": {"enabled": args.detailed_monitoring},
            "user_data": boot.user_data_base64(),
            "tag_specifications": [
                {"resource_type": "instance", "tags": instance_tags},
                {"resource_type": "volume", "tags": instance_tags},
            ],
            "tags": release_tags,
            "region": args.region,
            **(args.launch_template_overrides or {}),
        }
        return aws.ec2.LaunchTemplate(
            f"{name}-lt", **template, opts=self._opts_for(aws.ec2.LaunchTemplateArgs)
        )

    def _group(
        self,
        template: "aws.ec2.LaunchTemplate",
        version: pulumi.Output[str],
        mixed: dict[str, Any] | None,
        stable_tags: dict[str, str],
        gates: list[pulumi.Resource],
    ) -> "aws.autoscaling.Group":
        args, name = self._args, self._name
        placement: dict[str, Any]
        if mixed is not None:
            # The whole policy is the rollout's to move (types and distribution included), so
            # a failed or rolled-back refresh leaves the group's policy as it was.
            placement = {"mixed_instances_policy": group_policy(mixed, template.id, version)}
        else:
            placement = {"launch_template": {"id": template.id, "version": version}}
        # Both forms are the rollout's to move, so going from one instance type to a list
        # (or back) is a refresh like any other: the provider never rewrites the group's
        # launch settings ahead of it.
        pinned = ["launchTemplate", "mixedInstancesPolicy"]
        policy = args.instance_maintenance_policy
        health = args.health_check_type or ("ELB" if args.target_group_arns else "EC2")
        return aws.autoscaling.Group(
            f"{name}-asg",
            name_prefix=f"{name}-",
            vpc_zone_identifiers=list(args.subnet_ids),
            min_size=args.min_size,
            max_size=args.max_size,
            desired_capacity=(
                args.desired_capacity if args.desired_capacity is not None else args.min_size
            ),
            health_check_type=health,
            health_check_grace_period=args.health_check_grace_period,
            default_instance_warmup=args.default_instance_warmup,
            target_group_arns=list(args.target_group_arns) or None,
            wait_for_elb_capacity=args.wait_for_elb_capacity,
            min_elb_capacity=args.min_elb_capacity,
            wait_for_capacity_timeout=args.wait_for_capacity_timeout,
            instance_maintenance_policy=(
                {
                    "min_healthy_percentage": policy.min_healthy_percentage,
                    "max_healthy_percentage": policy.max_healthy_percentage,
                }
                if policy
                else None
            ),
            tags=[
                {"key": key, "value": value, "propagate_at_launch": False}
                for key, value in sorted(stable_tags.items())
            ],
            region=args.region,
            **placement,
            opts=self._opts_for(
                aws.autoscaling.GroupArgs,
                ignore_changes=[*pinned, "desiredCapacity"],
                depends_on=gates or None,
            ),
        )


def _ebs(
    volume_type: str,
    size: int | None,
    iops: int | None,
    throughput: int | None,
    key: pulumi.Input[str] | None,
) -> dict[str, Any]:
    ebs: dict[str, Any] = {
        "encrypted": "true",
        "delete_on_termination": "true",
        "volume_type": volume_type,
    }
    for field, value in (
        ("volume_size", size),
        ("iops", iops),
        ("throughput", throughput),
        ("kms_key_id", key),
    ):
        if value is not None:
            ebs[field] = value
    return ebs


def _extra(volume: EbsVolume, key: pulumi.Input[str] | None) -> dict[str, Any]:
    return {
        "device_name": volume.device_name,
        "ebs": _ebs(volume.volume_type, volume.size_gib, volume.iops, volume.throughput, key),
    }
