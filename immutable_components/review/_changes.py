"""Plan documents and preview digests -> one list of resource changes.

Between two plan documents (``immutable plan --json``) resources match by URN; whether a
changed resource is updated or replaced is decided by the forced-replacement table of
sequence testing (:mod:`immutable_components.testing._replacements`), the same table the
fake cloud uses. A ``pulumi preview --json`` digest says it itself (``steps[].op``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..testing import _replacements

CREATE, UPDATE, REPLACE, DELETE, SAME = "create", "update", "replace", "delete", "same"
OPS = (CREATE, UPDATE, REPLACE, DELETE, SAME)
SECRET = "[secret]"  # noqa: S105 (the marker plans and previews use)

#: preview step ops -> our op (a replacement shows as up to three steps of one URN)
_PREVIEW_OPS = {
    "create": CREATE,
    "update": UPDATE,
    "replace": REPLACE,
    "create-replacement": REPLACE,
    "delete-replaced": REPLACE,
    "discard-replaced": REPLACE,
    "delete": DELETE,
    "discard": DELETE,
    "same": SAME,
    "read": SAME,
    "refresh": SAME,
    "import": CREATE,
    "import-replacement": REPLACE,
}


class DiffInputError(ValueError):
    """A plan document or preview digest that cannot be read; the message names the file."""


@dataclass(frozen=True)
class Change:
    """One resource between the base and the new state."""

    urn: str
    type: str
    name: str
    parent: str | None
    op: str
    old: Mapping[str, Any] = field(default_factory=dict)
    """Inputs before (empty for a create)."""
    new: Mapping[str, Any] = field(default_factory=dict)
    """Inputs after (empty for a delete)."""
    paths: tuple[str, ...] = ()
    """Changed input paths."""
    replace_paths: tuple[str, ...] = ()
    """The changed paths that force the replacement."""
    protect: bool = False
    custom: bool = True

    @property
    def inputs(self) -> Mapping[str, Any]:
        """The inputs that describe the resource now (the old ones for a delete)."""
        return self.new if self.op != DELETE else self.old


def read_json(path: str | Path) -> Any:
    try:
        return json.loads(Path(path).read_text())
    except OSError as exc:
        raise DiffInputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise DiffInputError(f"{path} is not JSON: {exc}") from exc


def _plan_resources(doc: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(doc, dict) or not isinstance(doc.get("resources"), list):
        raise DiffInputError(
            f"{where} is not a plan document (`immutable plan --json`): no `resources` list"
        )
    return [r for r in doc["resources"] if r.get("type") != "pulumi:pulumi:Stack"]


def _decide(typ: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, list[str]]:
    """(op, forcing paths) for a resource whose inputs went from ``old`` to ``new``."""
    paths = _replacements.changed_paths(old, new)
    if not paths:
        return SAME, []
    try:
        forcing = _replacements.replaces(typ, paths, new)
    except (KeyError, ValueError):
        # No rule (a type the table does not know, or a dynamic resource with its own
        # diff): an update, as the provider's default diff says for a changed input.
        forcing = []
    return (REPLACE if forcing else UPDATE), forcing


def changes_from_plans(
    base: Any, new: Any, *, where: Sequence[str] = ("BASE", "NEW")
) -> list[Change]:
    """The changes from plan document ``base`` to ``new``, in the new document's order
    (deletes after, in the base's order)."""
    olds = {r["urn"]: r for r in _plan_resources(base, where[0])}
    news = _plan_resources(new, where[1])
    out: list[Change] = []
    for res in news:
        before = olds.get(res["urn"])
        protect = bool((res.get("options") or {}).get("protect"))
        common = dict(
            urn=res["urn"],
            type=res["type"],
            name=res["name"],
            parent=res.get("parent"),
            protect=protect,
            custom=bool(res.get("custom", True)),
        )
        if before is None:
            out.append(Change(op=CREATE, new=res.get("inputs") or {}, **common))  # type: ignore[arg-type]
            continue
        op, forcing = _decide(res["type"], before.get("inputs") or {}, res.get("inputs") or {})
        out.append(
            Change(
                op=op,
                old=before.get("inputs") or {},
                new=res.get("inputs") or {},
                paths=tuple(
                    _replacements.changed_paths(before.get("inputs") or {}, res.get("inputs") or {})
                ),
                replace_paths=tuple(forcing),
                **common,  # type: ignore[arg-type]
            )
        )
    seen = {r["urn"] for r in news}
    for urn, res in olds.items():
        if urn not in seen:
            out.append(
                Change(
                    urn=urn,
                    type=res["type"],
                    name=res["name"],
                    parent=res.get("parent"),
                    op=DELETE,
                    old=res.get("inputs") or {},
                    protect=bool((res.get("options") or {}).get("protect")),
                    custom=bool(res.get("custom", True)),
                )
            )
    return out


def changes_from_deployments(base: Any, new: Any) -> list[Change]:
    """The changes between two deployments of sequence testing (``FakeCloud.up`` ->
    :class:`~immutable_components.testing.Deployment`), whose ``resources`` have the plan
    document's shape."""
    return changes_from_plans(
        {"resources": base.resources},
        {"resources": new.resources},
        where=("the base deployment", "the new deployment"),
    )


def _urn_parts(urn: str) -> tuple[str, str]:
    """(type, name) from a URN ``urn:pulumi:stack::project::parent$type::name``."""
    head, _, name = urn.rpartition("::")
    return head.rsplit("::", 1)[-1].rsplit("$", 1)[-1], name


def changes_from_preview(digest: Any, *, where: str = "FILE") -> list[Change]:
    """The changes of a ``pulumi preview --json`` digest (Pulumi's PreviewDigest):
    ``steps[]`` with ``op``, ``urn``, ``oldState``/``newState`` (``type``, ``inputs``,
    ``parent``, ``protect``, ``custom``), ``replaceReasons`` and ``detailedDiff``."""
    if not isinstance(digest, dict) or not isinstance(digest.get("steps"), list):
        raise DiffInputError(f"{where} is not a `pulumi preview --json` digest: no `steps` list")
    merged: dict[str, Change] = {}
    order: list[str] = []
    for i, step in enumerate(digest["steps"]):
        if not isinstance(step, dict) or "urn" not in step or "op" not in step:
            raise DiffInputError(f"{where}: step {i} has no `op` and `urn`")
        op = _PREVIEW_OPS.get(str(step["op"]))
        if op is None:
            raise DiffInputError(
                f"{where}: step {i} has op {step['op']!r}; known: {', '.join(sorted(_PREVIEW_OPS))}"
            )
        urn = str(step["urn"])
        old_state = step.get("oldState") or {}
        new_state = step.get("newState") or {}
        state = new_state or old_state
        typ, name = _urn_parts(urn)
        detailed = step.get("detailedDiff") or {}
        paths = tuple(sorted(set(detailed) | set(step.get("diffReasons") or [])))
        forcing = tuple(
            sorted(
                set(step.get("replaceReasons") or [])
                | {
                    p
                    for p, d in detailed.items()
                    if str((d or {}).get("kind", "")).endswith("-replace")
                }
            )
        )
        change = Change(
            urn=urn,
            type=str(state.get("type") or typ),
            name=name,
            parent=state.get("parent") or None,
            op=op,
            old=old_state.get("inputs") or {},
            new=new_state.get("inputs") or {},
            paths=paths,
            replace_paths=forcing,
            protect=bool(new_state.get("protect") or old_state.get("protect")),
            custom=bool(state.get("custom", True)),
        )
        if urn in merged:
            prev = merged[urn]
            change = Change(
                urn=urn,
                type=prev.type,
                name=prev.name,
                parent=prev.parent or change.parent,
                op=REPLACE if REPLACE in (prev.op, op) else op,
                old=prev.old or change.old,
                new=change.new or prev.new,
                paths=tuple(sorted(set(prev.paths) | set(paths))),
                replace_paths=tuple(sorted(set(prev.replace_paths) | set(forcing))),
                protect=prev.protect or change.protect,
                custom=prev.custom,
            )
        else:
            order.append(urn)
        merged[urn] = change
    return [merged[u] for u in order if merged[u].type != "pulumi:pulumi:Stack"]


def secret_paths(change: Change) -> list[str]:
    """Changed paths whose old or new value is a secret (names only, never values)."""
    out = []
    for path in change.paths:
        key = path.split(".", 1)[0].split("[", 1)[0]
        if SECRET in (change.old.get(key), change.new.get(key)) or _holds_secret(
            change.new.get(key)
        ):
            out.append(path)
    if change.op in (CREATE, DELETE):
        return []
    return out


def _holds_secret(value: Any) -> bool:
    if value == SECRET:
        return True
    if isinstance(value, dict):
        return any(_holds_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_secret(v) for v in value)
    return False
