"""Cost of BlueGreenService under the mocks, against the same resources registered bare.

For N = 1, 10, 50 services (each a BlueGreenService with two colours on plain AMI ids) the
program is evaluated under the recording mocks, each case in a fresh subprocess, once for
time (wall clock of construction until every registration settled) and once for memory
(tracemalloc peak of the same, so the import of the SDKs is not counted). Both sides are
measured warm: the SDK modules of every recorded resource type are imported, and the heap
collected, before the clock starts.

The baseline registers the very same custom resources (same type tokens, names and
inputs) with the same provider classes (plain ``pulumi.CustomResource`` for the dynamic
InstanceRefresh) and no components: it replays the recorded registrations of N = 1,
renamed per service, with literal inputs. The two sets are compared before timing, so
the baseline is provably the same set.

Targets: components cost at most 1.15x the baseline (time and memory), and the cost per
service at N = 50 is at most 1.3x the cost per service at N = 10 (linear growth). Prints
a table; exits 1 when a target is missed.

    PYTHONPATH=. python benchmarks/plan_scale.py [--sizes 1,10,50] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

TIME_RATIO, MEMORY_RATIO, LINEAR_RATIO = 1.15, 1.15, 1.3
SERVICE = "svc0"


def _args(name: str) -> Any:
    from immutable_components import BlueGreenColor, BlueGreenServiceArgs

    return BlueGreenServiceArgs(
        vpc_id="vpc-0123456789abcdef0",
        load_balancer_subnet_ids=["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
        fleet_subnet_ids=["subnet-0123456789abcdef2", "subnet-0123456789abcdef3"],
        blue=BlueGreenColor(image_id="ami-0123456789abcdef0", version="1.0.0"),
        green=BlueGreenColor(image_id="ami-0fedcba9876543210", version="1.1.0"),
        ingress_cidrs=["0.0.0.0/0"],
        certificate_arn="arn:aws:acm:us-east-1:123456789012:certificate/"
        "12345678-1234-1234-1234-123456789012",
    )


def _components(n: int) -> None:
    from immutable_components import BlueGreenService

    for i in range(n):
        BlueGreenService(f"svc{i}", _args(f"svc{i}"))


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def _provider_class(type_token: str) -> Any:
    """The SDK class of a type token (``aws:lb/listener:Listener`` -> ``aws.lb.Listener``),
    or None for dynamic resources, which are replayed as plain CustomResources."""
    package, module, name = type_token.split(":")
    if package != "aws":
        return None
    import pulumi_aws

    return getattr(getattr(pulumi_aws, module.split("/")[0]), name)


def _bare(n: int, recorded: list[dict[str, Any]]) -> None:
    import pulumi

    for i in range(n):
        for reg in recorded:
            name = reg["name"].replace(SERVICE, f"svc{i}", 1)
            cls = _provider_class(reg["type"])
            if cls is None:
                pulumi.CustomResource(reg["type"], name, props=dict(reg["inputs"]))
            else:  # same class: top-level arguments by name, nested values as recorded
                cls(name, **{_snake(k): v for k, v in reg["inputs"].items()})


def _custom_set(run: Any) -> list[dict[str, Any]]:
    return [
        {"type": r.type, "name": r.name, "inputs": r.revealed} for r in run.resources if r.custom
    ]


def child(kind: str, n: int, measure: str, recorded_path: str) -> dict[str, Any]:
    """One case, in this (fresh) process."""
    import pulumi  # noqa: F401 (imports are not part of the measurement)
    import pulumi_aws  # noqa: F401

    import immutable_components  # noqa: F401
    from immutable_components.testing import mocked

    known = json.loads(Path(recorded_path).read_text()) if Path(recorded_path).exists() else []
    recorded = known if kind == "bare" else []
    # Both sides measured warm: the SDK modules of every recorded type are imported first
    # (``import immutable_components`` alone imports pulumi_aws.ec2, ~0.3 s, which the
    # baseline would otherwise pay inside its measurement), and the heap is collected.
    for reg in known:
        _provider_class(reg["type"])
    gc.collect()
    with mocked() as run:
        if measure == "memory":
            tracemalloc.start()
        start = time.perf_counter()
        (_components(n) if kind == "components" else _bare(n, recorded))
        run.settle()
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] if measure == "memory" else 0
        tracemalloc.stop()
        registered = _custom_set(run)
        if kind == "components" and n == 1:
            Path(recorded_path).write_text(json.dumps(registered))
        shape = sorted(
            (r["type"], r["name"], json.dumps(r["inputs"], sort_keys=True)) for r in registered
        )
    return {"seconds": seconds, "peak_bytes": peak, "count": len(registered), "shape": shape}


def run_case(kind: str, n: int, measure: str, recorded: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(n), measure, recorded],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,50")
    parser.add_argument("--repeat", type=int, default=3, help="time runs per case (best kept)")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, n, measure, recorded = args.child
        print(json.dumps(child(kind, int(n), measure, recorded)))
        return 0

    sizes = [int(s) for s in args.sizes.split(",")]
    recorded = str(Path(tempfile.mkdtemp()) / "recorded.json")
    first = run_case("components", 1, "time", recorded)  # records the N = 1 set
    same = run_case("bare", 1, "time", recorded)
    if first["shape"] != same["shape"]:
        print("the baseline does not register the same resources", file=sys.stderr)
        return 2
    rows, ok = [], True
    per: dict[str, dict[int, float]] = {"components": {}, "bare": {}}
    for n in sizes:
        row: dict[str, Any] = {"n": n}
        # Interleaved, so a change of the machine's load hits both sides alike.
        times: dict[str, list[float]] = {"components": [], "bare": []}
        for _ in range(args.repeat):
            for kind in times:
                times[kind].append(run_case(kind, n, "time", recorded)["seconds"])
        for kind in ("components", "bare"):
            memory = run_case(kind, n, "memory", recorded)
            row[kind] = (min(times[kind]) / n, memory["peak_bytes"] / n, memory["count"])
            per[kind][n] = min(times[kind]) / n
        row["time_ratio"] = row["components"][0] / row["bare"][0]
        row["memory_ratio"] = row["components"][1] / row["bare"][1]
        ok &= row["time_ratio"] <= TIME_RATIO and row["memory_ratio"] <= MEMORY_RATIO
        rows.append(row)

    print(f"{'N':>3} {'resources':>9}  {'components s/svc':>16} {'bare s/svc':>10} {'x':>5}"
          f"  {'components KiB/svc':>18} {'bare KiB/svc':>12} {'x':>5}")  # fmt: skip
    for row in rows:
        c, b = row["components"], row["bare"]
        print(
            f"{row['n']:>3} {c[2]:>9}  {c[0]:>16.4f} {b[0]:>10.4f} {row['time_ratio']:>5.2f}"
            f"  {c[1] / 1024:>18.0f} {b[1] / 1024:>12.0f} {row['memory_ratio']:>5.2f}"
        )
    small, large = min(sizes), max(sizes)
    mid = sorted(sizes)[-2] if len(sizes) > 1 else small
    for kind in ("components", "bare"):
        growth = per[kind][large] / per[kind][mid]
        print(f"linearity ({kind}): s/svc at N={large} / s/svc at N={mid} = {growth:.2f}")
        ok &= kind == "bare" or growth <= LINEAR_RATIO
    print(
        f"targets: time and memory <= {TIME_RATIO}x baseline, growth <= {LINEAR_RATIO}x: "
        + ("met" if ok else "MISSED")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
