"""The release summary as text (a terminal), markdown (a pull-request comment) or JSON.

Every format lists danger first, then images, releases, traffic and the counts; the same
summary renders to the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from ._changes import OPS, SAME
from ._summary import ImageChange, ReleaseChange, Summary, Traffic

FORMATS = ("text", "markdown", "json")
#: The first line of a markdown comment: CI finds its own comment by it and edits it.
MARKER = "<!-- immutable-diff -->"


def _short(build_hash: str | None) -> str:
    return build_hash[:12] if build_hash else "none"


def _image_line(i: ImageChange) -> str:
    if i.status == "removed":
        return f"{i.name}: removed (was {_short(i.build_hash_old)})"
    line = f"{i.name}: {i.status}"
    if i.status == "rebake":
        line += f", build {_short(i.build_hash_old)} -> {_short(i.build_hash_new)}"
    elif i.build_hash_new:
        line += f", build {_short(i.build_hash_new)}"
    if i.version:
        line += f", version {i.version}"
    if i.lineage:
        line += f", from {' <- '.join(i.lineage)}"
    if i.copies:
        line += f", copies {', '.join(i.copies)}"
    return line


def _version(v: int | None) -> str:
    return "none" if v is None else f"v{v}"


def _release_line(r: ReleaseChange) -> str:
    who = f"{r.name} ({r.colour})" if r.colour else r.name
    parts = [who + ":"]
    if r.template:
        parts.append(
            f"launch template {r.template} {_version(r.template_version_old)} -> "
            f"{_version(r.template_version_new)}"
        )
    if r.rollout:
        settings = ", ".join(f"{k} {json.dumps(v)}" for k, v in r.rollout.items())
        parts.append(f"rollout: {settings}")
    if r.estimate_minutes is not None:
        parts.append(
            f"estimate: up to ~{r.estimate_minutes} min ({r.batches} batch(es) x launch + warm-up)"
        )
    return " ".join(parts[:1]) + " " + "; ".join(parts[1:])


def _weights(weights: dict[str, int]) -> str:
    return ", ".join(f"{c} {w}" for c, w in sorted(weights.items())) or "none"


def _traffic_lines(t: Traffic) -> list[str]:
    lines = [f"{t.listener}: {_weights(t.before)} -> {_weights(t.after)}"]
    if t.canary:
        lines.append(f"canary: {t.canary} takes {t.after[t.canary]}%")
    for g in t.gates:
        lines.append(
            f"gate {g.name} ({g.op}): {g.colour or '?'} needs {g.min_healthy_targets} healthy "
            f"target(s) within {g.timeout_seconds}s before the weights move"
        )
    if not t.gates:
        lines.append("gate: none changes with this move")
    return lines


def counts_line(summary: Summary) -> str:
    parts = [f"{summary.counts[op]} to {op}" for op in OPS if op != SAME and summary.counts[op]]
    parts.append(f"{summary.counts[SAME]} unchanged")
    return ", ".join(parts)


def _sections(summary: Summary) -> list[tuple[str, list[str]]]:
    sections: list[tuple[str, list[str]]] = []
    if summary.danger:
        sections.append(
            (
                "DANGER",
                [f"{d.what} {d.name} ({d.type}): {d.detail}" for d in summary.danger],
            )
        )
    if summary.images:
        sections.append(("Images", [_image_line(i) for i in summary.images]))
    if summary.releases:
        sections.append(("Releases", [_release_line(r) for r in summary.releases]))
    if summary.traffic:
        sections.append(("Traffic", [x for t in summary.traffic for x in _traffic_lines(t)]))
    return sections


def _headline(summary: Summary) -> str:
    if summary.danger:
        return (
            f"DANGER: {len(summary.danger)} long-lived, protected or secret change(s) need approval"
        )
    if not summary.changed:
        return "no changes"
    return "changes"


def render_text(summary: Summary) -> str:
    lines = [f"Release summary ({summary.source}): {_headline(summary)}", ""]
    for title, rows in _sections(summary):
        lines.append(f"{title}:")
        lines += [f"  {row}" for row in rows]
        lines.append("")
    lines.append(f"Resources: {counts_line(summary)}")
    return "\n".join(lines) + "\n"


def _mermaid(summary: Summary) -> list[str]:
    if not (summary.images or summary.releases or summary.traffic):
        return []
    lines = ["```mermaid", "flowchart LR"]
    ids: dict[str, str] = {}

    def node(key: str, label: str) -> str:
        if key not in ids:
            ids[key] = f"n{len(ids)}"
            lines.append(f'  {ids[key]}["{label}"]')
        return ids[key]

    for i in summary.images:
        node(f"image:{i.name}", f"image {i.name}: {i.status}")
    for r in summary.releases:
        rel = node(
            f"release:{r.name}",
            f"release {r.name}: {_version(r.template_version_old)} to "
            f"{_version(r.template_version_new)}",
        )
        for i in summary.images:
            if r.colour and r.colour in i.name:
                lines.append(f"  {ids[f'image:{i.name}']} --> {rel}")
    for t in summary.traffic:
        lst = node(f"traffic:{t.listener}", f"traffic {t.listener}")
        for colour, weight in sorted(t.after.items()):
            src = next(
                (ids[f"release:{r.name}"] for r in summary.releases if r.colour == colour), None
            )
            before = t.before.get(colour, 0)
            if src is None:
                src = node(f"colour:{colour}", f"{colour}")
            lines.append(f"  {src} -- {before} to {weight} --> {lst}")
    lines.append("```")
    return lines


def _table(changes: Iterable[tuple[str, str, str, str]]) -> list[str]:
    rows = ["| op | type | name | changed inputs |", "|---|---|---|---|"]
    rows += [f"| {op} | `{typ}` | {name} | {paths} |" for op, typ, name, paths in changes]
    return rows


def render_markdown(summary: Summary) -> str:
    lines = [MARKER, f"### Release summary: {_headline(summary)}", ""]
    for title, rows in _sections(summary):
        heading = "**DANGER** (needs approval)" if title == "DANGER" else f"**{title}**"
        lines.append(heading)
        lines.append("")
        lines += [f"- {row}" for row in rows]
        lines.append("")
    lines += _mermaid(summary)
    if lines[-1] == "```":
        lines.append("")
    lines.append(f"Resources: {counts_line(summary)}")
    if summary.changes:
        lines += ["", "<details><summary>Full resource diff</summary>", ""]
        lines += _table(
            (
                c.op,
                c.type,
                c.name,
                ", ".join(f"`{p}`" for p in c.paths[:8]) + (" …" if len(c.paths) > 8 else ""),
            )
            for c in summary.changes
        )
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def render_json(summary: Summary) -> str:
    return json.dumps(summary.document(), indent=2, sort_keys=True) + "\n"


def render(summary: Summary, fmt: str = "text") -> str:
    if fmt == "markdown":
        return render_markdown(summary)
    if fmt == "json":
        return render_json(summary)
    return render_text(summary)
