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

from collections.abc import Sequence

import pulumi
import pulumi_gcp as gcp

from ._approved import Approved, DriftResult
from .args import GCP_IMAGE, GcpDriftTarget

__all__ = ["allowed_values", "build", "image_project"]

CONSTRAINT = "compute.trustedImageProjects"


def image_project(image: str) -> str:
    """``projects/<p>/global/images/<n>`` (or its self link) -> ``<p>``."""
    match = GCP_IMAGE.match(image)
    if not match:
        raise ValueError(f"not a GCP image path: {image!r}")
    return match.group(4)


def allowed_values(images: Sequence[str], extra_projects: Sequence[str]) -> list[str]:
    """The policy's ``allowed_values``: the images' projects and the extra ones, sorted."""
    projects = {image_project(i) for i in images} | set(extra_projects)
    return [f"projects/{p}" for p in sorted(projects)]


def build(
    component: pulumi.Resource, name: str, target: GcpDriftTarget, approved: Approved
) -> DriftResult:
    """Register the org policy as a child of ``component``."""
    extra = list(target.extra_image_projects)
    values = approved.ids.apply(lambda ids: allowed_values(ids, extra))
    project = target.project
    parent: pulumi.Input[str]
    if isinstance(project, str):
        parent = f"projects/{project}"
    else:
        parent = pulumi.Output.concat("projects/", project)
    policy = gcp.orgpolicy.Policy(
        f"{name}-trusted-image-projects",
        name=pulumi.Output.concat(parent, "/policies/", CONSTRAINT)
        if not isinstance(parent, str)
        else f"{parent}/policies/{CONSTRAINT}",
        parent=parent,
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
