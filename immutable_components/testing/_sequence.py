"""Sequence testing: one program deployed again and again against one fake cloud.

A platform team never runs one snapshot: it releases, cuts over, reverts, changes a builder
setting, and an `up` gets interrupted. :class:`FakeCloud` keeps, between deployments, what a
real cloud and the Pulumi checkpoint keep: every resource by URN with its id, inputs, outputs
and options; the objects that outlived their resource (``retain_on_delete``); tags put on
images by ``aws:ec2/tag:Tag`` resources. Each :meth:`FakeCloud.up` runs the program under the
recording mocks and returns a :class:`Deployment` whose :class:`Step` list says, per resource,
what the engine would do: ``create``, ``update``, ``replace``, ``delete`` or ``same``.

How a step is decided (the engine's rules, as far as this fake predicts them):

* inputs are compared as registered (camelCase, secrets revealed), minus the resource's
  ``ignore_changes`` paths (whose old values stay in the state, as the engine keeps them);
* a change replaces the resource when the provider forces it (the per-type table in
  ``_replacements``, each entry citing its source), when it is under ``replace_on_changes``,
  or when a resource named in ``replace_with`` is replaced in the same deployment;
  a dynamic resource (``pulumi-python:dynamic...``) is asked through its own
  provider's ``diff``, as the engine asks it;
* a replacement creates the new resource before the old one is deleted, unless
  ``delete_before_replace``; replaced and removed resources are deleted at the end of a
  successful deployment, except those with ``retain_on_delete``, whose objects stay in the
  cloud (they still hold their physical names and answer lookups);
* a replaced or newly created resource gets a new id (an AMI baked again is a new
  ``ami-``); an updated launch template gets the next version number.

Physical names are unique where the cloud says so (AMI names per account and region, GCP
image names per project, target group and load balancer names, Config rules, SSM
parameters, Azure gallery versions): a step that would create a second object under a name
that is still taken fails the deployment with the name and both URNs, as the cloud would.

Lookups answer from the fake cloud: ``aws:ec2/getAmiIds:getAmiIds`` lists the images that
exist (resources, retained objects and :meth:`FakeCloud.add_image`'s) with their tags and
states, ``gcp:compute/getImages:getImages`` the GCP images by label, and
``aws:ec2/getAmi:getAmi`` a vendor image that changes when :meth:`FakeCloud.vendor_publishes`
is called.

NOTE: this predicts; ``pulumi preview`` against the real providers is the authority. A
deployment here knows every value (it is an ``up``): what only a preview's unknowns would
show (a replacement decided by an output not known yet) is not predicted.
"""

from __future__ import annotations

import base64
import copy
import fnmatch
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf import json_format
from pulumi.runtime import mocks as _mocks
from pulumi.runtime import rpc
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.sync_await import _sync_await

from . import _replacements
from ._catalogue import _get_ami
from ._context import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, _Ctx, hex_id
from ._recording import RecordingMocks, RecordingMonitor, _plain, install, track_construction

__all__ = ["Deployment", "DeploymentFailed", "FakeCloud", "FakeImage", "Step"]

OPS = ("create", "update", "replace", "delete", "same")
DYNAMIC_PREFIX = "pulumi-python:dynamic"
IMAGE_TYPES = (
    "aws:ec2/amiFromInstance:AmiFromInstance",
    "aws:ec2/amiCopy:AmiCopy",
    "aws:ec2/ami:Ami",
)
TAG_TYPE = "aws:ec2/tag:Tag"
IMAGE_KIND = "aws:ec2:image"  # the namespace of AMI names (see _replacements)
_TOKEN = re.compile(r'\[\s*"([^"]*)"\s*\]|\[\s*\'([^\']*)\'\s*\]|\[\s*([^\]]*)\s*\]|([^.\[\]]+)')


class DeploymentFailed(RuntimeError):
    """A deployment the engine would not complete (a name collision, a failed step)."""


@dataclass(frozen=True)
class Step:
    """What the engine does to one resource in one deployment."""

    op: str
    """``create``, ``update``, ``replace``, ``delete`` or ``same``."""
    urn: str
    type: str
    name: str
    diffs: tuple[str, ...] = ()
    """The changed input paths (``ignore_changes`` applied)."""
    replaces: tuple[str, ...] = ()
    """Why a replacement: the changed paths that force it, ``replace_on_changes``,
    ``replace_with:<urn>`` or, for dynamic resources, what their provider's diff said."""
    retained: bool = False
    """A delete (or the old half of a replace) whose object stays in the cloud."""


@dataclass
class _Entry:
    """One resource as the checkpoint keeps it."""

    urn: str
    type: str
    name: str
    custom: bool
    id: str
    inputs: dict[str, Any]
    """Plain inputs, secrets revealed: what the next deployment's inputs are compared to."""
    state: dict[str, Any]
    """The provider's outputs (raw values), answered again on a ``same``."""
    options: dict[str, Any]
    name_key: tuple[str, ...] | None = None
    """The physical name and its scope, for types whose names are unique."""


@dataclass
class Deployment:
    """The result of one :meth:`FakeCloud.up` (or :meth:`FakeCloud.preview`)."""

    steps: list[Step]
    resources: list[dict[str, Any]] = field(default_factory=list)
    """The registrations of this deployment, in the plan document's shape."""
    outputs: dict[str, Any] = field(default_factory=dict)
    """The stack's outputs (plain, secrets as ``[secret]``)."""
    error: str | None = None
    """Why the deployment failed, or None."""

    def ops(self) -> dict[str, list[str]]:
        """Op -> names of the resources with that step, ``same`` left out; empty when
        the deployment changes nothing."""
        out: dict[str, list[str]] = {}
        for step in self.steps:
            if step.op != "same":
                out.setdefault(step.op, []).append(step.name)
        return {op: sorted(names) for op, names in sorted(out.items())}

    def changed(self) -> list[Step]:
        return [s for s in self.steps if s.op != "same"]

    def step(self, name: str) -> Step:
        found = [s for s in self.steps if s.name == name]
        if len(found) != 1:
            raise LookupError(f"expected one step for {name!r}, found {len(found)}")
        return found[0]

    def counts(self) -> dict[str, int]:
        """Steps by op, like the summary line of ``pulumi preview``."""
        out = {op: 0 for op in OPS}
        for step in self.steps:
            out[step.op] += 1
        return {op: n for op, n in out.items() if n}

    def resource(self, name: str) -> dict[str, Any]:
        found = [r for r in self.resources if r["name"] == name]
        if len(found) != 1:
            raise LookupError(f"expected one resource named {name!r}, found {len(found)}")
        return found[0]


@dataclass(frozen=True)
class FakeImage:
    """An image in the fake cloud: a resource's or a retained one."""

    id: str
    name: str
    region: str
    owner: str
    tags: dict[str, str]
    state: str
    urn: str
    retained: bool


class FakeCloud:
    """One persistent fake cloud (and checkpoint) for a sequence of deployments.

    ``region``, ``account_id`` and ``gcp_project`` are the defaults the mocks answer with
    (``aws:region`` in a deployment's config wins for that deployment).
    """

    def __init__(
        self,
        *,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT_ID,
        gcp_project: str = "mock-project",
    ) -> None:
        self.region = region
        self.account_id = account_id
        self.gcp_project = gcp_project
        self.state: dict[str, _Entry] = {}
        """The checkpoint: URN -> resource, in registration order."""
        self.retained: list[_Entry] = []
        """Objects whose resources are gone but which stay in the cloud."""
        self.pending_deletes: list[_Entry] = []
        """Old halves of replacements in a failed deployment: deleted by the next one."""
        self.generations: dict[tuple[str, str], int] = {}
        self.vendor_release = 0
        self.deployments: list[Deployment] = []

    # -- the cloud's side ----------------------------------------------------------------
    def vendor_publishes(self) -> None:
        """Every vendor image lookup (``aws.ec2.get_ami``) answers a newer image from now on."""
        self.vendor_release += 1

    def add_image(
        self,
        name: str,
        tags: Mapping[str, str],
        *,
        state: str = "available",
        region: str | None = None,
    ) -> str:
        """An AMI that exists in the account but in no resource of the stack: e.g. one an
        interrupted ``up`` left ``pending`` (CreateImage ran, the checkpoint never heard of
        it), or one made by hand. Returns its id."""
        image_id = f"ami-{hex_id('added', name, str(len(self.retained)))}"
        self.retained.append(
            _Entry(
                urn=f"external::{image_id}",
                type=IMAGE_TYPES[0],
                name=name,
                custom=True,
                id=image_id,
                inputs={"name": name, "tags": dict(tags)},
                state={"region": region or self.region, "state": state},
                options={"retainOnDelete": True},
                name_key=(IMAGE_KIND, region or self.region, name),
            )
        )
        return image_id

    def images(self) -> list[FakeImage]:
        """Every AMI that exists: those of resources in the state and retained ones, with
        the tags ``aws:ec2/tag:Tag`` resources (live or retained) put on them."""
        # Oldest writes first, so a live tag wins over a retained one of the same key.
        entries = [(e, True) for e in self.retained] + [(e, False) for e in self.pending_deletes]
        entries += [(e, False) for e in self.state.values()]
        extra: dict[str, dict[str, str]] = {}
        for entry, _ in entries:
            if entry.type == TAG_TYPE:
                rid = str(entry.inputs.get("resourceId"))
                extra.setdefault(rid, {})[str(entry.inputs.get("key"))] = str(
                    entry.inputs.get("value")
                )
        out = []
        for entry, retained in entries:
            if entry.type not in IMAGE_TYPES:
                continue
            tags = {k: str(v) for k, v in (entry.inputs.get("tags") or {}).items()}
            tags.update(extra.get(entry.id, {}))
            out.append(
                FakeImage(
                    id=entry.id,
                    name=str(entry.inputs.get("name")),
                    region=str(entry.state.get("region") or self.region),
                    owner=self.account_id,
                    tags=tags,
                    state=str(entry.state.get("state") or "available"),
                    urn=entry.urn,
                    retained=retained,
                )
            )
        return out

    # -- deployments ---------------------------------------------------------------------
    def up(
        self,
        program: Callable[[], None],
        *,
        project: str = "project",
        stack: str = "stack",
        config: Mapping[str, str] | None = None,
        fail: Mapping[str, str] | None = None,
    ) -> Deployment:
        """Deploy ``program`` (a callable declaring resources) and keep the result.

        ``fail`` maps resource names to an error: the step of that resource fails (as a
        failed test command or an interrupted bake would), the deployment stops there and
        keeps what it had done. Returns the deployment; raises nothing for a failed one
        (see :attr:`Deployment.error`).
        """
        return self._deploy(
            lambda session: _run_callable(program, session, project, stack, config),
            fail,
            commit=True,
        )

    def preview(
        self,
        program: Callable[[], None],
        *,
        project: str = "project",
        stack: str = "stack",
        config: Mapping[str, str] | None = None,
    ) -> Deployment:
        """The steps ``up`` would take, without keeping them."""
        return self._deploy(
            lambda session: _run_callable(program, session, project, stack, config),
            None,
            commit=False,
        )

    def up_project(
        self,
        root: str | Path,
        stack: str,
        overrides: Sequence[str] = (),
        *,
        fail: Mapping[str, str] | None = None,
        commit: bool = True,
    ) -> Deployment:
        """Deploy a Pulumi project's program (``Pulumi.yaml``, ``Pulumi.<stack>.yaml``,
        ``--config``-style ``KEY=VALUE`` overrides), as ``immutable plan`` runs it."""
        from ..planner import PlanError, run_plan

        def run(session: _Session) -> tuple[list[dict[str, Any]], dict[str, Any]]:
            try:
                plan = run_plan(root, stack, overrides, runtime=session.runtime)
            except PlanError as exc:
                raise _ProgramFailed(str(exc)) from exc
            return plan.resources, plan.outputs

        return self._deploy(run, fail, commit=commit)

    def _deploy(
        self,
        run: Callable[[_Session], tuple[list[dict[str, Any]], dict[str, Any]]],
        fail: Mapping[str, str] | None,
        *,
        commit: bool,
    ) -> Deployment:
        session = _Session(self, dict(fail or {}))
        error = None
        resources: list[dict[str, Any]] = []
        outputs: dict[str, Any] = {}
        try:
            resources, outputs = run(session)
        except _ProgramFailed as exc:
            error = str(exc)
        error = session.error or error
        steps = session.finish(success=error is None)
        # Registrations arrive from executor threads; show the steps in construction order.
        rank = {r["urn"]: i for i, r in enumerate(resources)}
        steps.sort(key=lambda s: (s.op == "delete", rank.get(s.urn, len(rank))))
        deployment = Deployment(steps, resources, outputs, error)
        if commit:
            session.commit(success=error is None)
            self.deployments.append(deployment)
        return deployment


# --------------------------------------------------------------------------------------
# One deployment


class _ProgramFailed(Exception):
    pass


class _Session:
    """The engine's bookkeeping for one deployment."""

    def __init__(self, cloud: FakeCloud, fail: dict[str, str]) -> None:
        self.cloud = cloud
        self.fail = fail
        self.lock = threading.Lock()
        self.prior = dict(cloud.state)
        self.registered: dict[str, _Entry] = {}
        self.order: list[str] = []
        self.steps: dict[str, Step] = {}
        self.replaced_old: list[_Entry] = []
        self.generations = dict(cloud.generations)
        self.error: str | None = None
        # Physical names still taken: in the cloud before this deployment, and created in it.
        # The engine retires the pending deletes of a failed deployment first: retained ones
        # stay in the cloud, the others are deleted (their names freed).
        self.retired = list(cloud.pending_deletes)
        self.names: dict[tuple[str, ...], str] = {}
        for entry in [*cloud.state.values(), *cloud.retained, *self.kept(self.retired)]:
            if entry.name_key is not None:
                self.names[entry.name_key] = entry.urn
        self.mocks: _SequenceMocks | None = None

    def config(self) -> dict[str, str]:
        """The scope defaults of physical names: the deployment's region and project."""
        mocks = self.mocks
        if mocks is None:
            return {}
        return {"aws:region": mocks.region, "gcp:project": mocks.gcp_project}

    # The runtime the planner (or a callable) installs.
    def runtime(self, region: str, gcp_project: str) -> tuple[RecordingMocks, RecordingMonitor]:
        self.mocks = _SequenceMocks(
            self,
            region=region,
            account_id=self.cloud.account_id,
            gcp_project=gcp_project,
        )
        return self.mocks, _SequenceMonitor(self.mocks, self)

    @staticmethod
    def kept(entries: list[_Entry]) -> list[_Entry]:
        return [e for e in entries if e.custom and e.options.get("retainOnDelete")]

    # -- a registration -----------------------------------------------------------------
    def register(self, monitor: _SequenceMonitor, request: Any) -> Any:
        urn = monitor.make_urn(request.parent, request.type, request.name)
        raw = rpc.deserialize_properties(request.object)
        plain = _plain(_struct(request.object), reveal=True)
        options = _options(request)
        with self.lock:
            prior = self.prior.get(urn)
            if not request.custom:
                step = Step("same" if prior else "create", urn, request.type, request.name)
                self._keep(
                    step,
                    _Entry(urn, request.type, request.name, False, "", {}, {}, options),
                )
                return resource_pb2.RegisterResourceResponse(urn=urn)
            op, diffs, why, inputs = self._decide(urn, request, raw, plain, prior)
            if op in ("create", "update", "replace") and request.name in self.fail:
                message = f"{request.name}: {self.fail[request.name]}"
                self.error = self.error or message
                self.steps[urn] = Step(op, urn, request.type, request.name, diffs, why)
                self.order.append(urn)
                raise DeploymentFailed(message)
            if op == "same":
                assert prior is not None
                rid, state = prior.id, prior.state
                inputs = prior.inputs
            else:
                key = (request.type, request.name)
                if op == "replace" or (op == "create" and key in self.generations):
                    self.generations[key] = self.generations.get(key, -1) + 1
                else:
                    self.generations.setdefault(key, 0)
                rid, state = self._outputs(monitor, request, raw, prior, op)
            entry = _Entry(urn, request.type, request.name, True, rid, inputs, state, options)
            entry.name_key = _name_key(request.type, inputs, self.config())
            if op in ("create", "replace"):
                try:
                    self._claim(entry, prior, op)
                except DeploymentFailed:
                    self.steps[urn] = Step(op, urn, request.type, request.name, diffs, why)
                    self.order.append(urn)
                    raise
            retained = op == "replace" and bool(prior and prior.options.get("retainOnDelete"))
            step = Step(op, urn, request.type, request.name, diffs, why, retained)
            if op == "replace" and prior is not None:
                self.replaced_old.append(prior)
            self._keep(step, entry)
        monitor.resources[urn] = _mocks.MockMonitor.ResourceRegistration(urn, rid, state)
        obj = _sync_await(rpc.serialize_properties(state, {}))
        return resource_pb2.RegisterResourceResponse(urn=urn, id=rid, object=obj)

    def _keep(self, step: Step, entry: _Entry) -> None:
        self.steps[entry.urn] = step
        self.order.append(entry.urn)
        self.registered[entry.urn] = entry

    def _decide(
        self,
        urn: str,
        request: Any,
        raw: dict[str, Any],
        plain: dict[str, Any],
        prior: _Entry | None,
    ) -> tuple[str, tuple[str, ...], tuple[str, ...], dict[str, Any]]:
        if prior is None or prior.type != request.type:
            return "create" if prior is None else "replace", (), (), plain
        ignored = [_tokens(p) for p in request.ignoreChanges]
        inputs = _restore(plain, prior.inputs, ignored)
        paths = [
            p
            for p in _replacements.changed_paths(prior.inputs, inputs)
            if not any(_under(_tokens(p), ig) for ig in ignored)
        ]
        why: list[str] = []
        if request.type.startswith(DYNAMIC_PREFIX):
            changes, replaces = _dynamic_diff(prior, raw)
            if changes is False:
                return "same", (), (), prior.inputs if not paths else inputs
            if changes is None and not paths:
                return "same", (), (), prior.inputs
            why = [f"provider:{r}" for r in replaces]
            diffs = tuple(p for p in paths if not p.startswith("__provider"))
            return ("replace" if why else "update"), diffs or ("provider",), tuple(why), inputs
        why += _forced(request.type, paths, inputs)
        on_changes = list(request.replaceOnChanges)
        for path in paths:
            if path not in why and any(
                entry == "*" or _under(_tokens(path), _tokens(entry)) for entry in on_changes
            ):
                why.append(path)
        for other in request.replace_with:
            step = self.steps.get(other)
            if step is not None and step.op == "replace":
                why.append(f"replace_with:{other}")
        if why:
            return "replace", tuple(paths), tuple(why), inputs
        if paths:
            return "update", tuple(paths), (), inputs
        return "same", (), (), prior.inputs

    def _outputs(
        self,
        monitor: _SequenceMonitor,
        request: Any,
        raw: dict[str, Any],
        prior: _Entry | None,
        op: str,
    ) -> tuple[str, dict[str, Any]]:
        if prior is not None and op == "update":
            ignored = [_tokens(p) for p in request.ignoreChanges]
            raw = _restore(raw, prior.state, ignored)
        args = _mocks.MockResourceArgs(
            typ=request.type,
            name=request.name,
            inputs=raw,
            provider=request.provider,
            resource_id=request.importId,
            custom=True,
        )
        assert self.mocks is not None
        self.mocks.generations[(request.type, request.name)] = self.generations.get(
            (request.type, request.name), 0
        )
        rid, state = self.mocks.new_resource(args)
        rid = rid or ""
        if op == "update" and prior is not None and request.type in _replacements.RULES:
            rid = prior.id
            paths = _replacements.changed_paths(prior.inputs, _plain(_struct(request.object), True))
            kept = {k: v for k, v in prior.state.items() if k in ("latestVersion", "version")}
            state = _replacements.updated_outputs(
                request.type, paths, _plain(_struct(request.object), True), {**state, **kept}
            )
        elif op == "update" and prior is not None:
            rid = prior.id
        return rid, state

    def _claim(self, entry: _Entry, prior: _Entry | None, op: str) -> None:
        key = entry.name_key
        if key is None:
            return
        holder = self.names.get(key)
        releasing = (
            op == "replace"
            and prior is not None
            and prior.name_key == key
            and bool(prior.options.get("deleteBeforeReplace"))
        )
        if holder is not None and not releasing:
            where = ", ".join(k for k in key[1:-1] if k not in ("", "None")) or "global"
            taken = (
                "by the resource being replaced (created before the old one is deleted)"
                if holder == entry.urn
                else f"by {holder}"
            )
            message = (
                f"{entry.name}: the {key[0]} name {key[-1]!r} ({where}) is already taken "
                f"{taken}; creating {entry.urn} would fail in the cloud"
            )
            self.error = self.error or message
            raise DeploymentFailed(message)
        self.names[key] = entry.urn

    # -- the end of a deployment ------------------------------------------------------------
    def finish(self, *, success: bool) -> list[Step]:
        retired = [
            Step("delete", e.urn, e.type, e.name, retained=bool(e.options.get("retainOnDelete")))
            for e in self.retired
        ]
        steps = retired + [self.steps[urn] for urn in dict.fromkeys(self.order)]
        if not success:
            return steps
        for urn in reversed(list(self.prior)):
            if urn not in self.registered:
                entry = self.prior[urn]
                retained = bool(entry.options.get("retainOnDelete")) and entry.custom
                steps.append(Step("delete", urn, entry.type, entry.name, retained=retained))
        return steps

    def commit(self, *, success: bool) -> None:
        cloud = self.cloud
        cloud.generations = self.generations
        cloud.retained += self.kept(self.retired)
        cloud.pending_deletes = []
        if not success:
            merged = dict(self.prior)
            merged.update(self.registered)
            cloud.state = merged
            cloud.pending_deletes = list(self.replaced_old)
            return
        gone = [e for urn, e in self.prior.items() if urn not in self.registered]
        for entry in [*self.replaced_old, *gone]:
            if entry.custom and entry.options.get("retainOnDelete"):
                cloud.retained.append(entry)
        cloud.state = {urn: self.registered[urn] for urn in dict.fromkeys(self.order)}


class _SequenceMocks(RecordingMocks):
    """The recording mocks, answering lookups from the fake cloud."""

    def __init__(self, session: _Session, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        cloud = session.cloud
        self.register_invoke("aws:ec2/getAmiIds:getAmiIds", lambda c: _ami_ids(cloud, c))
        self.register_invoke("aws:ec2/getAmi:getAmi", lambda c: _vendor_ami(cloud, c))
        self.register_invoke("gcp:compute/getImages:getImages", lambda c: _gcp_images(cloud, c))


class _SequenceMonitor(RecordingMonitor):
    def __init__(self, mocks: _SequenceMocks, session: _Session) -> None:
        super().__init__(mocks)
        self.session = session

    def respond(self, request: Any) -> Any:
        if request.type == "pulumi:pulumi:Stack":
            return super().respond(request)
        return self.session.register(self, request)


# --------------------------------------------------------------------------------------
# Lookups


def _filters(c: _Ctx) -> dict[str, list[str]]:
    return {
        str(f.get("name")): [str(v) for v in f.get("values") or []]
        for f in c.inputs.get("filters") or []
    }


def _ami_ids(cloud: FakeCloud, c: _Ctx) -> dict[str, Any]:
    """``get_ami_ids``: the images this account owns that match every filter (``name``,
    ``image-id``, ``state``, ``tag:<key>``), newest first."""
    owners = [str(o) for o in c.inputs.get("owners") or []]
    filters = _filters(c)
    ids = []
    for image in reversed(cloud.images()):
        if image.region != c.region:
            continue
        if owners and not ({"self", image.owner} & set(owners)):
            continue
        if all(_matches(image, key, values) for key, values in filters.items()):
            ids.append(image.id)
    return {"id": c.region, "ids": list(dict.fromkeys(ids))}


def _matches(image: FakeImage, key: str, values: list[str]) -> bool:
    if key.startswith("tag:"):
        return image.tags.get(key[4:]) in values
    found = {"name": image.name, "image-id": image.id, "state": image.state}.get(key)
    return any(fnmatch.fnmatchcase(str(found), v) for v in values)


_LABEL_FILTER = re.compile(r'\(\s*labels\.([a-z0-9_-]+)\s*=\s*"([^"]*)"\s*\)')


def _gcp_images(cloud: FakeCloud, c: _Ctx) -> dict[str, Any]:
    """``get_images``: the project's images (resources and retained ones) whose labels
    match every ``(labels.<key> = "<value>")`` of the filter."""
    wanted = dict(_LABEL_FILTER.findall(str(c.inputs.get("filter") or "")))
    entries = [*cloud.state.values(), *cloud.retained, *cloud.pending_deletes]
    images = []
    for entry in entries:
        if entry.type != "gcp:compute/image:Image":
            continue
        labels = entry.state.get("labels") or entry.inputs.get("labels") or {}
        if str(entry.state.get("project") or c.project) != c.project:
            continue
        if all(labels.get(k) == v for k, v in wanted.items()):
            images.append(
                {
                    "name": entry.state.get("name"),
                    "selfLink": entry.state.get("selfLink"),
                    "family": entry.state.get("family") or "",
                    "labels": labels,
                }
            )
    return {"id": c.project, "project": c.project, "images": images}


def _vendor_ami(cloud: FakeCloud, c: _Ctx) -> dict[str, Any]:
    answer = _get_ami(c)
    if cloud.vendor_release:
        ami = f"ami-{hex_id(answer['id'], 'release', str(cloud.vendor_release))}"
        answer.update(id=ami, imageId=ami, arn=f"arn:aws:ec2:{c.region}::image/{ami}")
    return answer


# --------------------------------------------------------------------------------------
# Helpers


def _run_callable(
    program: Callable[[], None],
    session: _Session,
    project: str,
    stack: str,
    config: Mapping[str, str] | None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    from pulumi.runtime import stack as _stack

    from ._recording import uninstall

    settings = dict(config or {})
    mocks, monitor = session.runtime(
        settings.get("aws:region", session.cloud.region),
        settings.get("gcp:project", session.cloud.gcp_project),
    )
    install(
        mocks,
        project=project,
        stack_name=stack,
        config=settings,
        create_stack=False,
        monitor=monitor,
    )

    def main() -> None:
        track_construction(monitor)
        program()

    try:
        _sync_await(_stack.run_in_stack(main))
    except Exception as exc:
        raise _ProgramFailed(f"{type(exc).__name__}: {exc}") from exc
    finally:
        uninstall()
    regs = monitor.ordered()
    stack_reg = next((r for r in regs if r.type == "pulumi:pulumi:Stack"), None)
    return [r.to_plan() for r in regs], (stack_reg.outputs if stack_reg else {})


def _struct(message: Any) -> dict[str, Any]:
    return json_format.MessageToDict(message) if message is not None else {}


def _options(request: Any) -> dict[str, Any]:
    return {
        "ignoreChanges": list(request.ignoreChanges),
        "replaceOnChanges": list(request.replaceOnChanges),
        "deleteBeforeReplace": bool(request.deleteBeforeReplace),
        "retainOnDelete": bool(request.retainOnDelete),
        "deletedWith": request.deletedWith or "",
        "replaceWith": list(request.replace_with),
    }


def _tokens(path: str) -> tuple[str, ...]:
    """``tags["Team"]``, ``a.b[0].c`` -> ``("tags", "Team")``, ``("a", "b", "0", "c")``."""
    out = []
    for m in _TOKEN.finditer(path):
        token = next(g for g in m.groups() if g is not None)
        out.append(token.strip())
    return tuple(out)


def _under(path: tuple[str, ...], prefix: tuple[str, ...]) -> bool:
    if len(prefix) > len(path) or not prefix:
        return False
    return all(p in ("*", q) for p, q in zip(prefix, path, strict=False))


def _restore(new: Any, old: Any, ignored: Iterable[tuple[str, ...]]) -> Any:
    """``new`` with the values at the ignored paths taken from ``old`` (the engine keeps
    the old value of an ignored property)."""
    out = copy.deepcopy(new)
    for path in ignored:
        _copy_path(out, old, list(path))
    return out


def _copy_path(target: Any, source: Any, path: list[str]) -> None:
    if not path or not isinstance(target, dict) or not isinstance(source, dict):
        return
    head, rest = path[0], path[1:]
    if not rest:
        if head in source:
            target[head] = copy.deepcopy(source[head])
        else:
            target.pop(head, None)
        return
    if head in target and head in source:
        _copy_path(target[head], source[head], rest)


def _name_key(type_token: str, inputs: Mapping[str, Any], config: Mapping[str, str]) -> Any:
    if type_token not in _replacements.RULES:
        return None
    key = _replacements.name_key(type_token, inputs, config)
    return None if key is None else tuple(str(part) for part in key)


def _forced(type_token: str, paths: list[str], inputs: Mapping[str, Any]) -> list[str]:
    """The provider's own replacements; a type the table does not know (a provider, a
    user's own type) is predicted to update in place."""
    rule = _replacements.RULES.get(type_token)
    if rule is None or rule.own_diff:
        return []
    return _replacements.replaces(type_token, paths, inputs)


def _dynamic_diff(prior: _Entry, raw: dict[str, Any]) -> tuple[bool | None, list[str]]:
    """Ask the dynamic resource's own provider, as the engine does."""
    import dill

    encoded = raw.get("__provider")
    if not isinstance(encoded, str):
        return None, []
    provider = dill.loads(base64.b64decode(encoded))  # noqa: S301 (our own provider)
    olds = {k: v for k, v in prior.state.items() if k != "__provider"}
    news = {k: v for k, v in raw.items() if k != "__provider"}
    result = provider.diff(prior.id, olds, news)
    return getattr(result, "changes", None), list(getattr(result, "replaces", None) or [])
