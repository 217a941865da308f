"""DriftRule's inputs: pure-data records, and the checks that run on them.

The records are what Pulumi's component analyzer publishes (see
:mod:`immutable_components._records`): one block per cloud (exactly one is set), the approved
images as ids or as sets of ids (a GoldenImage's ``approved_image_ids``), and tags. The
checks here are plain Python (no provider SDK), so a bad input is refused before any cloud
module is imported or any resource registered, whether the args came as records or as the
provider's dicts.

Image ids are recognised by their shape, which is also how an image of another cloud is
told apart: ``ami-...`` (AWS), ``projects/<p>/global/images/<name>`` or its self link (GCP),
``/subscriptions/<id>/resourceGroups/<g>/providers/Microsoft.Compute/...`` (Azure).
"""

import dataclasses
import enum
import re
from collections.abc import Mapping, Sequence
from typing import Any, Optional

import pulumi

from .._patterns import AMI_ID, ARN
from .._records import Defaulted, Record
from .._validate import Check, is_unknown

__all__ = [
    "AwsDriftTarget",
    "AzureDriftEffect",
    "AzureDriftTarget",
    "DriftRuleArgs",
    "GcpDriftTarget",
    "check_image",
    "image_cloud",
    "validate",
]

CLOUDS = ("aws", "gcp", "azure")
#: Component names become part of cloud resource names (Config rule, policy names).
COMPONENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[A-Za-z]{2,}$")
HTTPS_URL = re.compile(r"^https://[^\s/]+(/\S*)?$")
#: An SNS topic ARN: partition, region, 12-digit account, topic name (1-256 characters of
#: letters, digits, ``-`` and ``_``; a FIFO topic ends in ``.fifo``).
SNS_TOPIC_ARN = re.compile(
    r"^arn:(aws[a-z-]*):sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,251}(\.fifo)?)$"
)
#: A GCP project id: 6-30 characters, lower-case letters, digits and ``-``, starting with a
#: letter and not ending with ``-`` (Resource Manager docs, "Creating and managing projects").
GCP_PROJECT_ID = r"[a-z][a-z0-9-]{4,28}[a-z0-9]"
GCP_PROJECT = re.compile(rf"^{GCP_PROJECT_ID}$")
GCP_IMAGE = re.compile(
    rf"^(https://(www|compute)\.googleapis\.com/compute/(v1|beta)/)?projects/({GCP_PROJECT_ID})"
    r"/global/images/(family/)?[a-z]([-a-z0-9]{0,61}[a-z0-9])?$"
)
GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
AZURE_SCOPE = re.compile(rf"^/subscriptions/{GUID}(/resourceGroups/[-\w.()]{{1,90}})?$")
AZURE_IMAGE = re.compile(
    rf"^/subscriptions/{GUID}/resourceGroups/[-\w.()]{{1,90}}/providers/Microsoft\.Compute/"
    r"(images/[^/\s]+|galleries/[^/\s]+/images/[^/\s]+(/versions/[^/\s]+)?)$",
    re.IGNORECASE,
)
#: ``publisher:offer:sku:version``: the marketplace image an Azure GoldenImage bakes from (it
#: is in that image's ``approved_image_ids`` while it bakes; the policy never matches it, as
#: a VM from a marketplace image has no image id).
AZURE_MARKETPLACE = re.compile(r"^[A-Za-z0-9][-\w.]*:[-\w.]+:[-\w.]+:[-\w.]+$")

ACCEPTED = {
    "aws": "an AMI id: 'ami-' and 8 or 17 lower-case hex digits",
    "gcp": "a GCP image path 'projects/<project>/global/images/<name>' (or "
    "'.../images/family/<family>') or its self link",
    "azure": "an Azure managed image or gallery image (version) resource id "
    "'/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Compute/...'",
}


@dataclasses.dataclass(frozen=True, kw_only=True)
class AwsDriftTarget(Record):
    """DriftRule on AWS: an AWS Config rule in the provider's account and region, with
    NON_COMPLIANT alerts through EventBridge to SNS.

    NOTE: AWS Config rules evaluate only what a configuration recorder records. Most
    accounts have one (Control Tower and Security Hub set it up); if yours has none, set
    ``create_recorder``. AWS Config bills per configuration item recorded and per rule
    evaluation.
    """

    alert_emails: Defaulted[Sequence[str]] = ()
    """Email addresses subscribed to the alert topic (each must confirm the subscription
    from the email AWS sends). Default: no email subscriptions."""
    alert_https_endpoints: Defaulted[Sequence[str]] = ()
    """``https://`` endpoints subscribed to the alert topic (they must confirm the
    subscription). Default: no HTTPS subscriptions."""
    alert_topic_arn: Optional[pulumi.Input[str]] = None
    """The ARN of an existing SNS topic for the alerts, in the rule's region. Its access
    policy must let ``events.amazonaws.com`` publish and, if it is encrypted, its KMS key
    policy must let ``events.amazonaws.com`` use ``kms:GenerateDataKey*`` and
    ``kms:Decrypt`` (the AWS managed ``alias/aws/sns`` cannot be used). Default: a new
    topic encrypted with a new customer managed KMS key whose policy allows exactly that."""
    create_recorder: Defaulted[bool] = False
    """Create, and start, a configuration recorder that records EC2 instances only, with a
    delivery channel to a new encrypted, private S3 bucket and an IAM role with the
    ``AWS_ConfigRole`` managed policy. An account has at most one recorder per region:
    leave this off when the account already has one. Default: use the existing recorder."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class GcpDriftTarget(Record):
    """DriftRule on GCP: the ``compute.trustedImageProjects`` organization policy on one
    project, allowing only the projects that hold the approved images.

    Setting an organization policy needs ``roles/orgpolicy.policyAdmin`` (granted at the
    organization or folder). The policy replaces any project-level policy on the same
    constraint.
    """

    project: pulumi.Input[str]
    """The project the policy applies to (its project id, e.g. ``my-project-123``)."""
    extra_image_projects: Defaulted[Sequence[str]] = ()
    """More projects (ids, without ``projects/``) whose images may be used, e.g.
    ``ubuntu-os-cloud`` if instances may boot vendor images. Default: only the projects
    that hold the approved images."""


class AzureDriftEffect(str, enum.Enum):
    """What Azure Policy does with a VM or scale set on an unapproved image."""

    AUDIT = "Audit"
    """Report it as non-compliant."""
    DENY = "Deny"
    """Refuse to create or update it (and report existing ones)."""
    DISABLED = "Disabled"
    """Evaluate nothing."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class AzureDriftTarget(Record):
    """DriftRule on Azure: a custom Azure Policy definition in the provider's subscription
    and its assignment, auditing (or denying) VMs and scale sets on unapproved images.

    Creating the definition and the assignment needs ``Resource Policy Contributor`` (or
    Owner) on the subscription. Azure evaluates existing resources in a compliance scan
    (about once a day, or on demand); ``Deny`` applies to creates and updates at once.
    """

    scope: pulumi.Input[str]
    """Where the assignment applies, as a resource id: ``/subscriptions/<id>`` or
    ``/subscriptions/<id>/resourceGroups/<name>`` (a resource group's ``id``), in the
    provider's subscription."""
    effect: Defaulted[AzureDriftEffect] = AzureDriftEffect.AUDIT
    """``Audit``, ``Deny`` or ``Disabled``. Default: ``Audit`` (report, never block)."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class DriftRuleArgs(Record):
    """Inputs of :class:`~immutable_components.DriftRule`: exactly one of ``aws``, ``gcp``,
    ``azure``, and at least one approved image in ``approved_image_ids`` and
    ``approved_image_sets`` together."""

    aws: Optional[AwsDriftTarget] = None
    """An AWS Config rule over EC2 instances, with alerts. Default: not on AWS."""
    gcp: Optional[GcpDriftTarget] = None
    """GCP's trusted image projects policy on a project. Default: not on GCP."""
    azure: Optional[AzureDriftTarget] = None
    """An Azure Policy definition and assignment. Default: not on Azure."""
    approved_image_ids: Optional[Sequence[pulumi.Input[str]]] = None
    """Image ids instances may run, in the rule's cloud's format: AWS ``ami-...``, GCP
    ``projects/<p>/global/images/<name>`` (or its self link), Azure managed image or
    gallery image (version) resource ids. Default: none besides ``approved_image_sets``."""
    approved_image_sets: Optional[Sequence[pulumi.Input[Sequence[str]]]] = None
    """Sets of image ids instances may run, typically GoldenImages' ``approved_image_ids``
    (its image; on AWS also the image it published before this build, so a rollout in
    progress and an auto-rollback are no findings; while it bakes, its builder's source
    image, so the builder is no finding; on GCP the chain's vendor image, so the next
    rebake may boot). Default: none besides ``approved_image_ids``.

    Duplicates are dropped and the set is sorted, so reordering changes nothing. An id of
    another cloud is refused, when its value is known."""
    tags: Optional[Mapping[str, str]] = None
    """Tags (AWS) for every taggable resource the rule creates, besides ``ManagedBy:
    immutable-components``. Default: only ``ManagedBy``."""


def validate(check: Check, args: DriftRuleArgs) -> str:
    """Check everything known at construction; return the rule's cloud."""
    blocks = [c for c in CLOUDS if getattr(args, c) is not None]
    if len(blocks) != 1:
        check.fail(
            "aws/gcp/azure",
            ", ".join(blocks) or None,
            "exactly one of aws, gcp or azure: the cloud the rule lives in",
        )
    cloud = blocks[0]
    if args.aws is not None:
        _validate_aws(check, args.aws)
    elif args.gcp is not None:
        _validate_gcp(check, args.gcp)
    elif args.azure is not None:
        _validate_azure(check, args.azure)
    ids = _list(check, "approved_image_ids", args.approved_image_ids)
    sets = _list(check, "approved_image_sets", args.approved_image_sets)
    if not ids and not sets:
        check.fail(
            "approved_image_ids",
            args.approved_image_ids,
            "at least one approved image, in approved_image_ids or approved_image_sets",
        )
    for i, image in enumerate(ids):
        if image is None:
            check.fail(f"approved_image_ids[{i}]", None, ACCEPTED[cloud])
        if not is_unknown(image):
            check_image(check, cloud, f"approved_image_ids[{i}]", image)
    for i, entry in enumerate(sets):
        if entry is None:
            check.fail(
                f"approved_image_sets[{i}]", None, "a list of image ids, or an Output of one"
            )
        if not is_unknown(entry):
            check_set(check, cloud, f"approved_image_sets[{i}]", entry)
    tags = dict(args.tags) if isinstance(args.tags, Mapping) else args.tags
    check.string_map("tags", tags)
    return cloud


def check_set(check: Check, cloud: str, field: str, ids: Any) -> list[str]:
    """One approved set (its value known): a list of ids of ``cloud``."""
    if isinstance(ids, (str, bytes)) or not isinstance(ids, Sequence):
        check.fail(field, ids, "a list of image ids")
    for j, image in enumerate(ids):
        if is_unknown(image):
            check.fail(f"{field}[{j}]", image, "a known id: a set is resolved as a whole")
        check_image(check, cloud, f"{field}[{j}]", image, in_set=True)
    return list(ids)


def image_cloud(image: str) -> Optional[str]:
    """The cloud an image id belongs to, from its shape; ``None`` when no cloud's."""
    if AMI_ID.match(image):
        return "aws"
    if GCP_IMAGE.match(image):
        return "gcp"
    if AZURE_IMAGE.match(image):
        return "azure"
    return None


def check_image(check: Check, cloud: str, field: str, image: Any, in_set: bool = False) -> None:
    """One known image id in ``cloud``'s format; an id of another cloud is named as such.
    ``in_set``: a GoldenImage's set, where Azure's marketplace source image may appear."""
    if not isinstance(image, str):
        check.fail(field, image, ACCEPTED[cloud])
    found = image_cloud(image)
    if found == cloud:
        return
    if in_set and cloud == "azure" and AZURE_MARKETPLACE.match(image):
        return
    if found is not None:
        check.fail(
            field,
            image,
            f"an image of the rule's cloud ({cloud}); this is an {found.upper()} image id",
        )
    hint = ""
    if cloud in ("gcp", "azure") and re.match(r"^[A-Za-z0-9][-\w.]*$", image):
        hint = " (a bare image name is not enough: give the full path)"
    check.fail(field, image, ACCEPTED[cloud] + hint)


def _list(check: Check, field: str, value: Any) -> Sequence[Any]:
    if value is None:
        return ()
    if is_unknown(value):
        check.fail(field, value, "a list (its items may be Outputs), not an Output of a list")
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
        check.fail(field, value, "a list")
    return value


def _strings(
    check: Check, field: str, values: Any, pattern: re.Pattern[str], accepted: str
) -> None:
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Sequence):
        check.fail(field, values, f"a list of strings, each {accepted}")
    for i, value in enumerate(values):
        if value is None or not (isinstance(value, str) or is_unknown(value)):
            check.fail(f"{field}[{i}]", value, accepted)
        check.matches(f"{field}[{i}]", value, pattern, accepted)


def _validate_aws(check: Check, target: AwsDriftTarget) -> None:
    _strings(
        check, "aws.alert_emails", target.alert_emails, EMAIL, "an email address (ops@example.com)"
    )
    _strings(
        check,
        "aws.alert_https_endpoints",
        target.alert_https_endpoints,
        HTTPS_URL,
        "an https:// URL",
    )
    arn = target.alert_topic_arn
    if arn is not None and not is_unknown(arn):
        accepted = "an SNS topic ARN 'arn:<partition>:sns:<region>:<account id>:<topic name>'"
        match = SNS_TOPIC_ARN.match(arn) if isinstance(arn, str) else None
        if match is None:
            if isinstance(arn, str) and ARN.match(arn) and arn.split(":")[2] != "sns":
                accepted += f" (this is an ARN of {arn.split(':')[2]}, not of sns)"
            check.fail("aws.alert_topic_arn", arn, accepted)
        _check_region(check, "aws.alert_topic_arn", str(arn), match.group(1), match.group(2))
    if not isinstance(target.create_recorder, bool):
        check.fail("aws.create_recorder", target.create_recorder, "True or False")


def _check_region(check: Check, field: str, value: str, partition: str, region: str) -> None:
    """``region`` is one of ``partition``'s (botocore's endpoint data); a name of the
    partition's shape that botocore does not know yet (a region newer than the SDK) is a
    warning."""
    import botocore.loaders

    partitions = {
        p["partition"]: p
        for p in botocore.loaders.create_loader().load_data("endpoints")["partitions"]
    }
    if partition not in partitions:
        check.fail(field, value, "an ARN in an AWS partition: " + ", ".join(sorted(partitions)))
    known = partitions[partition]["regions"]
    if region in known:
        return
    if re.match(partitions[partition]["regionRegex"], region):
        pulumi.log.warn(
            f"{check.label}: `{field}`: region {region!r} is not known to this botocore; "
            "check its spelling (a region newer than the SDK is fine)"
        )
        return
    check.fail(
        field,
        value,
        f"an ARN in a region of the {partition} partition (" + ", ".join(sorted(known)) + ")",
    )


def _validate_gcp(check: Check, target: GcpDriftTarget) -> None:
    accepted = "a GCP project id: 6-30 lower-case letters, digits or '-', starting with a letter"
    project = target.project
    if isinstance(project, str) and project.startswith("projects/"):
        check.fail("gcp.project", project, accepted + " (without 'projects/')")
    check.matches("gcp.project", project, GCP_PROJECT, accepted)
    if project is None:
        check.fail("gcp.project", project, accepted)
    extra = target.extra_image_projects
    if isinstance(extra, Sequence) and not isinstance(extra, str):
        for i, item in enumerate(extra):
            if isinstance(item, str) and item.startswith("projects/"):
                check.fail(
                    f"gcp.extra_image_projects[{i}]", item, accepted + " (without 'projects/')"
                )
    _strings(check, "gcp.extra_image_projects", extra, GCP_PROJECT, accepted)


def _validate_azure(check: Check, target: AzureDriftTarget) -> None:
    accepted = (
        "a resource id: '/subscriptions/<subscription id>' or "
        "'/subscriptions/<id>/resourceGroups/<name>'"
    )
    if target.scope is None:
        check.fail("azure.scope", None, accepted)
    hint = ""
    if isinstance(target.scope, str) and re.match(r"^[-\w.()]{1,90}$", target.scope):
        hint = " (a bare resource group name is not enough)"
    check.matches("azure.scope", target.scope, AZURE_SCOPE, accepted + hint)
    check.one_of("azure.effect", target.effect, list(AzureDriftEffect))
