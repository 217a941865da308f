"""``immutable prune``: keep the newest images of each lineage, delete the unused rest."""

from __future__ import annotations

import argparse
from typing import Any

from ._common import (
    add_aws_options,
    api_error_message,
    dump_json,
    fail,
    positive_int,
    table,
    tag_pair,
)

DESCRIPTION = """\
Keep the newest --keep images of each lineage among the account's own images
(Owners=self, state available) selected by --name-prefix or --tag; deregister the
others and delete their snapshots. A dry run unless --apply is given.

Lineage: the image's Lineage tag, else its name without the trailing build hash
(web-3f2a9c1e -> web: '-', '_' or '.' then 7 to 64 lower-case hex digits; a name without
one is its own lineage).

Never removed, whatever its age: an image used by any version of any launch template,
by an auto scaling group (launch template or launch configuration), by an instance in
any state but terminated, or published on an SSM parameter of data type aws:ec2:image.

If a call fails half-way, prune stops, reports what was and was not deleted, and exits
2; run it again to finish. Each run also deletes orphan snapshots: snapshots whose
description says CreateImage or CopyImage made them for an image that no longer exists
(found account-wide, since the description names no lineage; the dry run lists them).

Exit status: 0 done (or dry run), 2 usage or API error."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "prune",
        help="deregister old, unused images of a lineage and delete their snapshots",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_aws_options(parser)
    parser.add_argument(
        "--keep",
        type=positive_int,
        default=3,
        metavar="N",
        help="images to keep per lineage, newest first (>= 1). Default: 3.",
    )
    selection = parser.add_mutually_exclusive_group(required=True)
    selection.add_argument(
        "--name-prefix", metavar="P", help="select the images whose name starts with P."
    )
    selection.add_argument(
        "--tag", type=tag_pair, metavar="KEY=VALUE", help="select the images carrying this tag."
    )
    parser.add_argument(
        "--apply",
        action="store_true",
        help="deregister and delete. Default: a dry run that changes nothing and reports "
        "what would be deleted.",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import botocore.exceptions

    from ..ops import Aws, OpsError
    from ..ops.prune import apply_prune, dry_run_report, plan_prune

    if args.name_prefix is not None and not args.name_prefix.strip():
        return fail("prune", "--name-prefix is empty: give the start of the image names")
    try:
        aws = Aws(region=args.region, endpoint_url=args.endpoint_url)
        plan = plan_prune(aws, keep=args.keep, name_prefix=args.name_prefix, tag=args.tag)
        report = apply_prune(aws, plan) if args.apply else dry_run_report(plan)
    except OpsError as error:
        return fail("prune", str(error))
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
        return fail("prune", api_error_message(error))

    if args.json:
        dump_json(report.to_dict())
    else:
        print(_text(report, plan.lineages))
    if report.error is not None:
        return fail(
            "prune",
            f"stopped after a failed call ({report.error}); "
            f"{len(report.not_deleted_images)} images and {len(report.not_deleted_snapshots)} "
            "snapshots not deleted; run the command again to finish",
        )
    return 0


def _text(report: Any, lineages: dict[str, str]) -> str:
    verb = "would delete" if report.dry_run else "deleted"
    rows = []
    for image_id in sorted(report.kept):
        rows.append([image_id, lineages.get(image_id, "-"), "keep (newest)"])
    for image_id, users in sorted(report.in_use.items()):
        more = f" +{len(users) - 1} more" if len(users) > 1 else ""
        rows.append([image_id, lineages.get(image_id, "-"), f"keep (in use: {users[0]}{more})"])
    for image_id in sorted(report.deleted_images):
        rows.append([image_id, lineages.get(image_id, "-"), verb])
    for image_id in sorted(report.not_deleted_images):
        rows.append([image_id, lineages.get(image_id, "-"), "not deleted (stopped)"])
    lines = [table(["IMAGE", "LINEAGE", "ACTION"], rows)] if rows else ["No images selected."]
    snaps = sorted(report.deleted_snapshots)
    if snaps:
        label = "to delete" if report.dry_run else "deleted"
        lines.append(f"\nSnapshots {label}: " + ", ".join(snaps))
    summary = (
        f"\n{len(report.kept) + len(report.in_use)} images kept ({len(report.in_use)} in use), "
        f"{verb} {len(report.deleted_images)} images and {len(snaps)} snapshots"
    )
    if report.dry_run:
        summary += " (dry run: pass --apply to delete)"
    lines.append(summary + ".")
    return "\n".join(lines)
