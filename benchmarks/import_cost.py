"""What ``import immutable_components`` costs, against ``import pulumi``, side by side.

Each case runs in a fresh interpreter, the cases alternating (one of each per round, the
order swapped every round) for ``--repeat`` rounds after one warm-up round (page cache,
bytecode). Measured per run: the import's own time (``perf_counter`` around the import
statement, in the child), the process's wall time and its peak RSS (``wait4``). The
medians are compared.

Target: ``import immutable_components`` at most 1.3x ``import pulumi`` in import time and in
peak RSS; exits 1 when missed. The informational rows show what a program pays on its
first use of a component (the lazy export imports it and its cloud's SDK then).

    PYTHONPATH=. python benchmarks/import_cost.py [--repeat 7] [--json]
"""

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import Sample, run

LIMIT = 1.3
BASELINE, SUBJECT = "import pulumi", "import immutable_components"
#: (name, statement, gated)
CASES = [
    (BASELINE, "import pulumi", True),
    (SUBJECT, "import immutable_components", True),
    ("python, nothing imported", "pass", False),
    (
        "first use: GoldenImage (AWS)",
        "import immutable_components as ic; ic.GoldenImage; ic.AwsBuilder",
        False,
    ),
    (
        "first use: BlueGreenService",
        "import immutable_components as ic; ic.BlueGreenService",
        False,
    ),
    (
        "first use: GcpBuilder",
        "import immutable_components as ic; ic.GoldenImage; ic.GcpBuilder",
        False,
    ),
]

CHILD = """
import json, time
started = time.perf_counter()
exec(compile({statement!r}, "<benchmark>", "exec"))
print(json.dumps({{"import_s": time.perf_counter() - started}}))
"""


def measure(repeat: int) -> tuple[dict[str, Sample], dict[str, list[float]]]:
    """(runs, import seconds of each run) per case."""
    samples = {name: Sample(name) for name, _, _ in CASES}
    imports: dict[str, list[float]] = {name: [] for name, _, _ in CASES}
    for round_ in range(repeat + 1):
        order = CASES if round_ % 2 else list(reversed(CASES))
        for name, statement, _ in order:
            result = run(["-c", CHILD.format(statement=statement)])
            if round_ == 0:
                continue  # warm-up
            samples[name].runs.append(result)
            imports[name].append(json.loads(result.stdout)["import_s"])
    return samples, imports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="rounds measured (default: 7)")
    parser.add_argument("--json", action="store_true", help="print the medians as JSON")
    args = parser.parse_args(argv)

    samples, imports = measure(args.repeat)
    rows = {
        name: {
            "import_ms": statistics.median(imports[name]) * 1000,
            "process_ms": samples[name].median("wall_s") * 1000,
            "peak_rss_mib": samples[name].median("peak_rss_mib"),
        }
        for name, _, _ in CASES
    }
    base, subject = rows[BASELINE], rows[SUBJECT]
    ratios = {
        "import_time": subject["import_ms"] / base["import_ms"],
        "process_time": subject["process_ms"] / base["process_ms"],
        "peak_rss": subject["peak_rss_mib"] / base["peak_rss_mib"],
    }
    ok = ratios["import_time"] <= LIMIT and ratios["peak_rss"] <= LIMIT
    if args.json:
        print(json.dumps({"medians": rows, "ratios": ratios, "ok": ok}, indent=2))
    else:
        print(f"{args.repeat} rounds, medians (fresh interpreter per run)\n")
        print(f"{'case':34} {'import ms':>10} {'process ms':>11} {'peak RSS MiB':>13}")
        for name, row in rows.items():
            print(
                f"{name:34} {row['import_ms']:10.1f} {row['process_ms']:11.1f} "
                f"{row['peak_rss_mib']:13.1f}"
            )
        print(
            f"\n{SUBJECT} / {BASELINE}: import time {ratios['import_time']:.2f}x, process "
            f"time {ratios['process_time']:.2f}x, peak RSS {ratios['peak_rss']:.2f}x "
            f"(limit {LIMIT}x for import time and peak RSS): {'ok' if ok else 'OVER'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
