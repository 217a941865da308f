"""Drift scan: which running instances have left the immutable path.

One pass over the region, with as few calls as the APIs allow and none per instance:

- ``DescribeInstances``: running and pending instances, 1,000 a page;
- ``DescribeAutoScalingGroups``: every group, 100 a page, with its members and the
  launch template each member was launched from;
- ``DescribeLaunchTemplates``: only for groups that reference ``$Latest`` or
  ``$Default`` (or no version, which means ``$Default``), 200 templates a call;
- ``GetParameters``: the approved-image channels, 10 names a call;
- ``DescribeImages``: only with an approval tag, 200 of the fleet's image ids a call.

Reasons, one finding per instance per reason:

- ``unapproved-image``: the instance's image is in none of the approval sources;
- ``stale-launch-template-version``: the instance was launched from a launch template
  version other than the one its group now resolves to (``$Latest`` and ``$Default``
  resolved to numbers). Instances of groups that use a launch configuration, and
  instances whose version is not known, are not judged;
- ``not-in-auto-scaling-group``: a pet, launched and kept by hand;
- ``too-old``: launched more than ``max_age_days`` days ago.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from .._patterns import AMI_ID
from ._aws import Aws, OpsError, batched

__all__ = ["REASONS", "DriftPolicy", "DriftReport", "Finding", "scan"]

UNAPPROVED = "unapproved-image"
STALE = "stale-launch-template-version"
PET = "not-in-auto-scaling-group"
TOO_OLD = "too-old"
#: every reason, in the order findings of one instance are listed
REASONS = (UNAPPROVED, STALE, PET, TOO_OLD)

_LT_ID_TAG = "aws:ec2launchtemplate:id"
_LT_VERSION_TAG = "aws:ec2launchtemplate:version"

#: progress callback: (what is being counted, how many so far)
Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class DriftPolicy:
    """What the fleet is checked against. An image is approved if any source approves it."""

    approved_amis: frozenset[str] = frozenset()
    """AMI ids approved outright."""
    approved_parameters: tuple[str, ...] = ()
    """SSM parameter names (data type ``aws:ec2:image``) whose values are approved AMI ids."""
    approved_tag: tuple[str, str] | None = None
    """An image tag ``(key, value)`` that approves the image. Tags of an image shared from
    another account are invisible here, so such an image never passes this check."""
    max_age_days: int | None = None
    """Instances launched longer ago than this are ``too-old``. Default: age not checked."""

    @property
    def checks_images(self) -> bool:
        return bool(self.approved_amis or self.approved_parameters or self.approved_tag)

    def describe(self) -> list[str]:
        checks = ["approved image"] if self.checks_images else []
        checks += ["launch template version", "auto scaling group"]
        if self.max_age_days is not None:
            checks.append(f"age <= {self.max_age_days} days")
        return checks


@dataclass(frozen=True)
class Finding:
    instance_id: str
    image_id: str
    reason: str
    auto_scaling_group: str | None
    launch_template_version: str | None
    launched_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "auto_scaling_group": self.auto_scaling_group,
            "image_id": self.image_id,
            "instance_id": self.instance_id,
            "launch_template_version": self.launch_template_version,
            "launched_at": self.launched_at,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class DriftReport:
    scanned: int
    findings: tuple[Finding, ...]
    checks: tuple[str, ...] = ()

    @property
    def drifted(self) -> bool:
        return bool(self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {"findings": [f.to_dict() for f in self.findings], "scanned": self.scanned}


@dataclass
class _Instance:
    instance_id: str
    image_id: str
    launched_at: datetime
    template_id: str | None
    template_version: str | None


@dataclass
class _Group:
    name: str
    # (template id or None, template name or None, version as the group states it)
    specs: list[tuple[str | None, str | None, str]] = field(default_factory=list)
    uses_launch_configuration: bool = False
    # member instance id -> (template id, version) as the group recorded them
    members: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def scan(aws: Aws, policy: DriftPolicy, progress: Progress | None = None) -> DriftReport:
    """Scan ``aws.region`` against ``policy``. Raises :class:`OpsError` on an API error."""
    instances = _instances(aws, progress)
    groups = _groups(aws, progress)
    membership = {iid: g for g in groups for iid in g.members}
    expected = _expected_versions(aws, groups)
    approved = (
        _approved_images(aws, policy, {i.image_id for i in instances})
        if policy.checks_images
        else None
    )
    cutoff = (
        _utcnow() - timedelta(days=policy.max_age_days) if policy.max_age_days is not None else None
    )

    findings: list[Finding] = []
    for inst in instances:
        group = membership.get(inst.instance_id)
        template_id, version = inst.template_id, inst.template_version
        if group is not None:
            recorded_id, recorded_version = group.members[inst.instance_id]
            template_id = template_id or recorded_id
            if version is None and recorded_version and recorded_version.isdigit():
                version = recorded_version
        reasons = []
        if approved is not None and inst.image_id not in approved:
            reasons.append(UNAPPROVED)
        if group is None:
            reasons.append(PET)
        elif (
            not group.uses_launch_configuration
            and template_id is not None
            and version is not None
            and (template_id, int(version)) not in expected[group.name]
        ):
            reasons.append(STALE)
        if cutoff is not None and inst.launched_at < cutoff:
            reasons.append(TOO_OLD)
        findings.extend(
            Finding(
                instance_id=inst.instance_id,
                image_id=inst.image_id,
                reason=reason,
                auto_scaling_group=group.name if group else None,
                launch_template_version=version,
                launched_at=_iso(inst.launched_at),
            )
            for reason in reasons
        )
    findings.sort(key=lambda f: (f.instance_id, REASONS.index(f.reason)))
    return DriftReport(len(instances), tuple(findings), tuple(policy.describe()))


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _instances(aws: Aws, progress: Progress | None) -> list[_Instance]:
    found: list[_Instance] = []
    pages = aws.pages(
        "ec2",
        "describe_instances",
        Filters=[{"Name": "instance-state-name", "Values": ["pending", "running"]}],
        PaginationConfig={"PageSize": 1000},
    )
    for page in pages:
        for reservation in page.get("Reservations", []):
            for raw in reservation.get("Instances", []):
                tags = {t["Key"]: t["Value"] for t in raw.get("Tags", [])}
                version = tags.get(_LT_VERSION_TAG)
                found.append(
                    _Instance(
                        instance_id=raw["InstanceId"],
                        image_id=raw.get("ImageId", ""),
                        launched_at=raw["LaunchTime"],
                        template_id=tags.get(_LT_ID_TAG),
                        template_version=version if version and version.isdigit() else None,
                    )
                )
        if progress:
            progress("instances", len(found))
    return found


def _template_spec(spec: dict[str, Any]) -> tuple[str | None, str | None, str]:
    return (
        spec.get("LaunchTemplateId"),
        spec.get("LaunchTemplateName"),
        spec.get("Version") or "$Default",
    )


def _groups(aws: Aws, progress: Progress | None) -> list[_Group]:
    groups: list[_Group] = []
    pages = aws.pages(
        "autoscaling", "describe_auto_scaling_groups", PaginationConfig={"PageSize": 100}
    )
    for page in pages:
        for raw in page.get("AutoScalingGroups", []):
            group = _Group(raw["AutoScalingGroupName"])
            if raw.get("LaunchTemplate"):
                group.specs.append(_template_spec(raw["LaunchTemplate"]))
            mixed = (raw.get("MixedInstancesPolicy") or {}).get("LaunchTemplate") or {}
            if mixed.get("LaunchTemplateSpecification"):
                group.specs.append(_template_spec(mixed["LaunchTemplateSpecification"]))
            for override in mixed.get("Overrides") or []:
                if override.get("LaunchTemplateSpecification"):
                    group.specs.append(_template_spec(override["LaunchTemplateSpecification"]))
            group.uses_launch_configuration = bool(raw.get("LaunchConfigurationName"))
            for member in raw.get("Instances", []):
                template = member.get("LaunchTemplate") or {}
                group.members[member["InstanceId"]] = (
                    template.get("LaunchTemplateId"),
                    template.get("Version"),
                )
            groups.append(group)
        if progress:
            progress("groups", len(groups))
    return groups


def _expected_versions(aws: Aws, groups: list[_Group]) -> dict[str, set[tuple[str, int]]]:
    """Each group's acceptable (template id, version number) pairs.

    A numbered version of a template given by id needs no call; ``$Latest``, ``$Default``
    and templates given only by name are resolved with one ``DescribeLaunchTemplates``
    call per 200 templates.
    """
    lookups = [
        (tid, tname)
        for g in groups
        for tid, tname, version in g.specs
        if not version.isdigit() or not tid
    ]
    ids = sorted({tid for tid, _ in lookups if tid})
    names = sorted({tname for tid, tname in lookups if not tid and tname})
    by_id: dict[str, dict[str, Any]] = {}
    by_name: dict[str, dict[str, Any]] = {}
    for key, values in (("LaunchTemplateIds", ids), ("LaunchTemplateNames", names)):
        for batch in batched(values, 200):
            pages = aws.pages(
                "ec2",
                "describe_launch_templates",
                **{key: list(batch)},
                PaginationConfig={"PageSize": 200},
            )
            for page in pages:
                for template in page.get("LaunchTemplates", []):
                    by_id[template["LaunchTemplateId"]] = template
                    by_name[template["LaunchTemplateName"]] = template

    expected: dict[str, set[tuple[str, int]]] = {}
    for g in groups:
        pairs: set[tuple[str, int]] = set()
        for tid, tname, version in g.specs:
            if version.isdigit() and tid:
                pairs.add((tid, int(version)))
                continue
            template = by_id.get(tid or "") or by_name.get(tname or "")
            if template is None:
                raise OpsError(
                    f"auto scaling group {g.name!r} uses launch template "
                    f"{tid or tname!r}, which DescribeLaunchTemplates did not return"
                )
            if version.isdigit():
                number = int(version)
            elif version == "$Latest":
                number = int(template["LatestVersionNumber"])
            else:
                number = int(template["DefaultVersionNumber"])
            pairs.add((template["LaunchTemplateId"], number))
        expected[g.name] = pairs
    return expected


def _approved_images(aws: Aws, policy: DriftPolicy, fleet_images: Iterable[str]) -> set[str]:
    approved = set(policy.approved_amis)
    approved |= _channel_images(aws, policy.approved_parameters)
    if policy.approved_tag:
        key, value = policy.approved_tag
        for batch in batched(sorted(fleet_images), 200):
            pages = aws.pages(
                "ec2",
                "describe_images",
                Filters=[
                    {"Name": "image-id", "Values": list(batch)},
                    {"Name": f"tag:{key}", "Values": [value]},
                ],
            )
            for page in pages:
                approved.update(image["ImageId"] for image in page.get("Images", []))
    return approved


def _channel_images(aws: Aws, names: Iterable[str]) -> set[str]:
    """The AMI ids published on SSM parameters ``names``, 10 names a call."""
    images: set[str] = set()
    missing: list[str] = []
    for batch in batched(sorted(set(names)), 10):
        response = aws.client("ssm").get_parameters(Names=list(batch))
        missing.extend(response.get("InvalidParameters", []))
        for parameter in response.get("Parameters", []):
            value = parameter.get("Value", "")
            if not AMI_ID.match(value):
                raise OpsError(
                    f"SSM parameter {parameter['Name']!r} holds {value[:80]!r}, not an AMI id; "
                    "an approval channel is a parameter of data type aws:ec2:image"
                )
            images.add(value)
    if missing:
        raise OpsError("SSM parameter(s) not found in this region: " + ", ".join(sorted(missing)))
    return images
