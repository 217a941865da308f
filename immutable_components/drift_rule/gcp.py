"""DriftRule on GCP: the ``compute.trustedImageProjects`` organization policy.

Resources, children of the DriftRule:

``{name}-trusted-image-projects``  ``gcp.orgpolicy.Policy`` (Org Policy API v2; the older
                                   ``gcp.projects.OrganizationPolicy`` is superseded) on
                                   ``projects/<project>/policies/compute.trustedImageProjects``
                                   allowing only the projects that hold approved images.

What it does and does not do (Compute Engine docs, "Setting up trusted image policies"):
the constraint is *preventive*: principals cannot create boot disks from images in other
projects. It does not restrict custom images in the project itself, and it does not flag
instances that already run. GCP's granularity is the image project, not the image: every
image in an allowed project is allowed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from .._validate import Check
from .component import DriftResult, DriftRule

__all__ = ["GcpDriftTarget", "image_project"]

CONSTRAINT = "compute.trustedImageProjects"
PROJECT_ID = r"[a-z][a-z0-9-]{4,28}[a-z0-9]"
PROJECT = re.compile(rf"^{PROJECT_ID}$")
IMAGE = re.compile(
    rf"^(https://www\.googleapis\.com/compute/(v1|beta)/)?projects/({PROJECT_ID})/global/images/"
    r"(family/)?[a-z]([-a-z0-9]{0,61}[a-z0-9])?$"
)


def image_project(image: str) -> str:
    """``projects/<p>/global/images/<n>`` (or its self link) -> ``<p>``."""
    match = IMAGE.match(image)
    if not match:
        raise ValueError(f"not a GCP image path: {image!r}")
    return match.group(3)


def allowed_values(images: Sequence[str], extra_projects: Sequence[str]) -> list[str]:
    projects = {image_project(i) for i in images} | set(extra_projects)
    return [f"projects/{p}" for p in sorted(projects)]


@dataclass(frozen=True, kw_only=True)
class GcpDriftTarget:
    """DriftRule on GCP: trusted image projects for one project.

    Setting an organization policy needs ``roles/orgpolicy.policyAdmin`` (granted at the
    organization or folder). The policy replaces any project-level policy on the same
    constraint.
    """

    cloud = "gcp"
    approves_chain_roots = True
    """The policy is preventive and per project: the projects of the approved GoldenImages'
    vendor images (``ubuntu-os-cloud``...) are trusted too, or the next rebake's builder
    could not boot."""

    project: str
    """The project the policy applies to (its id)."""
    extra_image_projects: Sequence[str] = ()
    """More projects whose images may be used, e.g. ``ubuntu-os-cloud`` if instances may
    boot vendor images. Default: only the projects that hold the approved images."""

    def validate(self, check: Check) -> None:
        check.matches("target.project", self.project, PROJECT, "a GCP project id")
        if isinstance(self.extra_image_projects, (str, bytes)) or not isinstance(
            self.extra_image_projects, Sequence
        ):
            check.fail("target.extra_image_projects", self.extra_image_projects, "a list")
        for i, project in enumerate(self.extra_image_projects):
            check.matches(f"target.extra_image_projects[{i}]", project, PROJECT, "a GCP project id")

    def validate_image(self, check: Check, field_name: str, image_id: str) -> None:
        check.matches(
            field_name,
            image_id,
            IMAGE,
            "a GCP image path 'projects/<project>/global/images/<name>' or its self link",
        )

    def validate_images(self, check: Check, image_ids: Sequence[object]) -> None:
        return None

    def build(self, component: DriftRule, name: str, image_ids: list) -> DriftResult:
        extra = list(self.extra_image_projects)
        values = pulumi.Output.all(*image_ids).apply(lambda ids: allowed_values(ids, extra))
        policy = gcp.orgpolicy.Policy(
            f"{name}-trusted-image-projects",
            name=f"projects/{self.project}/policies/{CONSTRAINT}",
            parent=f"projects/{self.project}",
            spec={
                "inherit_from_parent": False,
                "rules": [{"values": {"allowed_values": values}}],
            },
            opts=pulumi.ResourceOptions(parent=component),
        )
        return DriftResult(
            rule_names=pulumi.Output.all(policy.name).apply(list),
            topic_arn=pulumi.Output.from_input(""),
        )
