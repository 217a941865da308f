"""Resource changes -> the release summary: images, releases, traffic, danger, counts.

Classification keys on resource types and component types (never on today's resource
names), so it follows the components as they change:

- images: each ``immutable:index:GoldenImage`` with a change under it; rebaked when an
  image resource (:data:`IMAGE_TYPES`) is created or replaced;
- releases: the parent of a changed launch template, fleet or rollout;
- traffic: listener forward weights per colour (target groups' ``Color`` tag) and the
  health gates (:data:`GATE_TYPES`) created or updated with them;
- danger: replacement or deletion of :data:`LONG_LIVED` types (the bakery's throw-away
  resources excepted), protected resources touched, secret inputs changed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ..testing import _replacements
from ._changes import CREATE, DELETE, OPS, REPLACE, SAME, UPDATE, Change, secret_paths

SCHEMA_VERSION = 1

IMAGE_COMPONENTS = frozenset({"immutable:index:GoldenImage"})
IMAGE_TYPES = frozenset(
    {
        "aws:ec2/amiFromInstance:AmiFromInstance",
        "aws:ec2/ami:Ami",
        "gcp:compute/image:Image",
        "azure-native:compute:Image",
        "azure-native:compute:GalleryImageVersion",
    }
)
COPY_TYPES = frozenset({"aws:ec2/amiCopy:AmiCopy"})
CHANNEL_TYPES = frozenset({"aws:ssm/parameter:Parameter"})
TEMPLATE_TYPES = frozenset(
    {"aws:ec2/launchTemplate:LaunchTemplate", "gcp:compute/instanceTemplate:InstanceTemplate"}
)
FLEET_TYPES = frozenset(
    {
        "aws:autoscaling/group:Group",
        "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
        "gcp:compute/instanceGroupManager:InstanceGroupManager",
        "azure-native:compute:VirtualMachineScaleSet",
    }
)
ROLLOUT_TYPES = frozenset({"pulumi-python:dynamic/immutable:InstanceRefresh"})
GATE_TYPES = frozenset({"pulumi-python:dynamic/immutable:HealthGate"})
LISTENER_TYPES = frozenset({"aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule"})
TARGET_GROUP_TYPES = frozenset({"aws:lb/targetGroup:TargetGroup"})
#: Resources whose replacement or deletion a reviewer must approve.
LONG_LIVED: Mapping[str, str] = {
    "aws:lb/loadBalancer:LoadBalancer": "load balancer",
    "aws:lb/listener:Listener": "listener",
    "aws:lb/listenerRule:ListenerRule": "listener rule",
    "aws:lb/targetGroup:TargetGroup": "target group",
    "aws:ec2/securityGroup:SecurityGroup": "security group",
    "aws:ec2/vpc:Vpc": "network",
    "aws:ec2/subnet:Subnet": "network",
    "aws:ec2/internetGateway:InternetGateway": "network",
    "aws:ec2/routeTable:RouteTable": "network",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "network",
    "aws:cfg/rule:Rule": "drift rule",
    "aws:cloudwatch/eventRule:EventRule": "drift rule",
    "aws:sns/topic:Topic": "drift alerts",
    "aws:kms/key:Key": "key",
    "aws:ssm/parameter:Parameter": "channel",
    "gcp:compute/network:Network": "network",
    "gcp:compute/subnetwork:Subnetwork": "network",
    "gcp:compute/firewall:Firewall": "firewall",
    "gcp:compute/backendService:BackendService": "load balancer",
    "gcp:compute/regionBackendService:RegionBackendService": "load balancer",
    "gcp:compute/urlMap:URLMap": "load balancer",
    "gcp:compute/globalForwardingRule:GlobalForwardingRule": "load balancer",
    "gcp:compute/forwardingRule:ForwardingRule": "load balancer",
    "gcp:orgpolicy/policy:Policy": "drift rule",
    "azure-native:network:LoadBalancer": "load balancer",
    "azure-native:network:VirtualNetwork": "network",
    "azure-native:network:Subnet": "network",
    "azure-native:network:NetworkSecurityGroup": "security group",
    "azure-native:authorization:PolicyAssignment": "drift rule",
    "azure-native:compute:Gallery": "channel",
    "azure-native:compute:GalleryImage": "channel",
}
#: Long-lived types that a bake also creates and drops (the builder's security group):
#: under an image component only their channel counts.
_BAKERY_EXEMPT = frozenset(t for t in LONG_LIVED if t not in CHANNEL_TYPES)
#: Seconds a new instance takes to launch and boot before its warm-up (an estimate).
LAUNCH_SECONDS = 120


@dataclass(frozen=True)
class Danger:
    kind: str
    """``replace``, ``delete``, ``protected`` or ``secret``."""
    what: str
    """The kind of resource (``load balancer``), or the resource type."""
    type: str
    name: str
    urn: str
    detail: str


@dataclass(frozen=True)
class ImageChange:
    name: str
    status: str
    """``rebake`` (a new image is baked), ``reused`` (an existing image is used) or
    ``removed``."""
    build_hash_old: str | None
    build_hash_new: str | None
    version: str | None
    lineage: list[str]
    """Parent images, nearest first (from the image's ``ParentImage`` tag)."""
    copies: list[str]


@dataclass(frozen=True)
class ReleaseChange:
    name: str
    colour: str | None
    template: str | None
    template_version_old: int | None
    template_version_new: int | None
    rollout: dict[str, Any]
    """Rollout settings: capacity, min healthy percentage, warm-up seconds, timeout."""
    estimate_minutes: int | None
    """A rough upper bound of the rollout's duration (an estimate): batches x (launch +
    warm-up), capped by the rollout's timeout."""
    batches: int | None
    changed: list[str]
    """``type name: op`` of the release's changed resources."""


@dataclass(frozen=True)
class Gate:
    name: str
    op: str
    colour: str | None
    min_healthy_targets: Any
    timeout_seconds: Any


@dataclass(frozen=True)
class Traffic:
    listener: str
    before: dict[str, int]
    after: dict[str, int]
    canary: str | None
    """The colour taking the smaller share when traffic is split after the change."""
    gates: list[Gate]


@dataclass
class Summary:
    source: str
    """``plans`` (two plan documents) or ``preview`` (a pulumi preview digest)."""
    counts: dict[str, int]
    danger: list[Danger] = field(default_factory=list)
    images: list[ImageChange] = field(default_factory=list)
    releases: list[ReleaseChange] = field(default_factory=list)
    traffic: list[Traffic] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    """Every resource that changes (not ``same``), for the full resource diff."""

    @property
    def changed(self) -> bool:
        return any(n for op, n in self.counts.items() if op != SAME)

    @property
    def exit_code(self) -> int:
        """0 no change, 1 changes, 3 danger."""
        return 3 if self.danger else (1 if self.changed else 0)

    def document(self) -> dict[str, Any]:
        """The JSON document (docs/diff.md, "JSON"), schema version :data:`SCHEMA_VERSION`."""
        return {
            "schemaVersion": SCHEMA_VERSION,
            "source": self.source,
            "exitCode": self.exit_code,
            "counts": self.counts,
            "danger": [asdict(d) for d in self.danger],
            "images": [asdict(i) for i in self.images],
            "releases": [asdict(r) for r in self.releases],
            "traffic": [{**asdict(t), "gates": [asdict(g) for g in t.gates]} for t in self.traffic],
            "changes": [
                {
                    "urn": c.urn,
                    "type": c.type,
                    "name": c.name,
                    "op": c.op,
                    "paths": list(c.paths),
                    "replacePaths": list(c.replace_paths),
                }
                for c in self.changes
            ],
        }


def _tags(inputs: Mapping[str, Any]) -> Mapping[str, Any]:
    tags = inputs.get("tags") or inputs.get("labels") or {}
    return tags if isinstance(tags, Mapping) else {}


def _tag(inputs: Mapping[str, Any], *keys: str) -> str | None:
    tags = _tags(inputs)
    for key in keys:
        for k, v in tags.items():
            if k.lower() == key.lower() and isinstance(v, str):
                return v
    return None


class _Tree:
    def __init__(self, changes: Sequence[Change]) -> None:
        self.changes = list(changes)
        self.by_urn = {c.urn: c for c in changes}

    def ancestor(self, change: Change, types: Iterable[str]) -> Change | None:
        wanted = set(types)
        seen: set[str] = set()
        parent = change.parent
        while parent and parent not in seen:
            seen.add(parent)
            node = self.by_urn.get(parent)
            if node is None:
                return None
            if node.type in wanted:
                return node
            parent = node.parent
        return None

    def under(self, component: Change) -> list[Change]:
        return [
            c
            for c in self.changes
            if c is not component and self.ancestor(c, {component.type}) is component
        ]


def _counts(changes: Sequence[Change]) -> dict[str, int]:
    return {op: sum(1 for c in changes if c.op == op) for op in OPS}


def _images(tree: _Tree) -> list[ImageChange]:
    out = []
    for comp in tree.changes:
        if comp.type not in IMAGE_COMPONENTS:
            continue
        kids = tree.under(comp)
        if comp.op == SAME and all(k.op == SAME for k in kids):
            continue
        images = [k for k in kids if k.type in IMAGE_TYPES]
        baked = [k for k in images if k.op in (CREATE, REPLACE)]
        if comp.op == DELETE:
            status = "removed"
        elif baked:
            status = "rebake"
        else:
            status = "reused"
        old_hash = next((h for k in kids if (h := _tag(k.old, "BuildHash"))), None)
        new_hash = next(
            (h for k in kids if k.op != DELETE and (h := _tag(k.new, "BuildHash"))), None
        )
        chosen = baked or images
        inputs = chosen[0].inputs if chosen else {}
        lineage = [p for p in (_tag(inputs, "ParentImage"),) if p]
        out.append(
            ImageChange(
                name=comp.name,
                status=status,
                build_hash_old=old_hash if old_hash != new_hash or status != "rebake" else None,
                build_hash_new=new_hash if status != "removed" else None,
                version=_tag(inputs, "Version"),
                lineage=lineage,
                copies=sorted(
                    k.name for k in kids if k.type in COPY_TYPES and k.op in (CREATE, REPLACE)
                ),
            )
        )
    return out


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _template_versions(
    template: Change | None, fleet: Change | None, rollout: Change | None
) -> tuple[int | None, int | None]:
    current = None
    for source in (rollout, fleet):
        if source is None:
            continue
        olds = source.old or source.new
        current = _int(olds.get("launchTemplateVersion")) or _int(
            (olds.get("launchTemplate") or {}).get("version")
            if isinstance(olds.get("launchTemplate"), Mapping)
            else None
        )
        if current:
            break
    if template is None or template.op == SAME:
        return current, current
    if template.op in (CREATE, REPLACE):
        return (current if template.op == REPLACE else None), 1
    if template.op == DELETE:
        return current, None
    try:
        effects = _replacements.update_effects(template.type, template.paths, template.new)
    except KeyError:
        effects = {}
    bumped = any(e.effect == _replacements.INCREMENT for e in effects.values())
    base = current or 1
    return base, base + 1 if bumped else base


def _rollout(
    fleet: Change | None, rollout: Change | None
) -> tuple[dict[str, Any], int | None, int | None]:
    f = fleet.inputs if fleet is not None else {}
    r = rollout.inputs if rollout is not None else {}
    raw = r.get("preferences")
    prefs: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    capacity = _int(f.get("desiredCapacity")) or _int(f.get("maxSize"))
    min_healthy = _int(prefs.get("MinHealthyPercentage"))
    warmup = _int(prefs.get("InstanceWarmup")) or _int(f.get("healthCheckGracePeriod"))
    timeout = _int(r.get("timeoutMinutes"))
    settings = {
        k: v
        for k, v in (
            ("capacity", capacity),
            ("minHealthyPercentage", min_healthy),
            ("warmupSeconds", warmup),
            ("timeoutMinutes", timeout),
            ("autoRollback", prefs.get("AutoRollback")),
            ("skipMatching", prefs.get("SkipMatching")),
        )
        if v is not None
    }
    if rollout is None or capacity is None:
        return settings, None, None
    healthy = 90 if min_healthy is None else min_healthy
    per_batch = max(1, math.floor(capacity * (100 - healthy) / 100))
    batches = math.ceil(capacity / per_batch)
    minutes = math.ceil(batches * (LAUNCH_SECONDS + (warmup or 300)) / 60)
    if timeout:
        minutes = min(minutes, timeout)
    return settings, minutes, batches


def _releases(tree: _Tree) -> list[ReleaseChange]:
    parts = TEMPLATE_TYPES | FLEET_TYPES | ROLLOUT_TYPES
    groups: dict[str, list[Change]] = {}
    for c in tree.changes:
        if c.type in parts:
            groups.setdefault(c.parent or c.urn, []).append(c)
    out = []
    for parent, members in groups.items():
        if all(m.op == SAME for m in members):
            continue
        template = next((m for m in members if m.type in TEMPLATE_TYPES), None)
        fleet = next((m for m in members if m.type in FLEET_TYPES), None)
        rollout = next((m for m in members if m.type in ROLLOUT_TYPES), None)
        owner = tree.by_urn.get(parent)
        colour = next(
            (t for m in members if (t := _tag(m.inputs, "Color", "colour", "color"))), None
        )
        old, new = _template_versions(template, fleet, rollout)
        settings, minutes, batches = _rollout(fleet, rollout)
        out.append(
            ReleaseChange(
                name=owner.name if owner is not None else members[0].name,
                colour=colour,
                template=template.name if template is not None else None,
                template_version_old=old,
                template_version_new=new,
                rollout=settings,
                estimate_minutes=minutes,
                batches=batches,
                changed=[f"{m.type} {m.name}: {m.op}" for m in members if m.op != SAME],
            )
        )
    return out


def _weights(inputs: Mapping[str, Any], colours: Mapping[str, str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for action in inputs.get("defaultActions") or inputs.get("actions") or []:
        if not isinstance(action, Mapping):
            continue
        raw = action.get("forward")
        forward: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        groups = forward.get("targetGroups") or []
        if not groups and action.get("targetGroupArn"):
            groups = [{"arn": action["targetGroupArn"], "weight": 100}]
        for g in groups:
            if isinstance(g, Mapping):
                arn = str(g.get("arn"))
                out[colours.get(arn, arn)] = _int(g.get("weight")) or 0
    return out


def _traffic(tree: _Tree) -> list[Traffic]:
    groups = [c for c in tree.changes if c.type in TARGET_GROUP_TYPES]

    def colour_of(arn: str) -> str:
        for g in groups:
            name = g.inputs.get("name")
            if isinstance(name, str) and f"targetgroup/{name}/" in arn:
                return _tag(g.inputs, "Color") or name
        return arn

    gates = [
        Gate(
            name=g.name,
            op=g.op,
            colour=g.inputs.get("color") if isinstance(g.inputs.get("color"), str) else None,
            min_healthy_targets=g.inputs.get("minHealthyTargets"),
            timeout_seconds=g.inputs.get("timeoutSeconds"),
        )
        for g in tree.changes
        if g.type in GATE_TYPES and g.op in (CREATE, UPDATE, REPLACE)
    ]
    out = []
    for listener in tree.changes:
        if listener.type not in LISTENER_TYPES or listener.op == SAME:
            continue
        arns = {
            str(g.get("arn"))
            for side in (listener.old, listener.new)
            for a in side.get("defaultActions") or []
            if isinstance(a, Mapping) and isinstance(a.get("forward"), Mapping)
            for g in a["forward"].get("targetGroups") or []
            if isinstance(g, Mapping)
        }
        colours = {arn: colour_of(arn) for arn in arns}
        before = _weights(listener.old, colours) if listener.op != CREATE else {}
        after = _weights(listener.new, colours) if listener.op != DELETE else {}
        if before == after and listener.op == UPDATE:
            continue
        shares = sorted((w, c) for c, w in after.items() if 0 < w < 100)
        canary = shares[0][1] if len(shares) > 1 and shares[0][0] < shares[-1][0] else None
        out.append(Traffic(listener.name, before, after, canary, gates))
    return out


def _danger(tree: _Tree) -> list[Danger]:
    out = []
    for c in tree.changes:
        if c.op in (REPLACE, DELETE) and c.type in LONG_LIVED:
            in_bakery = tree.ancestor(c, IMAGE_COMPONENTS) is not None
            if not (in_bakery and c.type in _BAKERY_EXEMPT):
                why = (
                    f"replaced: {', '.join(c.replace_paths)} changed"
                    if c.op == REPLACE and c.replace_paths
                    else ("replaced" if c.op == REPLACE else "deleted")
                )
                out.append(Danger(c.op, LONG_LIVED[c.type], c.type, c.name, c.urn, why))
        if c.protect and c.op != SAME:
            out.append(
                Danger(
                    "protected", "protected resource", c.type, c.name, c.urn, f"protected, {c.op}"
                )
            )
        secrets = secret_paths(c)
        if secrets:
            out.append(
                Danger(
                    "secret",
                    "secret",
                    c.type,
                    c.name,
                    c.urn,
                    f"secret changed: {', '.join(secrets)}",
                )
            )
    rank = {"replace": 0, "delete": 1, "protected": 2, "secret": 3}
    return sorted(out, key=lambda d: rank[d.kind])


def summarize(changes: Sequence[Change], *, source: str) -> Summary:
    tree = _Tree(changes)
    return Summary(
        source=source,
        counts=_counts(changes),
        danger=_danger(tree),
        images=_images(tree),
        releases=_releases(tree),
        traffic=_traffic(tree),
        changes=[c for c in changes if c.op != SAME],
    )
