"""Run a Pulumi project's program offline, under the recording mocks.

This is what ``immutable plan`` does: read ``Pulumi.yaml`` (``name``, ``main``,
``stackConfigDir``, project ``config`` defaults) and ``Pulumi.<stack>.yaml``, apply
``--config`` overrides, run the program with :mod:`immutable_components.testing`'s mocks
and return the plan document (see DESIGN.md, "The plan JSON contract").

Secrets stored as ``secure:`` cannot be decrypted without the Pulumi CLI: the plan uses an
obviously fake value (``fake-secret-for-<key>``) and reports each one.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .testing import _answers, _recording
from .testing._context import DEFAULT_REGION

__all__ = ["Plan", "PlanError", "load_project", "run_plan"]


class PlanError(Exception):
    """The plan could not be made; the message is one paragraph naming the cause."""


@dataclass
class Project:
    root: Path
    name: str
    main: Path
    stack_config_dir: Path
    defaults: dict[str, str]


@dataclass
class Plan:
    project: str
    stack: str
    resources: list[dict[str, Any]]
    outputs: dict[str, Any]
    fake_secrets: list[str] = field(default_factory=list)

    def document(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "stack": self.stack,
            "resources": self.resources,
            "outputs": self.outputs,
        }

    def to_json(self) -> str:
        return json.dumps(self.document(), indent=2, sort_keys=True) + "\n"


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise PlanError(f"{path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise PlanError(f"{path} must hold a mapping at the top level.")
    return data


def _config_string(value: Any) -> str:
    """Pulumi hands config to programs as strings; structured values as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, sort_keys=True)


def _full_key(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def load_project(cwd: str | os.PathLike[str]) -> Project:
    root = Path(cwd).resolve()
    project_file = root / "Pulumi.yaml"
    if not project_file.is_file():
        raise PlanError(f"No Pulumi.yaml in {root}: run the plan in a Pulumi project (--cwd).")
    data = _read_yaml(project_file)
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise PlanError(f"{project_file} has no project `name`.")
    runtime = data.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise PlanError(f"{project_file} has runtime {runtime_name!r}; the plan runs python.")
    main = (root / str(data.get("main", "."))).resolve()
    if main.is_dir():
        main = main / "__main__.py"
    if not main.is_file():
        raise PlanError(f"The program {main} named by {project_file} (`main`) does not exist.")
    defaults: dict[str, str] = {}
    for key, spec in (data.get("config") or {}).items():
        value = spec.get("default", spec.get("value")) if isinstance(spec, dict) else spec
        if value is not None:
            defaults[_full_key(name, key)] = _config_string(value)
    return Project(
        root=root,
        name=name,
        main=main,
        stack_config_dir=(root / str(data.get("stackConfigDir", "."))).resolve(),
        defaults=defaults,
    )


def stack_config(
    project: Project, stack: str, overrides: Sequence[str]
) -> tuple[dict[str, str], list[str], list[str]]:
    """(config, secret keys, keys given a fake value) for ``stack``."""
    stack_file = project.stack_config_dir / f"Pulumi.{stack}.yaml"
    if not stack_file.is_file():
        raise PlanError(
            f"No stack file {stack_file.relative_to(project.root)} for stack {stack!r}: "
            "create it, or pick another stack with --stack."
        )
    data = _read_yaml(stack_file)
    config = dict(project.defaults)
    secret_keys: list[str] = []
    fakes: list[str] = []
    for key, value in (data.get("config") or {}).items():
        full = _full_key(project.name, str(key))
        if isinstance(value, dict) and set(value) == {"secure"}:
            config[full] = f"fake-secret-for-{full}"
            secret_keys.append(full)
            fakes.append(full)
        else:
            config[full] = _config_string(value)
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise PlanError(f"--config takes KEY=VALUE; got {item!r}.")
        config[_full_key(project.name, key)] = value
    return config, sorted(secret_keys), sorted(fakes)


def _program_frame(exc: BaseException, root: Path) -> str:
    """``file:line`` of the innermost frame of the project's own code (not the library's)."""
    frames = traceback.extract_tb(exc.__traceback__)
    library = Path(__file__).resolve().parent
    own = [
        f
        for f in frames
        if Path(f.filename).resolve().is_relative_to(root)
        and not Path(f.filename).resolve().is_relative_to(root / ".venv")
        and not Path(f.filename).resolve().is_relative_to(library)
    ]
    frame = own[-1] if own else (frames[-1] if frames else None)
    if frame is None:
        return "<unknown>"
    path = Path(frame.filename).resolve()
    shown = path.relative_to(root) if path.is_relative_to(root) else path
    return f"{shown}:{frame.lineno}"


def _relativize(value: Any, root: str) -> Any:
    """Asset paths under the project become relative, so plans match across clones."""
    if isinstance(value, dict):
        return {k: _relativize(v, root) for k, v in value.items()}
    if isinstance(value, list):
        return [_relativize(v, root) for v in value]
    if isinstance(value, str) and value.startswith(root + os.sep):
        return value[len(root) + 1 :]
    return value


def _config_list(config: Mapping[str, str], key: str) -> Any:
    raw = config.get(key)
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _load_answers(
    mocks: _recording.RecordingMocks,
    project: Project,
    config: Mapping[str, str],
    invokes: Sequence[str],
    stack_outputs: Sequence[str],
) -> None:
    """Answers from ``--invokes``/``--stack-output`` first, then the stack config's."""
    files = [Path(f) for f in invokes]
    configured = _config_list(config, "immutable:planInvokes")
    if configured is not None:
        if not isinstance(configured, list) or not all(isinstance(f, str) for f in configured):
            raise PlanError(
                f"immutable:planInvokes must be a list of file paths (relative to "
                f"{project.root}); got {configured!r}."
            )
        files += [project.root / f for f in configured]
    pairs: list[tuple[str, Path]] = []
    for item in stack_outputs:
        name, sep, file = item.partition("=")
        if not sep or not name or not file:
            raise PlanError(f"--stack-output takes STACK=FILE; got {item!r}.")
        pairs.append((name, Path(file)))
    refs = _config_list(config, "immutable:planStackOutputs")
    if refs is not None:
        if not isinstance(refs, dict):
            raise PlanError(
                f"immutable:planStackOutputs must map a stack name to a file; got {refs!r}."
            )
        pairs += [(str(k), project.root / str(v)) for k, v in refs.items()]
    try:
        for answers_file in files:
            mocks.answers.extend(_answers.load_answers(answers_file))
        for name, outputs_file in pairs:
            mocks.stack_outputs.setdefault(name, _answers.load_stack_outputs(outputs_file))
    except _answers.AnswerFileError as exc:
        raise PlanError(str(exc)) from exc


def run_plan(
    cwd: str | os.PathLike[str] = ".",
    stack: str = "dev",
    overrides: Sequence[str] = (),
    *,
    extra_config: Mapping[str, str] | None = None,
    runtime: Callable[[str, str], tuple[_recording.RecordingMocks, _recording.RecordingMonitor]]
    | None = None,
    invokes: Sequence[str] = (),
    stack_outputs: Sequence[str] = (),
    preview: bool = False,
) -> Plan:
    """Run the project's program under the mocks and return its plan.

    ``runtime(region, gcp_project)`` makes the mocks and monitor (default: fresh recording
    mocks); a sequence test's fake cloud passes its own, which answer from the state of
    earlier deployments. ``invokes``: invokes files (then the stack config
    ``immutable:planInvokes``, paths relative to the project); ``stack_outputs``:
    ``STACK=FILE`` (then ``immutable:planStackOutputs``); ``preview``: ids and computed
    outputs unknown, as a preview of a new stack sees them.
    """
    project = load_project(cwd)
    config, secret_keys, fakes = stack_config(project, stack, overrides)
    config.update(extra_config or {})
    region = config.get("aws:region", DEFAULT_REGION)
    gcp_project = config.get("gcp:project", "mock-project")
    if runtime is None:
        mocks: _recording.RecordingMocks = _recording.RecordingMocks(
            region=region, gcp_project=gcp_project
        )
        monitor: _recording.RecordingMonitor | None = None
    else:
        mocks, monitor = runtime(region, gcp_project)
    mocks.preview = preview or mocks.preview
    _load_answers(mocks, project, config, invokes, stack_outputs)
    engine = _recording.RecordingEngine()
    monitor = _recording.install(
        mocks,
        monitor=monitor,
        project=project.name,
        stack_name=stack,
        config=config,
        secret_keys=secret_keys,
        create_stack=False,
        preview=mocks.preview,
        engine=engine,
    )
    old_cwd, old_path = os.getcwd(), list(sys.path)
    program_dir = str(project.main.parent)
    try:
        os.chdir(program_dir)
        sys.path.insert(0, program_dir)
        from pulumi.runtime import stack as _stack
        from pulumi.runtime.sync_await import _sync_await

        def program() -> None:
            _recording.track_construction(monitor)
            runpy.run_path(str(project.main), run_name="__main__")

        _sync_await(_stack.run_in_stack(program))
    except SystemExit as exc:
        raise PlanError(
            f"The program {project.main.relative_to(project.root)} exited ({exc.code})."
        ) from exc
    except Exception as exc:
        where = _program_frame(exc, project.root)
        message = str(exc).replace(str(project.root) + os.sep, "")
        if isinstance(exc, _recording.UnmockedInvokeError | _recording.UnmockedStackReferenceError):
            raise PlanError(f"The program asked a question nobody answers: {message}") from exc
        raise PlanError(f"The program failed at {where}: {type(exc).__name__}: {message}") from exc
    finally:
        os.chdir(old_cwd)
        sys.path[:] = old_path
        _recording.uninstall()
    if engine.errors:
        logged = "; ".join(e.replace(str(project.root) + os.sep, "") for e in engine.errors)
        raise PlanError(f"The program logged {len(engine.errors)} error(s): {logged}")

    registrations = monitor.ordered()
    stack_reg = next((r for r in registrations if r.type == "pulumi:pulumi:Stack"), None)
    root = str(project.root)
    resources = [_relativize(r.to_plan(), root) for r in registrations]
    outputs = _relativize(stack_reg.outputs, root) if stack_reg else {}
    return Plan(project.name, stack, resources, outputs, fakes)
