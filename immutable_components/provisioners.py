"""Provisioners: cloud-neutral steps that turn a builder VM into an image.

A provisioner is a plain value: it knows its content (for the build hash) and how it
runs over SSH, never which cloud it runs on. The same list bakes on every builder.

* :class:`UploadFile` and :class:`UploadDirectory` copy local content to the builder.
* :class:`RunScript` runs a local script file; :class:`RunCommands` runs inline commands.

Environment values given as plain strings are part of the build hash. Values given as
``pulumi.Output`` are treated as secrets: they are kept secret in the state and in diffs,
are not part of the build hash (changing only a secret does not rebake: rotate secrets at
boot, not in images), and a step that has one runs with its output stored as secret and
its logging off.
"""

from __future__ import annotations

import hashlib
import os
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi

from ._patterns import ENV_NAME
from ._validate import Check, is_unknown

__all__ = [
    "Provisioner",
    "RunCommands",
    "RunScript",
    "UploadDirectory",
    "UploadFile",
]

EnvValue = str | pulumi.Output


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


@dataclass(frozen=True, kw_only=True)
class UploadFile:
    """Copy one local file to the builder (as the SSH user)."""

    source: str | os.PathLike[str]
    """Local path of the file. It must exist when the component is constructed."""
    destination: str
    """Absolute path on the builder. Parent directories are created. The SSH user must be
    able to write there: upload to ``/tmp/...`` and move it with a command when it
    belongs elsewhere."""

    kind = "upload-file"

    def validate(self, check: Check, field_name: str) -> None:
        path = Path(self.source)
        if not path.is_file():
            check.fail(f"{field_name}.source", str(self.source), "an existing local file")
        _check_destination(check, f"{field_name}.destination", self.destination)

    def digest(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "destination": self.destination,
            "sha256": _file_digest(Path(self.source)),
        }

    @property
    def has_secrets(self) -> bool:
        return False


@dataclass(frozen=True, kw_only=True)
class UploadDirectory:
    """Copy a local directory, recursively, to the builder (as the SSH user)."""

    source: str | os.PathLike[str]
    """Local path of the directory. It must exist when the component is constructed."""
    destination: str
    """Absolute path on the builder. When it is an existing directory, the source directory
    is copied into it; otherwise it is created."""

    kind = "upload-directory"

    def validate(self, check: Check, field_name: str) -> None:
        if not Path(self.source).is_dir():
            check.fail(f"{field_name}.source", str(self.source), "an existing local directory")
        _check_destination(check, f"{field_name}.destination", self.destination)

    def digest(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "destination": self.destination,
            "tree": _tree_digest(Path(self.source)),
        }

    @property
    def has_secrets(self) -> bool:
        return False


@dataclass(frozen=True, kw_only=True)
class _Run:
    env: Mapping[str, EnvValue] = field(default_factory=dict)
    """Environment variables for the step. Plain strings are part of the build hash;
    ``pulumi.Output`` values are secrets (see the module docs). Default: none."""
    sudo: bool = True
    """Run as root through ``sudo -H``. Default: True (image provisioning needs root)."""

    def _validate_env(self, check: Check, field_name: str) -> None:
        _check_env(check, f"{field_name}.env", self.env)

    def _plain_env(self) -> dict[str, str]:
        return {k: v for k, v in sorted(self.env.items()) if isinstance(v, str)}

    @property
    def has_secrets(self) -> bool:
        return any(not isinstance(v, str) for v in self.env.values())

    def script_text(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def render(self) -> pulumi.Output[str] | str:
        """The shell command pulumi-command runs over SSH.

        The script and an environment file (mode 0600) are written to temporary files on
        the builder, run with stdin closed, and removed. Environment variables are not
        passed through SSH (that needs ``AcceptEnv`` on the server), nor on a command
        line (visible in ``ps``).
        """
        text = self.script_text()
        tag = hashlib.sha256(text.encode()).hexdigest()[:12]
        keys = sorted(self.env)

        def build(values: list[str]) -> str:
            pairs = zip(keys, values, strict=True)
            env_lines = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in pairs)
            runner = "sudo -H " if self.sudo else ""
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

        values = [self.env[k] for k in keys]
        if not self.has_secrets:
            return build([str(v) for v in values])
        return pulumi.Output.secret(pulumi.Output.all(*values).apply(lambda vs: build(list(vs))))


@dataclass(frozen=True, kw_only=True)
class RunScript(_Run):
    """Run a local script file on the builder.

    The file is read when the component is constructed; its bytes are part of the build
    hash. A script without a ``#!`` line runs with ``bash -eu``.
    """

    path: str | os.PathLike[str]
    """Local path of the script."""

    kind = "script"

    def validate(self, check: Check, field_name: str) -> None:
        if not Path(self.path).is_file():
            check.fail(f"{field_name}.path", str(self.path), "an existing local script file")
        if not Path(self.path).read_bytes().strip():
            check.fail(f"{field_name}.path", str(self.path), "a script that is not empty")
        self._validate_env(check, field_name)

    def script_text(self) -> str:
        text = Path(self.path).read_text()
        return text if text.startswith("#!") else "#!/bin/bash -eu\n" + text

    def digest(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "sha256": _file_digest(Path(self.path)),
            "env": self._plain_env(),
            "secret_env": sorted(k for k, v in self.env.items() if not isinstance(v, str)),
            "sudo": self.sudo,
        }


@dataclass(frozen=True, kw_only=True)
class RunCommands(_Run):
    """Run inline shell commands on the builder, in order, stopping at the first failure
    (``bash -euo pipefail``)."""

    commands: Sequence[str]
    """The commands, one shell line each."""

    kind = "commands"

    def validate(self, check: Check, field_name: str) -> None:
        if isinstance(self.commands, str) or not isinstance(self.commands, Sequence):
            check.fail(f"{field_name}.commands", self.commands, "a list of shell lines")
        if not self.commands or not all(isinstance(c, str) and c.strip() for c in self.commands):
            check.fail(
                f"{field_name}.commands", self.commands, "a non-empty list of non-empty strings"
            )
        self._validate_env(check, field_name)

    def script_text(self) -> str:
        return "#!/bin/bash\nset -euo pipefail\n" + "\n".join(self.commands) + "\n"

    def digest(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "commands": list(self.commands),
            "env": self._plain_env(),
            "secret_env": sorted(k for k, v in self.env.items() if not isinstance(v, str)),
            "sudo": self.sudo,
        }


Provisioner = UploadFile | UploadDirectory | RunScript | RunCommands
PROVISIONER_TYPES = (UploadFile, UploadDirectory, RunScript, RunCommands)


def validate_provisioners(check: Check, provisioners: Any) -> Sequence[Provisioner]:
    """Check the list and every step in it; returns it as a tuple."""
    items = check.non_empty_list("provisioners", provisioners)
    for i, step in enumerate(items):
        if not isinstance(step, PROVISIONER_TYPES):
            check.fail(
                f"provisioners[{i}]",
                step,
                "UploadFile, UploadDirectory, RunScript or RunCommands",
            )
        step.validate(check, f"provisioners[{i}]")
    return tuple(items)
