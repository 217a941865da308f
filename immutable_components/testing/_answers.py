"""Answers a plan reads from files: invoke results (``--invokes``, config
``immutable:planInvokes``) and StackReference outputs (``--stack-output``, config
``immutable:planStackOutputs``); and the message for an invoke nobody answers.

An invokes file (YAML or JSON) holds a list of entries::

    - token: aws:ec2/getVpc:getVpc
      args: {id: vpc-0abc}        # optional; matched as a subset of the call's arguments
      result: {id: vpc-0abc, cidrBlock: 10.20.0.0/16}

The first entry (in file order, files in the order given) whose token matches and whose
``args`` are a subset of the call's arguments answers; entries win over the built-in
answers of :data:`immutable_components.testing.INVOKE_RESULTS`.
"""

from __future__ import annotations

import json
import sys
import threading
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_LIBRARY = Path(__file__).resolve().parent.parent
_SKIPPED = ("pulumi", "pulumi_aws", "pulumi_gcp", "pulumi_azure_native", "pulumi_tls", "grpc")


class AnswerFileError(ValueError):
    """An invokes or stack-outputs file that cannot be read; the message names the file."""


@dataclass(frozen=True)
class Answer:
    """One entry of an invokes file."""

    token: str
    args: dict[str, Any]
    result: dict[str, Any]
    source: str
    """``file#index`` the entry came from."""

    def matches(self, token: str, args: Mapping[str, Any]) -> bool:
        return token == self.token and _subset(self.args, args)


def _subset(want: Any, have: Any) -> bool:
    if isinstance(want, dict):
        return isinstance(have, Mapping) and all(
            k in have and _subset(v, have[k]) for k, v in want.items()
        )
    if isinstance(want, list):
        return (
            isinstance(have, list | tuple)
            and len(want) == len(have)
            and all(_subset(w, h) for w, h in zip(want, have, strict=True))
        )
    return bool(want == have)


def _read(path: Path) -> Any:
    try:
        text = path.read_text()
    except OSError as exc:
        raise AnswerFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise AnswerFileError(f"{path} is not valid YAML/JSON: {exc}") from exc


def load_answers(path: str | Path) -> list[Answer]:
    """The entries of one invokes file, checked: each a mapping with a string ``token``,
    an optional mapping ``args`` and a mapping ``result``."""
    path = Path(path)
    data = _read(path)
    if not isinstance(data, list):
        raise AnswerFileError(
            f"{path} must hold a list of {{token, args, result}} entries; got {type(data).__name__}"
        )
    answers = []
    for i, entry in enumerate(data):
        where = f"{path}#{i}"
        if not isinstance(entry, dict) or not isinstance(entry.get("token"), str):
            raise AnswerFileError(f"{where}: each entry needs a string `token`; got {entry!r}")
        unknown = sorted(set(entry) - {"token", "args", "result"})
        if unknown:
            raise AnswerFileError(
                f"{where}: unknown key(s) {unknown}; an entry has token, args, result"
            )
        args, result = entry.get("args") or {}, entry.get("result")
        if not isinstance(args, dict) or not isinstance(result, dict):
            raise AnswerFileError(f"{where}: `args` and `result` must be mappings")
        answers.append(Answer(entry["token"], args, result, where))
    return answers


def load_stack_outputs(path: str | Path) -> dict[str, Any]:
    """A referenced stack's outputs: one mapping of output name -> value."""
    path = Path(path)
    data = _read(path)
    if not isinstance(data, dict):
        raise AnswerFileError(f"{path} must hold a mapping of output name -> value")
    return data


def answer_entry(token: str, args: Mapping[str, Any]) -> str:
    """The ``--invokes`` entry (YAML) that would answer this call: fill in ``result``."""
    lines = [f"- token: {token}"]
    if args:
        lines.append(f"  args: {json.dumps(dict(args), sort_keys=True)}")
    lines.append("  result: {}  # the fields the program reads, e.g. {id: ...}")
    return "\n".join(lines)


def program_location() -> str:
    """``file:line`` of the innermost frame of the user's program in the thread that
    runs it (pulumi, provider SDK and immutable_components frames skipped), ``""`` when
    none (an invoke made later, from inside an ``apply``)."""
    frames = sys._current_frames()
    stacks = (
        [frames[threading.main_thread().ident or 0]]
        if threading.main_thread().ident in frames
        else []
    )
    me = threading.get_ident()
    if me in frames and me != threading.main_thread().ident:
        stacks.insert(0, frames[me])
    for frame in stacks:
        for entry in reversed(traceback.extract_stack(frame)):
            if _is_program(entry.filename):
                return f"{entry.filename}:{entry.lineno}"
    return ""


def _is_program(filename: str) -> bool:
    if filename.startswith("<"):
        return False
    path = Path(filename).resolve()
    if path.is_relative_to(_LIBRARY):
        return False
    parts = path.parts
    if "site-packages" in parts or "dist-packages" in parts:
        return False
    stdlib = Path(traceback.__file__).resolve().parent
    return not path.is_relative_to(stdlib) and not any(p in _SKIPPED for p in parts[-3:-1])


def unanswered_message(token: str, args: Mapping[str, Any], where: str) -> str:
    at = f" called at {where}" if where else ""
    return (
        f"no mock for invoke {token!r} (args {json.dumps(dict(args), sort_keys=True)}){at}. "
        "Answer it with a file given to --invokes (or listed in the stack config "
        "immutable:planInvokes), or in a test with RecordingMocks.register_invoke; the entry:\n"
        f"{answer_entry(token, args)}"
    )


def match(answers: Sequence[Answer], token: str, args: Mapping[str, Any]) -> Answer | None:
    return next((a for a in answers if a.matches(token, args)), None)
