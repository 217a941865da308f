"""Provisioners: cloud-neutral steps that turn a builder VM into an image.

A provisioner is a plain :class:`Provisioner` record: its ``kind`` (a
:class:`ProvisionerKind`) says which of its fields it uses. It knows its content (for the
build hash) and how it runs over SSH, never which cloud it runs on. The same list bakes
on every builder. From Python, the helpers make one with the fields its kind needs:

* :func:`UploadFile` and :func:`UploadDirectory` copy local content to the builder.
* :func:`RunScript` runs a local script file; :func:`RunCommands` runs inline commands.

Environment values given as plain strings are part of the build hash. Values given as
``pulumi.Output`` are treated as secrets: they are kept secret in the state and in diffs,
are not part of the build hash (changing only a secret does not rebake: rotate secrets at
boot, not in images), and a step that has one runs with its output stored as secret and
its logging off.
"""

# ruff: noqa: UP007, UP045 (records: Optional[...], as the contract and _records.build read them)

import dataclasses
import enum
import hashlib
import os
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Union

import pulumi

from ._patterns import ENV_NAME
from ._records import Defaulted, Record
from ._validate import Check, is_unknown

__all__ = [
    "Provisioner",
    "ProvisionerKind",
    "RunCommands",
    "RunScript",
    "UploadDirectory",
    "UploadFile",
]

PathLike = Union[str, "os.PathLike[str]"]


class ProvisionerKind(str, enum.Enum):
    """What a :class:`Provisioner` does (and so which of its fields it uses)."""

    UPLOAD_FILE = "upload_file"
    """Copy the local file ``source`` to ``destination`` on the builder."""
    UPLOAD_DIRECTORY = "upload_directory"
    """Copy the local directory ``source``, recursively, to ``destination``."""
    RUN_SCRIPT = "run_script"
    """Run the local script file ``path`` (with ``env`` and ``sudo``)."""
    RUN_COMMANDS = "run_commands"
    """Run the inline shell lines ``commands`` (with ``env`` and ``sudo``)."""


@dataclass(frozen=True, kw_only=True)
class Provisioner(Record):
    """One step run on the builder, in order with the others. ``kind`` says what it does;
    a field another kind uses is refused."""

    kind: ProvisionerKind
    """``upload_file``, ``upload_directory``, ``run_script`` or ``run_commands``."""
    source: Optional[str] = None
    """Uploads: local path of the file or directory. It must exist when the component is
    constructed."""
    destination: Optional[str] = None
    """Uploads: absolute path on the builder. Parent directories are created; an existing
    directory receives the uploaded directory inside it. The SSH user must be able to
    write there: upload to ``/tmp/...`` and move it with a command when it belongs
    elsewhere."""
    path: Optional[str] = None
    """``run_script``: local path of the script. Its bytes are read at construction and
    are part of the build hash; a script without a ``#!`` line runs with ``bash -eu``."""
    commands: Optional[Sequence[str]] = None
    """``run_commands``: shell lines run in order with ``bash -euo pipefail``."""
    env: Optional[Mapping[str, pulumi.Input[str]]] = None
    """Run steps: environment variables. Plain strings are part of the build hash;
    Outputs are secrets (see the module docs). Default: none."""
    sudo: Defaulted[bool] = True
    """Run steps: run as root through ``sudo -H``. Default: True (image provisioning needs
    root)."""


# -- the Python helpers: one Provisioner per kind, the keyword arguments of each kind ----


def UploadFile(*, source: PathLike, destination: str) -> Provisioner:
    """Copy one local file to the builder (as the SSH user)."""
    return Provisioner(
        kind=ProvisionerKind.UPLOAD_FILE, source=_path(source), destination=destination
    )


def UploadDirectory(*, source: PathLike, destination: str) -> Provisioner:
    """Copy a local directory, recursively, to the builder (as the SSH user)."""
    return Provisioner(
        kind=ProvisionerKind.UPLOAD_DIRECTORY, source=_path(source), destination=destination
    )


def RunScript(
    *,
    path: PathLike,
    env: Optional[Mapping[str, pulumi.Input[str]]] = None,
    sudo: bool = True,
) -> Provisioner:
    """Run a local script file on the builder."""
    return Provisioner(kind=ProvisionerKind.RUN_SCRIPT, path=_path(path), env=env, sudo=sudo)


def RunCommands(
    *,
    commands: Sequence[str],
    env: Optional[Mapping[str, pulumi.Input[str]]] = None,
    sudo: bool = True,
) -> Provisioner:
    """Run inline shell commands on the builder, in order, stopping at the first failure
    (``bash -euo pipefail``)."""
    return Provisioner(kind=ProvisionerKind.RUN_COMMANDS, commands=commands, env=env, sudo=sudo)


def _path(value: Any) -> Any:
    """A path as the string a cross-language caller would send (other values are left for
    validation to refuse)."""
    return os.fspath(value) if isinstance(value, os.PathLike) else value


# -- what each kind uses ---------------------------------------------------------------

USES: dict[ProvisionerKind, tuple[str, ...]] = {
    ProvisionerKind.UPLOAD_FILE: ("source", "destination"),
    ProvisionerKind.UPLOAD_DIRECTORY: ("source", "destination"),
    ProvisionerKind.RUN_SCRIPT: ("path", "env", "sudo"),
    ProvisionerKind.RUN_COMMANDS: ("commands", "env", "sudo"),
}
DIGEST_KIND = {
    ProvisionerKind.UPLOAD_FILE: "upload-file",
    ProvisionerKind.UPLOAD_DIRECTORY: "upload-directory",
    ProvisionerKind.RUN_SCRIPT: "script",
    ProvisionerKind.RUN_COMMANDS: "commands",
}
"""The ``kind`` each step has in the build hash document (unchanged since format 1)."""


def is_upload(step: Provisioner) -> bool:
    return step.kind in (ProvisionerKind.UPLOAD_FILE, ProvisionerKind.UPLOAD_DIRECTORY)


# -- validation ------------------------------------------------------------------------


def validate_provisioners(check: Check, provisioners: Any) -> tuple[Provisioner, ...]:
    """Check the list and every step in it; returns the steps, paths as strings."""
    items = check.non_empty_list("provisioners", provisioners)
    if is_unknown(provisioners):
        check.fail("provisioners", provisioners, "a list of provisioners, not an Output")
    return tuple(validate_provisioner(check, f"provisioners[{i}]", s) for i, s in enumerate(items))


def validate_provisioner(check: Check, field_name: str, step: Any) -> Provisioner:
    if not isinstance(step, Provisioner):
        check.fail(
            field_name,
            step,
            "a Provisioner: UploadFile(...), UploadDirectory(...), RunScript(...) or "
            "RunCommands(...)",
        )
    kind = step.kind
    if not isinstance(kind, ProvisionerKind):
        check.fail(f"{field_name}.kind", kind, "one of " + ", ".join(k.value for k in USES))
    used = USES[kind]
    for item in dataclasses.fields(step):
        if item.name in ("kind", "sudo") or item.name in used:
            continue
        if getattr(step, item.name) is not None:
            check.fail(
                f"{field_name}.{item.name}",
                getattr(step, item.name),
                f"no {item.name} for a {kind.value} step (it uses: {', '.join(used)})",
            )
    step = dataclasses.replace(step, source=_path(step.source), path=_path(step.path))
    if kind is ProvisionerKind.UPLOAD_FILE:
        _check_local(check, f"{field_name}.source", step.source, "file")
        _check_destination(check, f"{field_name}.destination", step.destination)
    elif kind is ProvisionerKind.UPLOAD_DIRECTORY:
        _check_local(check, f"{field_name}.source", step.source, "directory")
        _check_destination(check, f"{field_name}.destination", step.destination)
    elif kind is ProvisionerKind.RUN_SCRIPT:
        _check_local(check, f"{field_name}.path", step.path, "script file")
        if not Path(str(step.path)).read_bytes().strip():
            check.fail(f"{field_name}.path", step.path, "a script that is not empty")
    else:
        check_commands(check, f"{field_name}.commands", step.commands)
    if kind in (ProvisionerKind.RUN_SCRIPT, ProvisionerKind.RUN_COMMANDS):
        if step.env is not None:
            _check_env(check, f"{field_name}.env", step.env)
        if not isinstance(step.sudo, bool):
            check.fail(f"{field_name}.sudo", step.sudo, "True or False")
    return step


def check_commands(check: Check, field_name: str, commands: Any) -> None:
    """A non-empty list of non-empty shell lines (``None`` included in the refusal)."""
    if isinstance(commands, str) or not isinstance(commands, Sequence):
        check.fail(field_name, commands, "a list of shell lines")
    if not commands or not all(isinstance(c, str) and c.strip() for c in commands):
        check.fail(field_name, commands, "a non-empty list of non-empty strings")


def _check_local(check: Check, field_name: str, value: Any, what: str) -> None:
    if not isinstance(value, str) or not value:
        check.fail(field_name, value, f"the local path of an existing {what}")
    exists = Path(value).is_dir() if what == "directory" else Path(value).is_file()
    if not exists:
        check.fail(field_name, value, f"an existing local {what}")


def _check_destination(check: Check, field_name: str, value: Any) -> None:
    if not isinstance(value, str) or not value.startswith("/") or "\n" in value:
        check.fail(field_name, value, "an absolute path on the builder, e.g. '/tmp/app.tar'")


def _check_env(check: Check, field_name: str, env: Any) -> None:
    if not isinstance(env, Mapping):
        check.fail(field_name, env, "a mapping of variable names to strings or Outputs")
    for key, value in env.items():
        if not isinstance(key, str) or not ENV_NAME.match(key):
            check.fail(f"{field_name} key", key, "a shell variable name ([A-Za-z_][A-Za-z0-9_]*)")
        if not (isinstance(value, str) or is_unknown(value)):
            check.fail(f"{field_name}[{key!r}]", value, "a string, or a pulumi.Output for a secret")


# -- content and rendering -------------------------------------------------------------


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree_digest(root: Path) -> str:
    """Digest of a directory: every file's relative path, mode bit x, and bytes, sorted."""
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fname in sorted(filenames):
            full = Path(dirpath, fname)
            rel = full.relative_to(root).as_posix()
            executable = "x" if os.access(full, os.X_OK) else "-"
            h.update(f"{rel}\0{executable}\0{_file_digest(full)}\n".encode())
    return h.hexdigest()


def _env(step: Provisioner) -> Mapping[str, pulumi.Input[str]]:
    return step.env or {}


def has_secrets(step: Provisioner) -> bool:
    """A run step with an Output in its environment (its output is kept secret)."""
    return any(not isinstance(v, str) for v in _env(step).values())


def digest(step: Provisioner) -> dict[str, Any]:
    """The step's part of the build hash document (content, never a secret's value)."""
    kind = DIGEST_KIND[step.kind]
    if step.kind is ProvisionerKind.UPLOAD_FILE:
        return {
            "kind": kind,
            "destination": step.destination,
            "sha256": _file_digest(Path(str(step.source))),
        }
    if step.kind is ProvisionerKind.UPLOAD_DIRECTORY:
        return {
            "kind": kind,
            "destination": step.destination,
            "tree": _tree_digest(Path(str(step.source))),
        }
    env = _env(step)
    content: dict[str, Any] = (
        {"sha256": _file_digest(Path(str(step.path)))}
        if step.kind is ProvisionerKind.RUN_SCRIPT
        else {"commands": list(step.commands or ())}
    )
    return {
        "kind": kind,
        **content,
        "env": {k: v for k, v in sorted(env.items()) if isinstance(v, str)},
        "secret_env": sorted(k for k, v in env.items() if not isinstance(v, str)),
        "sudo": step.sudo,
    }


def script_text(step: Provisioner) -> str:
    """A run step's script: the file's text (``bash -eu`` without a ``#!``) or the
    commands under ``bash -euo pipefail``."""
    if step.kind is ProvisionerKind.RUN_SCRIPT:
        text = Path(str(step.path)).read_text()
        return text if text.startswith("#!") else "#!/bin/bash -eu\n" + text
    return "#!/bin/bash\nset -euo pipefail\n" + "\n".join(step.commands or ()) + "\n"


def render(step: Provisioner) -> Union[pulumi.Output[str], str]:
    """The shell command pulumi-command runs over SSH for a run step.

    The script and an environment file (mode 0600) are written to temporary files on
    the builder, run with stdin closed, and removed. Environment variables are not
    passed through SSH (that needs ``AcceptEnv`` on the server), nor on a command
    line (visible in ``ps``).
    """
    text = script_text(step)
    tag = hashlib.sha256(text.encode()).hexdigest()[:12]
    env = _env(step)
    keys = sorted(env)

    def build(values: list[str]) -> str:
        pairs = zip(keys, values, strict=True)
        env_lines = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in pairs)
        runner = "sudo -H " if step.sudo else ""
        return (
            "set -eu\n"
            "umask 077\n"
            'work="$(mktemp -d)"\n'
            "trap 'rm -rf \"$work\"' EXIT\n"
            f"cat > \"$work/env\" <<'__IMMUTABLE_ENV_{tag}__'\n"
            f"{env_lines}"
            f"__IMMUTABLE_ENV_{tag}__\n"
            f"cat > \"$work/step\" <<'__IMMUTABLE_STEP_{tag}__'\n"
            f"{text}"
            f"{'' if text.endswith(chr(10)) else chr(10)}"
            f"__IMMUTABLE_STEP_{tag}__\n"
            'chmod 700 "$work/step"\n'
            f'{runner}bash -c \'set -a; . "$1"; set +a; exec "$2"\' step "$work/env" '
            '"$work/step" </dev/null\n'
        )

    values = [env[k] for k in keys]
    if not has_secrets(step):
        return build([str(v) for v in values])
    return pulumi.Output.secret(pulumi.Output.all(*values).apply(lambda vs: build(list(vs))))
