"""``immutable plan``: the project's program under the mocks, offline.

Prints a tree like ``pulumi preview`` (or, with ``--json``, the plan document of the
contract in DESIGN.md). Exit code 2, with one paragraph on stderr, when the stack file is
missing, an option is unknown, or the program fails.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "plan",
        help="run the project's Pulumi program under mocks and print what it declares",
        description=(
            "Run the Pulumi program of the project in --cwd with the recording mocks of "
            "immutable_components.testing: no Pulumi CLI, no cloud credentials, no network."
        ),
    )
    parser.add_argument("--stack", default="dev", help="stack name (default: dev)")
    parser.add_argument("--cwd", default=".", help="project directory (default: .)")
    parser.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a stack setting (repeatable); KEY without a namespace is the project's",
    )
    parser.add_argument(
        "--invokes",
        action="append",
        default=[],
        metavar="FILE",
        help="answer data-source calls from FILE (YAML/JSON list of {token, args, result}; "
        "repeatable; wins over the built-in answers and the stack's immutable:planInvokes)",
    )
    parser.add_argument(
        "--stack-output",
        action="append",
        default=[],
        metavar="STACK=FILE",
        help="outputs of a stack the program reads with pulumi.StackReference (FILE: a "
        "YAML/JSON mapping; repeatable; see also immutable:planStackOutputs)",
    )
    parser.add_argument(
        "--preview",
        action="store_true",
        help="plan as a preview of a new stack sees it: ids and computed outputs unknown",
    )
    parser.add_argument("--json", action="store_true", help="print the plan document as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..planner import PlanError, run_plan

    try:
        plan = run_plan(
            args.cwd,
            args.stack,
            args.config,
            invokes=args.invokes,
            stack_outputs=args.stack_output,
            preview=args.preview,
        )
    except PlanError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for key in plan.fake_secrets:
        print(
            f"note: {key} is a secure setting; the offline plan cannot decrypt it and uses "
            f"the fake value 'fake-secret-for-{key}'",
            file=sys.stderr,
        )
    sys.stdout.write(plan.to_json() if args.json else render_tree(plan.document()))
    return 0


def render_tree(document: dict[str, Any]) -> str:
    resources = document["resources"]
    children: dict[str | None, list[dict[str, Any]]] = {}
    for res in resources:
        children.setdefault(res["parent"], []).append(res)
    rows: list[tuple[str, str]] = []

    def walk(parent: str | None, prefix: str) -> None:
        kids = children.get(parent, [])
        for i, res in enumerate(kids):
            last = i == len(kids) - 1
            branch = "" if parent is None else ("└─ " if last else "├─ ")
            rows.append((prefix + branch + res["type"], res["name"]))
            walk(res["urn"], prefix + ("" if parent is None else ("   " if last else "│  ")))

    walk(None, "")
    width = max([len("Type")] + [len(t) for t, _ in rows]) + 2
    lines = [
        f"Previewing update (offline, mocks): {document['project']}/{document['stack']}",
        "",
        f"     {'Type'.ljust(width)}Name",
    ]
    lines += [f" +   {t.ljust(width)}{n}" for t, n in rows]
    if document["outputs"]:
        lines += ["", "Outputs:"]
        keys = sorted(document["outputs"])
        pad = max(len(k) for k in keys) + 1
        for key in keys:
            value = json.dumps(document["outputs"][key], sort_keys=True)
            lines.append(f"    {(key + ':').ljust(pad)} {value}")
    lines += ["", "Resources:", f"    + {len(resources)} to create", ""]
    return "\n".join(lines)
