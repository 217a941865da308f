"""``immutable diff``: the release summary between two plans, or of a pulumi preview.

``immutable diff BASE NEW`` compares two plan documents (``immutable plan --json``);
``immutable diff --preview FILE`` reads a ``pulumi preview --json`` digest. Exit code 0 no
change, 1 changes, 3 danger (a long-lived resource replaced or deleted, a protected
resource touched, a secret changed), 2 an unreadable input.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "diff",
        help="what a change does: images, releases, traffic, danger (exit 0/1/3)",
        description=(
            "Print the release summary between two plan documents (immutable plan --json) "
            "or of a pulumi preview --json digest. Exit code: 0 no changes, 1 changes, "
            "3 danger, 2 an unreadable input."
        ),
    )
    parser.add_argument("base", nargs="?", metavar="BASE", help="the plan document before")
    parser.add_argument("new", nargs="?", metavar="NEW", help="the plan document after")
    parser.add_argument(
        "--preview", metavar="FILE", help="read a `pulumi preview --json` digest instead"
    )
    parser.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default="text",
        help="text (default), markdown (a pull-request comment) or json (docs/diff.md)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..review import DiffInputError, changes_from_plans, changes_from_preview, render, summarize
    from ..review._changes import read_json

    try:
        if args.preview:
            if args.base or args.new:
                raise DiffInputError("give either BASE NEW or --preview FILE, not both")
            changes = changes_from_preview(read_json(args.preview), where=args.preview)
            source = "preview"
        else:
            if not (args.base and args.new):
                raise DiffInputError("give two plan documents BASE NEW, or --preview FILE")
            changes = changes_from_plans(
                read_json(args.base), read_json(args.new), where=(args.base, args.new)
            )
            source = "plans"
    except DiffInputError as exc:
        print(f"immutable diff: error: {exc}", file=sys.stderr)
        return 2
    summary = summarize(changes, source=source)
    sys.stdout.write(render(summary, args.format))
    return summary.exit_code
