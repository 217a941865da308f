"""``immutable drift``: report instances that have drifted from the immutable path."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .._patterns import AMI_ID
from ._common import (
    Progress,
    add_aws_options,
    api_error_message,
    dump_json,
    fail,
    positive_int,
    table,
    tag_pair,
)

DESCRIPTION = """\
Scan a region's running and pending instances (stopped ones are not scanned) and report
each drift, one finding per instance per reason:

  unapproved-image               the instance's image is in no approval source
  stale-launch-template-version  launched from a launch template version other than the
                                 one its auto scaling group resolves to now ($Latest and
                                 $Default resolved to numbers)
  not-in-auto-scaling-group      a pet: the instance belongs to no group
  too-old                        launched more than --max-age-days days ago

The group checks always run. The image check runs when an approval source is given
(an image approved by any source passes); without one it is skipped. Give at least one
approval source or --max-age-days, so that a run checks what you meant it to.

Exit status: 0 no drift, 3 drift found, 2 usage or API error."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "drift",
        help="report instances on unapproved images, stale template versions, pets, old age",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_aws_options(parser)
    parser.add_argument(
        "--approved-amis",
        type=ami_list,
        metavar="ID,...",
        help="comma-separated AMI ids that are approved. Default: none.",
    )
    parser.add_argument(
        "--approved-parameter",
        action="append",
        default=[],
        metavar="NAME",
        help="an SSM parameter (data type aws:ec2:image) whose value is an approved AMI id, "
        "e.g. a GoldenImage publish channel; repeat for several. Default: none.",
    )
    parser.add_argument(
        "--approved-tag",
        type=tag_pair,
        metavar="KEY=VALUE",
        help="an image carrying this tag is approved. Tags of images shared from another "
        "account are invisible to this account, so those never pass. Default: none.",
    )
    parser.add_argument(
        "--max-age-days",
        type=positive_int,
        metavar="N",
        help="report instances launched more than N days ago. Default: age not checked.",
    )
    parser.set_defaults(run=run)


def ami_list(text: str) -> frozenset[str]:
    ids = [part.strip() for part in text.split(",") if part.strip()]
    bad = [i for i in ids if not AMI_ID.match(i)]
    if not ids or bad:
        raise argparse.ArgumentTypeError(
            f"{(bad or [text])[0]!r} is not an AMI id: give comma-separated ids of the form "
            "ami- and 8 or 17 lower-case hex digits, e.g. ami-0123456789abcdef0"
        )
    return frozenset(ids)


def run(args: argparse.Namespace) -> int:
    import botocore.exceptions

    from ..ops import Aws, OpsError
    from ..ops.drift import DriftPolicy, scan

    policy = DriftPolicy(
        approved_amis=args.approved_amis or frozenset(),
        approved_parameters=tuple(args.approved_parameter),
        approved_tag=args.approved_tag,
        max_age_days=args.max_age_days,
    )
    if not policy.checks_images and policy.max_age_days is None:
        return fail(
            "drift",
            "nothing to check against: give an approval source (--approved-amis, "
            "--approved-parameter or --approved-tag) and/or --max-age-days; the launch "
            "template and auto scaling group checks run alongside them",
        )
    progress = Progress(sys.stderr, enabled=not args.json)
    try:
        aws = Aws(region=args.region, endpoint_url=args.endpoint_url)
        report = scan(aws, policy, progress=progress)
    except OpsError as error:
        return fail("drift", str(error))
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
        return fail("drift", api_error_message(error))
    finally:
        progress.close()

    if args.json:
        dump_json(report.to_dict())
    else:
        print(_text(report))
    return 3 if report.drifted else 0


def _text(report: Any) -> str:
    checks = ", ".join(report.checks)
    if not report.findings:
        return f"No drift: {report.scanned} instances scanned (checks: {checks})."
    rows = [
        [
            f.instance_id,
            f.image_id,
            f.reason,
            f.auto_scaling_group or "-",
            f.launch_template_version or "-",
            f.launched_at,
        ]
        for f in report.findings
    ]
    headers = ["INSTANCE", "IMAGE", "REASON", "GROUP", "LT VERSION", "LAUNCHED"]
    drifted = len({f.instance_id for f in report.findings})
    summary = (
        f"{len(report.findings)} findings on {drifted} of {report.scanned} instances "
        f"scanned (checks: {checks})."
    )
    return table(headers, rows) + "\n\n" + summary
