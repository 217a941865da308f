"""The ``immutable`` command: ``plan``, ``diff``, ``drift``, ``prune``.

Each sub-command lives in its own module exposing ``register(subparsers)`` and
``run(args) -> int``. Modules import their heavy dependencies (the Pulumi program,
boto3) inside ``run`` so that ``immutable --help`` stays fast.

Exit codes: 0 success, 2 usage or runtime error; a sub-command may define more
(``drift`` exits 3 when it finds drift, ``diff`` exits 1 on changes and 3 on danger).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

#: sub-command name -> module that implements it
COMMANDS = {
    "plan": "immutable_components.cli.plan",
    "diff": "immutable_components.cli.diff",
    "drift": "immutable_components.cli.drift",
    "prune": "immutable_components.cli.prune",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="immutable",
        description="Offline plans and operations for immutable-components stacks.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMANDS.values():
        module = importlib.import_module(module_name)
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
