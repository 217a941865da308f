"""The recording runtime: mocks that answer from the catalogue, a monitor that records
every registration, and the helpers a test uses to install them and read what was
registered."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi.runtime import mocks as _mocks
from pulumi.runtime import rpc, settings, stack
from pulumi.runtime.sync_await import _sync_await

from ._answers import Answer, match, program_location, unanswered_message
from ._catalogue import INVOKE_RESULTS, RESOURCE_OUTPUTS
from ._context import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, Factory, _Ctx, hex_id

SECRET_MARK = "[secret]"  # noqa: S105 (a marker)
UNKNOWN_MARK = "[unknown]"

_ASSET_SIG = rpc._special_asset_sig
_ARCHIVE_SIG = rpc._special_archive_sig
_RESOURCE_SIG = rpc._special_resource_sig
_UNKNOWN = rpc.UNKNOWN


STACK_REFERENCE = "pulumi:pulumi:StackReference"


class UnmockedInvokeError(RuntimeError):
    """A program called a data source (invoke) that the mocks have no answer for."""


class UnmockedStackReferenceError(RuntimeError):
    """A program referenced a stack whose outputs the mocks were not given."""


class RecordingEngine(_mocks.MockEngine):
    """The mock engine, keeping every message the program logged at error severity
    (``pulumi.log.error``): a plan with one fails."""

    def __init__(self) -> None:
        super().__init__(None)
        self.errors: list[str] = []

    def Log(self, request: Any) -> None:
        from pulumi.runtime.proto import engine_pb2

        if request.severity == engine_pb2.ERROR:
            self.errors.append(str(request.message))
        else:
            super().Log(request)


@dataclass(frozen=True)
class Invoke:
    """One invoke (data-source call) the program made."""

    token: str
    args: dict[str, Any]
    provider: str
    """The explicit provider's reference (``urn::id``), ``""`` for the default provider."""

    def question(self) -> tuple[str, str, str]:
        """What makes two invokes the same question: token, arguments (canonical JSON)
        and provider."""
        return (self.token, json.dumps(self.args, sort_keys=True), self.provider)


class RecordingMocks(pulumi.runtime.Mocks):
    """Deterministic, realistic outputs for every resource type and invoke we use.

    Resource types without a specific factory get their inputs back and the id
    ``<name>-id``; invokes without one raise :class:`UnmockedInvokeError`. With
    ``preview=True`` every resource is a create in a preview: its id and computed
    outputs stay unknown, as ``pulumi preview`` shows them.
    """

    def __init__(
        self,
        *,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT_ID,
        preview: bool = False,
        gcp_project: str = "mock-project",
    ):
        self.region = region
        self.preview = preview
        self.account_id = account_id
        self.gcp_project = gcp_project
        self._resources = dict(RESOURCE_OUTPUTS)
        self._invokes = dict(INVOKE_RESULTS)
        self._provider_regions: dict[str, str] = {}
        self.invokes: list[tuple[str, dict[str, Any]]] = []
        """(token, arguments) of every invoke, in call order."""
        self.invoke_calls: list[Invoke] = []
        """The same invokes with the provider each one used (see :meth:`repeated_invokes`)."""
        self.answers: list[Answer] = []
        """Answers read from invokes files: they win over the built-in ones."""
        self.stack_outputs: dict[str, dict[str, Any]] = {}
        """Referenced stack name -> its outputs (``pulumi.StackReference``); a reference
        to a stack not listed fails naming ``--stack-output``."""
        self.generations: dict[tuple[str, str], int] = {}
        """(type, name) -> how many times that resource was created before (a sequence
        test's fake cloud sets it, so a replaced resource gets a new id)."""

    def repeated_invokes(self) -> dict[tuple[str, str, str], int]:
        """Each question (token, arguments, provider) asked more than once -> how often.

        Every invoke is a provider call in a real run: a program should ask each distinct
        question once (see :mod:`immutable_components._invoke`)."""
        counts: dict[tuple[str, str, str], int] = {}
        for call in self.invoke_calls:
            counts[call.question()] = counts.get(call.question(), 0) + 1
        return {q: n for q, n in counts.items() if n > 1}

    def register_resource(self, type_token: str, factory: Factory) -> None:
        """Teach the mocks the outputs of another resource type."""
        self._resources[type_token] = factory

    def register_invoke(self, token: str, factory: Callable[[_Ctx], dict[str, Any]]) -> None:
        """Teach the mocks the answer of another invoke."""
        self._invokes[token] = factory

    def _ctx(
        self, typ: str, name: str, inputs: Mapping[str, Any], provider: str | None = None
    ) -> _Ctx:
        region = inputs.get("region") if isinstance(inputs.get("region"), str) else None
        generation = self.generations.get((typ, name), 0)
        return _Ctx(
            typ,
            name,
            inputs,
            hex_id(typ, name) if generation == 0 else hex_id(typ, name, str(generation)),
            region or self._provider_region(provider) or self.region,
            self.account_id,
            self.gcp_project,
        )

    def _provider_region(self, reference: str | None) -> str | None:
        """The region of an explicit provider (``urn::id``), as a real provider answers."""
        if not reference:
            return None
        return self._provider_regions.get(reference.rsplit("::", 1)[-1])

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        if args.typ == STACK_REFERENCE:
            return self._stack_reference(args)
        if not args.custom:
            return None, {}
        inputs = dict(args.inputs)
        if args.typ.startswith("pulumi:providers:"):
            rid = f"{args.name}-provider-id"
            if isinstance(inputs.get("region"), str):
                self._provider_regions[rid] = inputs["region"]
            return rid, inputs
        if self.preview:
            # A preview of a new resource: its id and computed outputs are unknown.
            return "", inputs
        factory = self._resources.get(args.typ)
        if factory is None:
            return f"{args.name}-id", inputs
        ctx = self._ctx(args.typ, args.name, inputs, args.provider)
        rid, extra = factory(ctx)
        state = {**inputs, **extra}
        if args.typ.startswith("aws:"):
            state.setdefault("region", ctx.region)
            if "tags" in inputs:
                state.setdefault("tagsAll", inputs["tags"])
        return rid, state

    def _stack_reference(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        name = str(args.inputs.get("name") or args.resource_id or args.name)
        if name not in self.stack_outputs:
            known = ", ".join(sorted(self.stack_outputs)) or "none"
            raise UnmockedStackReferenceError(
                f"no outputs for the referenced stack {name!r} (StackReference {args.name!r}); "
                f"give them with --stack-output {name}=FILE (a YAML/JSON mapping of output "
                "name -> value) "
                f"or the stack config immutable:planStackOutputs; known stacks: {known}"
            )
        return name, {"name": name, "outputs": self.stack_outputs[name], "secretOutputNames": []}

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:  # type: ignore[override]
        self.invokes.append((args.token, dict(args.args)))
        self.invoke_calls.append(Invoke(args.token, dict(args.args), args.provider or ""))
        answer = match(self.answers, args.token, dict(args.args))
        if answer is not None:
            return dict(answer.result)
        factory = self._invokes.get(args.token)
        if factory is None:
            raise UnmockedInvokeError(
                unanswered_message(args.token, dict(args.args), program_location())
            )
        return factory(self._ctx(args.token, "invoke", dict(args.args), args.provider))


# --------------------------------------------------------------------------------------
# Recording


@dataclass
class Registration:
    """One resource registration, as the engine would have received it."""

    urn: str
    type: str
    name: str
    parent: str | None
    custom: bool
    inputs: dict[str, Any]
    """Inputs as registered (camelCase); secrets as ``"[secret]"``, unknowns as
    ``"[unknown]"``, assets and archives as ``{"asset": ...}`` / ``{"archive": ...}``."""
    revealed: dict[str, Any]
    """The same inputs with secrets revealed (for asserting what a secret holds)."""
    dependencies: list[str]
    options: dict[str, Any]
    order: int
    outputs: dict[str, Any] = field(default_factory=dict)

    def to_plan(self) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "parent": self.parent,
            "custom": self.custom,
            "inputs": self.inputs,
            "dependencies": self.dependencies,
            "options": self.options,
        }


def _plain(value: Any, reveal: bool) -> Any:
    """Turn a registered property (JSON from protobuf) into plain, readable JSON."""
    if isinstance(value, dict):
        sig = value.get(rpc._special_sig_key)
        if sig == rpc._special_secret_sig:
            return _plain(value.get("value"), reveal) if reveal else SECRET_MARK
        if sig == _ASSET_SIG:
            return {"asset": value.get("path") or value.get("uri") or value.get("hash") or "text"}
        if sig == _ARCHIVE_SIG:
            if "assets" in value:
                return {
                    "archive": {k: _plain(v, reveal) for k, v in sorted(value["assets"].items())}
                }
            return {"archive": value.get("path") or value.get("uri") or value.get("hash")}
        if sig == _RESOURCE_SIG:
            return {"resource": value.get("urn")}
        return {k: _plain(v, reveal) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, reveal) for v in value]
    if value == _UNKNOWN:
        return UNKNOWN_MARK
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _struct(message: Any) -> dict[str, Any]:
    return json_format.MessageToDict(message) if message is not None else {}


class RecordingMonitor(_mocks.MockMonitor):
    """A mock resource monitor that records every registration."""

    def __init__(self, mocks: RecordingMocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self._order: dict[tuple[str, str], list[int]] = {}
        self._seq = 0

    # Construction order, captured synchronously by a stack transformation (registration
    # RPCs run on executor threads, so their arrival order is not deterministic).
    def note_construction(self, args: pulumi.ResourceTransformationArgs) -> None:
        self._seq += 1
        self._order.setdefault((args.type_, args.name), []).append(self._seq)

    def respond(self, request: Any) -> Any:
        """The registration's answer (the mocks' outputs); a sequence test's fake cloud
        overrides it to answer from the state of earlier deployments."""
        return super().RegisterResource(request)

    def RegisterResource(self, request: Any) -> Any:
        response = self.respond(request)
        obj = _struct(request.object)
        deps = set(request.dependencies)
        for pdeps in request.propertyDependencies.values():
            deps.update(pdeps.urns)
        timeouts = request.customTimeouts
        options: dict[str, Any] = {
            "ignoreChanges": list(request.ignoreChanges),
            "replaceOnChanges": list(request.replaceOnChanges),
            "deleteBeforeReplace": bool(request.deleteBeforeReplace),
            "retainOnDelete": bool(request.retainOnDelete),
            "deletedWith": request.deletedWith or "",
            "customTimeouts": {
                k: v
                for k, v in (
                    ("create", timeouts.create),
                    ("update", timeouts.update),
                    ("delete", timeouts.delete),
                )
                if v
            },
            "protect": bool(request.protect),
            "additionalSecretOutputs": list(request.additionalSecretOutputs),
            "replaceWith": list(request.replace_with),
        }
        queue = self._order.get((request.type, request.name))
        order = queue.pop(0) if queue else 0
        self.registrations.append(
            Registration(
                urn=response.urn,
                type=request.type,
                name=request.name,
                parent=request.parent or None,
                custom=bool(request.custom),
                inputs=_plain(obj, reveal=False),
                revealed=_plain(obj, reveal=True),
                dependencies=sorted(deps),
                options=options,
                order=order,
            )
        )
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        outputs = _plain(_struct(request.outputs), reveal=False)
        for reg in self.registrations:
            if reg.urn == request.urn:
                reg.outputs = outputs
        return super().RegisterResourceOutputs(request)

    def ordered(self) -> list[Registration]:
        return sorted(self.registrations, key=lambda r: r.order)


class MockRun:
    """What a test sees: the registrations, with finders and a way to wait for them."""

    def __init__(self, mocks: RecordingMocks, monitor: RecordingMonitor) -> None:
        self.mocks = mocks
        self.monitor = monitor

    def settle(self) -> None:
        """Wait until every registration and output of the program so far is done."""
        _sync_await(stack.wait_for_rpcs())

    def resolve(self, output: Any) -> Any:
        """The value of an Output (settles the program first)."""
        self.settle()
        if isinstance(output, pulumi.Output):
            return _sync_await(output.future())
        return output

    def is_secret(self, output: pulumi.Output) -> bool:
        self.settle()
        return bool(_sync_await(output.is_secret()))

    @property
    def resources(self) -> list[Registration]:
        """Every registration so far (components included), in construction order."""
        self.settle()
        return [r for r in self.monitor.ordered() if r.type != "pulumi:pulumi:Stack"]

    def of_type(self, type_token: str) -> list[Registration]:
        return [r for r in self.resources if r.type == type_token]

    def one(self, type_token: str, name: str | None = None) -> Registration:
        found = [r for r in self.of_type(type_token) if name is None or r.name == name]
        if len(found) != 1:
            names = [r.name for r in self.of_type(type_token)]
            raise LookupError(f"expected one {type_token} named {name!r}; registered: {names}")
        return found[0]

    def named(self, name: str) -> Registration:
        found = [r for r in self.resources if r.name == name]
        if len(found) != 1:
            raise LookupError(f"expected one resource named {name!r}, found {len(found)}")
        return found[0]

    def children_of(self, parent: Registration) -> list[Registration]:
        return [r for r in self.resources if r.parent == parent.urn]


def install(
    mocks: RecordingMocks,
    *,
    project: str = "project",
    stack_name: str = "stack",
    preview: bool = False,
    config: Mapping[str, str] | None = None,
    secret_keys: list[str] | None = None,
    create_stack: bool = True,
    monitor: RecordingMonitor | None = None,
    engine: _mocks.MockEngine | None = None,
) -> RecordingMonitor:
    """Install the mocks in the current process (see :func:`mocked` for the scoped form).

    ``monitor``: the monitor to install (default: a new :class:`RecordingMonitor`)."""
    monitor = monitor if monitor is not None else RecordingMonitor(mocks)
    settings.ROOT.set(None)
    pulumi.runtime.set_all_config(dict(config or {}), list(secret_keys or []))
    if create_stack:
        pulumi.runtime.set_mocks(
            mocks, project=project, stack=stack_name, preview=preview, monitor=monitor
        )
        track_construction(monitor)
    else:
        settings.configure(
            _mocks.MockSettings(
                monitor=monitor,
                monitor_features=set(
                    monitor.GetDeploymentInfo(None).supportedFeatures  # type: ignore[arg-type]
                ),
                engine=engine if engine is not None else _mocks.MockEngine(None),
                project=project,
                stack=stack_name,
                dry_run=preview,
                organization=None,
                callbacks=None,
            )
        )
    return monitor


def track_construction(monitor: RecordingMonitor) -> None:
    """Record construction order from now on (call once the root stack exists)."""

    def note(args: pulumi.ResourceTransformationArgs) -> None:
        monitor.note_construction(args)
        return None

    pulumi.runtime.register_stack_transformation(note)


def uninstall() -> None:
    """Restore the runtime to its unconfigured state."""
    settings.reset_options()
    pulumi.runtime.set_all_config({}, [])


@contextlib.contextmanager
def mocked(
    *,
    region: str = DEFAULT_REGION,
    account_id: str = DEFAULT_ACCOUNT_ID,
    project: str = "project",
    stack_name: str = "stack",
    preview: bool = False,
    config: Mapping[str, str] | None = None,
) -> Iterator[MockRun]:
    """Install recording mocks for the block, restore the runtime after it.

    ``config`` keys are full Pulumi keys (``project:key``, ``aws:region``).
    """
    mocks = RecordingMocks(region=region, account_id=account_id, preview=preview)
    monitor = install(mocks, project=project, stack_name=stack_name, preview=preview, config=config)
    run = MockRun(mocks, monitor)
    try:
        yield run
        run.settle()
    finally:
        uninstall()
