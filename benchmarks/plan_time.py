"""Wall time and peak RSS of ``immutable plan`` for each example stack.

Each stack's plan (``python -m immutable_components.cli plan --stack S --json``) runs in a
fresh interpreter, the stacks alternating, for ``--repeat`` rounds after one warm-up
round; the medians (and the fastest and slowest run) are printed. With ``--baseline DIR``
each plan's JSON is also compared with ``DIR/<stack>.json`` (exit 1 on a difference).
No target: a record of what a plan costs (see benchmarks/README.md).

    PYTHONPATH=. python benchmarks/plan_time.py [--repeat 5] [--baseline DIR] [--json]
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import Sample, run

STACKS = ("dev", "gcp-dev", "azure-dev")


def measure(repeat: int, stacks: tuple[str, ...] = STACKS) -> tuple[dict[str, Sample], dict]:
    samples = {stack: Sample(stack) for stack in stacks}
    outputs: dict[str, bytes] = {}
    for round_ in range(repeat + 1):
        order = stacks if round_ % 2 else tuple(reversed(stacks))
        for stack in order:
            result = run(["-m", "immutable_components.cli", "plan", "--stack", stack, "--json"])
            outputs[stack] = result.stdout
            if round_:
                samples[stack].runs.append(result)
    return samples, outputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds measured (default: 5)")
    parser.add_argument("--baseline", type=Path, help="directory of <stack>.json to compare")
    parser.add_argument("--json", action="store_true", help="print the medians as JSON")
    args = parser.parse_args(argv)

    samples, outputs = measure(args.repeat)
    rows = {}
    for stack, sample in samples.items():
        fastest, slowest = sample.spread("wall_s")
        rows[stack] = {
            "wall_ms": sample.median("wall_s") * 1000,
            "fastest_ms": fastest * 1000,
            "slowest_ms": slowest * 1000,
            "peak_rss_mib": sample.median("peak_rss_mib"),
            "resources": len(json.loads(outputs[stack])["resources"]),
        }
    differ = [
        stack
        for stack in STACKS
        if args.baseline is not None
        and (args.baseline / f"{stack}.json").read_bytes() != outputs[stack]
    ]
    if args.json:
        print(json.dumps({"medians": rows, "differ": differ}, indent=2))
    else:
        print(f"immutable plan --json, {args.repeat} rounds (fresh interpreter per run)\n")
        header = f"{'stack':10} {'wall ms':>9} {'min..max ms':>15} {'peak RSS MiB':>13}"
        print(f"{header} {'resources':>10}")
        for stack, row in rows.items():
            spread = f"{row['fastest_ms']:.0f}..{row['slowest_ms']:.0f}"
            print(
                f"{stack:10} {row['wall_ms']:9.0f} {spread:>15} {row['peak_rss_mib']:13.1f} "
                f"{row['resources']:10d}"
            )
        if args.baseline is not None:
            print(
                "\nplans "
                + (
                    f"DIFFER from {args.baseline}: {differ}"
                    if differ
                    else "identical to the baseline"
                )
            )
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
