"""Prune: keep the newest images of each lineage, deregister the rest, delete their snapshots.

Selection: the account's own available images (``Owners=['self']``) whose name starts
with a prefix, or that carry a tag. Within the selection, an image's *lineage* is its
``Lineage`` tag when it has one, else its name without the trailing build hash
(``web-3f2a9c1e`` -> ``web``: a ``-``, ``_`` or ``.`` and 7 to 64 lower-case hex digits at
the end; a name without one is its own lineage).

An image beyond the newest ``keep`` of its lineage is still kept while anything uses it:

- any version of any launch template (all versions, not only ``$Default``/``$Latest``);
- an auto scaling group, through its launch template version or launch configuration;
- an instance in any state but ``terminated``;
- an SSM parameter of data type ``aws:ec2:image`` whose value is the image id (a
  publish channel).

Deletion deregisters an image, then deletes the snapshots its block devices named
(recorded before deregistering). If a call fails, pruning stops and the report says what
was and was not deleted. A later run finishes the job: it also deletes *orphan*
snapshots, whose description says CreateImage or CopyImage made them for an image that
no longer exists. The description names the image only, not its lineage, so orphans are
found in the whole account; a dry run lists them first.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import botocore.exceptions

from ._aws import Aws, OpsError, batched

__all__ = ["PruneAction", "PrunePlan", "PruneReport", "apply_prune", "lineage_of", "plan_prune"]

_BUILD_HASH = re.compile(r"^(?P<lineage>.+?)[-_.][0-9a-f]{7,64}$")
_SNAPSHOT_FOR = re.compile(
    r"^Created by CreateImage\([^)]*\) for (?P<a>ami-[0-9a-f]+)"
    r"|for DestinationAmi (?P<b>ami-[0-9a-f]+)"
)
_LIVE_STATES = ["pending", "running", "shutting-down", "stopping", "stopped"]


def lineage_of(image: dict[str, Any]) -> str:
    """The ``Lineage`` tag, else the name without its trailing build hash."""
    for tag in image.get("Tags") or []:
        if tag["Key"] == "Lineage" and tag["Value"]:
            return str(tag["Value"])
    name = str(image.get("Name") or image["ImageId"])
    match = _BUILD_HASH.match(name)
    return match.group("lineage") if match else name


@dataclass(frozen=True)
class PruneAction:
    image_id: str
    lineage: str
    snapshot_ids: tuple[str, ...]


@dataclass
class PrunePlan:
    delete: list[PruneAction] = field(default_factory=list)
    orphan_snapshots: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    in_use: dict[str, list[str]] = field(default_factory=dict)
    lineages: dict[str, str] = field(default_factory=dict)


@dataclass
class PruneReport:
    deleted_images: list[str]
    deleted_snapshots: list[str]
    kept: list[str]
    in_use: dict[str, list[str]]
    dry_run: bool
    not_deleted_images: list[str] = field(default_factory=list)
    not_deleted_snapshots: list[str] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "deleted_images": sorted(self.deleted_images),
            "deleted_snapshots": sorted(self.deleted_snapshots),
            "kept": sorted(self.kept),
            "in_use": [
                {"image_id": image_id, "used_by": sorted(users)}
                for image_id, users in sorted(self.in_use.items())
            ],
        }
        if self.dry_run:
            data["dry_run"] = True
        if self.error is not None:
            data["error"] = self.error
            data["not_deleted_images"] = sorted(self.not_deleted_images)
            data["not_deleted_snapshots"] = sorted(self.not_deleted_snapshots)
        return data


def plan_prune(
    aws: Aws,
    *,
    keep: int,
    name_prefix: str | None = None,
    tag: tuple[str, str] | None = None,
) -> PrunePlan:
    """What a prune would do; reads only."""
    if keep < 1:
        raise OpsError(f"keep must be >= 1, not {keep}")
    if (name_prefix is None) == (tag is None):
        raise OpsError("select images with exactly one of a name prefix or a tag")
    own = _own_images(aws)
    selected = [img for img in own.values() if _selected(img, name_prefix, tag)]
    plan = PrunePlan()
    by_lineage: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for image in selected:
        by_lineage[lineage_of(image)].append(image)
        plan.lineages[image["ImageId"]] = lineage_of(image)
    candidates: list[dict[str, Any]] = []
    for images in by_lineage.values():
        images.sort(key=lambda i: (i.get("CreationDate", ""), i["ImageId"]), reverse=True)
        plan.kept += [i["ImageId"] for i in images[:keep]]
        candidates += images[keep:]

    users = _image_users(aws, {c["ImageId"] for c in candidates})
    doomed = [c for c in candidates if c["ImageId"] not in users]
    plan.in_use = {c["ImageId"]: users[c["ImageId"]] for c in candidates if c["ImageId"] in users}

    # A snapshot also named by an image that stays is not ours to delete.
    doomed_ids = {c["ImageId"] for c in doomed}
    shared = {
        snap for img in own.values() if img["ImageId"] not in doomed_ids for snap in _snapshots(img)
    }
    for image in sorted(doomed, key=lambda i: i["ImageId"]):
        snaps = tuple(sorted(s for s in _snapshots(image) if s not in shared))
        plan.delete.append(PruneAction(image["ImageId"], lineage_of(image), snaps))
    plan.orphan_snapshots = _orphan_snapshots(aws, set(own))
    return plan


def apply_prune(aws: Aws, plan: PrunePlan) -> PruneReport:
    """Carry out ``plan``; stops at the first failed call and reports where it stopped."""
    report = PruneReport([], [], list(plan.kept), dict(plan.in_use), dry_run=False)
    ec2 = aws.client("ec2")
    pending_images = [a.image_id for a in plan.delete]
    pending_snaps = [s for a in plan.delete for s in a.snapshot_ids] + list(plan.orphan_snapshots)
    try:
        for action in plan.delete:
            ec2.deregister_image(ImageId=action.image_id)
            report.deleted_images.append(action.image_id)
            pending_images.remove(action.image_id)
            for snap in action.snapshot_ids:
                ec2.delete_snapshot(SnapshotId=snap)
                report.deleted_snapshots.append(snap)
                pending_snaps.remove(snap)
        for snap in plan.orphan_snapshots:
            ec2.delete_snapshot(SnapshotId=snap)
            report.deleted_snapshots.append(snap)
            pending_snaps.remove(snap)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
        report.error = " ".join(str(error).split())
        report.not_deleted_images = pending_images
        report.not_deleted_snapshots = pending_snaps
    return report


def dry_run_report(plan: PrunePlan) -> PruneReport:
    return PruneReport(
        deleted_images=[a.image_id for a in plan.delete],
        deleted_snapshots=[s for a in plan.delete for s in a.snapshot_ids] + plan.orphan_snapshots,
        kept=list(plan.kept),
        in_use=dict(plan.in_use),
        dry_run=True,
    )


def _selected(image: dict[str, Any], prefix: str | None, tag: tuple[str, str] | None) -> bool:
    if image.get("State") != "available":
        return False
    if prefix is not None:
        return str(image.get("Name") or "").startswith(prefix)
    tags = {t["Key"]: t["Value"] for t in image.get("Tags") or []}
    return tag is not None and tags.get(tag[0]) == tag[1]


def _snapshots(image: dict[str, Any]) -> list[str]:
    return [
        m["Ebs"]["SnapshotId"]
        for m in image.get("BlockDeviceMappings") or []
        if (m.get("Ebs") or {}).get("SnapshotId")
    ]


def _own_images(aws: Aws) -> dict[str, dict[str, Any]]:
    """Every image the account owns, 1,000 a page: the selection is made from these, and
    they tell which snapshots are still named by an image."""
    images: dict[str, dict[str, Any]] = {}
    pages = aws.pages(
        "ec2", "describe_images", Owners=["self"], PaginationConfig={"PageSize": 1000}
    )
    for page in pages:
        for image in page.get("Images", []):
            images[image["ImageId"]] = image
    return images


def _image_users(aws: Aws, candidates: set[str]) -> dict[str, list[str]]:
    """For each candidate image in use, who uses it (``kind:id`` strings)."""
    users: dict[str, set[str]] = defaultdict(set)
    if not candidates:
        return {}

    versions = _launch_template_versions(aws)
    for (template_id, number), (image_id, _) in versions.items():
        if image_id in candidates:
            users[image_id].add(f"launch-template:{template_id}:{number}")

    configs: dict[str, str] = {}
    for page in aws.pages(
        "autoscaling", "describe_auto_scaling_groups", PaginationConfig={"PageSize": 100}
    ):
        for group in page.get("AutoScalingGroups", []):
            name = group["AutoScalingGroupName"]
            specs = [group.get("LaunchTemplate") or {}]
            mixed = (group.get("MixedInstancesPolicy") or {}).get("LaunchTemplate") or {}
            specs.append(mixed.get("LaunchTemplateSpecification") or {})
            specs += [
                o.get("LaunchTemplateSpecification") or {} for o in mixed.get("Overrides") or []
            ]
            for spec in specs:
                image_id = _group_template_image(versions, spec)
                if image_id in candidates:
                    users[image_id].add(f"auto-scaling-group:{name}")
            if group.get("LaunchConfigurationName"):
                configs[group["LaunchConfigurationName"]] = name
    for batch in batched(sorted(configs), 50):
        for page in aws.pages(
            "autoscaling", "describe_launch_configurations", LaunchConfigurationNames=list(batch)
        ):
            for config in page.get("LaunchConfigurations", []):
                if config.get("ImageId") in candidates:
                    group_name = configs[config["LaunchConfigurationName"]]
                    users[config["ImageId"]].add(f"auto-scaling-group:{group_name}")

    for batch in batched(sorted(candidates), 200):
        for page in aws.pages(
            "ec2",
            "describe_instances",
            Filters=[
                {"Name": "image-id", "Values": list(batch)},
                {"Name": "instance-state-name", "Values": _LIVE_STATES},
            ],
            PaginationConfig={"PageSize": 1000},
        ):
            for reservation in page.get("Reservations", []):
                for instance in reservation.get("Instances", []):
                    users[instance["ImageId"]].add(f"instance:{instance['InstanceId']}")

    for name, value in _image_parameters(aws).items():
        if value in candidates:
            users[value].add(f"ssm-parameter:{name}")
    return {image_id: sorted(who) for image_id, who in users.items()}


def _launch_template_versions(aws: Aws) -> dict[tuple[str, int], tuple[str, bool]]:
    """(template id, version) -> (image id, is default) for every version of every template.

    The API lists all versions only per template, so this is one call per 200 templates
    plus one per template (and per further 200 versions).
    """
    versions: dict[tuple[str, int], tuple[str, bool]] = {}
    template_ids: list[str] = []
    for page in aws.pages("ec2", "describe_launch_templates", PaginationConfig={"PageSize": 200}):
        template_ids += [t["LaunchTemplateId"] for t in page.get("LaunchTemplates", [])]
    for template_id in sorted(template_ids):
        for page in aws.pages(
            "ec2",
            "describe_launch_template_versions",
            LaunchTemplateId=template_id,
            PaginationConfig={"PageSize": 200},
        ):
            for v in page.get("LaunchTemplateVersions", []):
                image_id = (v.get("LaunchTemplateData") or {}).get("ImageId") or ""
                versions[(template_id, int(v["VersionNumber"]))] = (
                    image_id,
                    bool(v.get("DefaultVersion")),
                )
    return versions


def _group_template_image(
    versions: dict[tuple[str, int], tuple[str, bool]], spec: dict[str, Any]
) -> str | None:
    template_id = spec.get("LaunchTemplateId")
    if not template_id:
        return None
    numbers = [n for (tid, n) in versions if tid == template_id]
    if not numbers:
        return None
    version = spec.get("Version") or "$Default"
    if version == "$Latest":
        number = max(numbers)
    elif version == "$Default":
        number = next((n for n in numbers if versions[(template_id, n)][1]), max(numbers))
    elif version.isdigit():
        number = int(version)
    else:
        return None
    found = versions.get((template_id, number))
    return found[0] if found else None


def _image_parameters(aws: Aws) -> dict[str, str]:
    """Name -> value of every SSM parameter of data type ``aws:ec2:image``.

    DescribeParameters filtered on DataType, 50 a page, then GetParameters 10 names a
    call. A backend that rejects the DataType filter (moto does) gets the unfiltered
    listing, filtered here on each parameter's DataType.
    """
    names: list[str] = []
    try:
        for page in aws.pages(
            "ssm",
            "describe_parameters",
            ParameterFilters=[{"Key": "DataType", "Values": ["aws:ec2:image"]}],
            PaginationConfig={"PageSize": 50},
        ):
            names += [p["Name"] for p in page.get("Parameters", [])]
    except botocore.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") not in (
            "ValidationException",
            "InvalidFilterKey",
        ):
            raise
        names = []
        for page in aws.pages("ssm", "describe_parameters", PaginationConfig={"PageSize": 50}):
            names += [
                p["Name"]
                for p in page.get("Parameters", [])
                if p.get("DataType") == "aws:ec2:image"
            ]
    values: dict[str, str] = {}
    for batch in batched(sorted(set(names)), 10):
        response = aws.client("ssm").get_parameters(Names=list(batch))
        values.update({p["Name"]: p.get("Value", "") for p in response.get("Parameters", [])})
    return values


def _orphan_snapshots(aws: Aws, existing_images: Iterable[str]) -> list[str]:
    existing = set(existing_images)
    orphans: list[str] = []
    for page in aws.pages(
        "ec2",
        "describe_snapshots",
        OwnerIds=["self"],
        Filters=[
            {
                "Name": "description",
                "Values": [
                    "Created by CreateImage(*) for ami-*",
                    "Copied for DestinationAmi ami-*",
                ],
            }
        ],
        PaginationConfig={"PageSize": 1000},
    ):
        for snap in page.get("Snapshots", []):
            match = _SNAPSHOT_FOR.search(snap.get("Description") or "")
            if match and (match.group("a") or match.group("b")) not in existing:
                orphans.append(snap["SnapshotId"])
    return sorted(orphans)
