"""Configuration injected at boot: plain settings and references to secrets.

A release carries its configuration in the instance's user data, so a configuration change
is a release too (a new launch template version, rolled like a new image). Secrets are
never in user data: only their *references* are (``ssm:/path`` for an SSM parameter,
``secretsmanager:<name or ARN>`` for a Secrets Manager secret). At boot, a small python3
program (standard library only, see :mod:`._fetch_config`) fetches each value with the
instance role and writes every setting to an env file (mode 0600) that the app's systemd
unit reads with ``EnvironmentFile=``. The instance role may read exactly the referenced
parameters and secrets (:func:`secret_policy`).

This module is cloud-neutral in shape (settings, references, an env file); the reference
schemes and the policy are AWS's.
"""

from __future__ import annotations

import base64
import json
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi

from .._patterns import ENV_NAME
from .._validate import Check, is_unknown

__all__ = [
    "SCHEMES",
    "USER_DATA_MAX_BASE64",
    "BootConfig",
    "SecretRef",
    "boot_script",
    "parse_secret_ref",
    "secret_policy",
    "validate_boot_config",
]

SCHEMES = ("ssm", "secretsmanager")
#: The launch template API's limit on ``UserData`` (base64 text): 16 KB of raw user data
#: ("limited to 16 KB, in raw form, before it is base64-encoded"; the API rejects longer
#: base64 with "Member must have length less than or equal to 21847").
USER_DATA_MAX_BASE64 = 21847
ENV_FILE = re.compile(r"^(/[A-Za-z0-9._-]+)+$")
UNIT_NAME = re.compile(r"^[A-Za-z0-9:_.@-]+$")
SSM_NAME = re.compile(r"^((/[A-Za-z0-9_.-]+)+|[A-Za-z0-9_.-]+)$")
SSM_ARN = re.compile(r"^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter/[A-Za-z0-9_./-]+$")
SECRET_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")
SECRET_ARN = re.compile(
    r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$"
)
SPEC_PATH = "/run/immutable/boot-config.json"
_FETCHER = Path(__file__).with_name("_fetch_config.py")
_REF_ACCEPTED = (
    "a secret reference: 'ssm:/parameter/path' (or an SSM parameter ARN after 'ssm:'), or "
    "'secretsmanager:<secret name or ARN>'"
)


@dataclass(frozen=True)
class SecretRef:
    """A parsed reference: ``scheme`` is ``ssm`` or ``secretsmanager``, ``ref`` a name or ARN."""

    scheme: str
    ref: str

    @property
    def is_arn(self) -> bool:
        return self.ref.startswith("arn:")

    def region(self, default: str) -> str:
        return self.ref.split(":")[3] if self.is_arn else default

    def iam_resource(self, partition: str, region: str, account: str) -> str:
        """The exact ARN the instance role may read (a secret name matches its 6-character
        random suffix, ``-??????``, as AWS documents for policies by name)."""
        if self.is_arn:
            return self.ref
        if self.scheme == "ssm":
            return f"arn:{partition}:ssm:{region}:{account}:parameter/{self.ref.lstrip('/')}"
        return f"arn:{partition}:secretsmanager:{region}:{account}:secret:{self.ref}-??????"


def parse_secret_ref(check: Check, field: str, value: Any) -> SecretRef:
    """``ssm:/path`` or ``secretsmanager:name-or-arn``; anything else is refused."""
    if not isinstance(value, str) or ":" not in value:
        check.fail(field, value, _REF_ACCEPTED)
    scheme, _, ref = value.partition(":")
    if scheme == "ssm":
        pattern = SSM_ARN if ref.startswith("arn:") else SSM_NAME
        if not pattern.match(ref) or (
            not ref.startswith("arn:") and ref.lstrip("/").lower().startswith(("aws", "ssm"))
        ):
            check.fail(
                field,
                value,
                "an SSM parameter name ('/a/b' or 'name', not starting "
                "with 'aws' or 'ssm') or parameter ARN after 'ssm:'",
            )
    elif scheme == "secretsmanager":
        pattern = SECRET_ARN if ref.startswith("arn:") else SECRET_NAME
        if not pattern.match(ref):
            check.fail(
                field,
                value,
                "a Secrets Manager secret name (1-512 of A-Z a-z 0-9 "
                "/_+=.@-) or secret ARN after 'secretsmanager:'",
            )
    else:
        check.fail(field, value, _REF_ACCEPTED)
    return SecretRef(scheme, ref)


@dataclass(frozen=True)
class BootConfig:
    """Validated boot configuration (see :func:`validate_boot_config`)."""

    settings: Mapping[str, pulumi.Input[str]]
    secrets: Mapping[str, SecretRef]
    env_file: str
    restart_services: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (self.settings or self.secrets or self.restart_services)

    def spec(self, settings: Mapping[str, str]) -> dict[str, Any]:
        return {
            "env_file": self.env_file,
            "settings": dict(sorted(settings.items())),
            "secrets": {k: [r.scheme, r.ref] for k, r in sorted(self.secrets.items())},
        }

    def script(self, settings: Mapping[str, str]) -> str:
        """The user data: a bash script that fetches the secrets and writes the env file."""
        return boot_script(self.spec(settings), _FETCHER, self.env_file, self.restart_services)

    def user_data_base64(self) -> pulumi.Output[str] | str | None:
        """Base64 user data for a launch template; an Output when a setting is one."""
        if self.empty:
            return None
        if not any(is_unknown(v) for v in self.settings.values()):
            return _b64(self.script(dict(self.settings)))  # type: ignore[arg-type]
        return pulumi.Output.all(**dict(self.settings)).apply(lambda s: _b64(self.script(s)))

    def known_size(self) -> int:
        """The base64 length, with unknown settings counted as empty (a lower bound)."""
        known = {k: ("" if is_unknown(v) else v) for k, v in self.settings.items()}
        return len(_b64(self.script(known)))  # type: ignore[arg-type]


def boot_script(
    spec: Mapping[str, Any], fetcher: Path, env_file: str, restart_services: Sequence[str]
) -> str:
    """A bash script: write ``spec``, run the ``fetcher`` program on it with python3, remove
    it, restart the units. Quoted here-documents: nothing in them is expanded by the shell."""
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    lines = [
        "#!/bin/bash",
        "# Boot configuration (immutable-components): plain settings and secret references",
        "# only. Secret values are fetched here with the instance's identity and written",
        f"# only to {env_file} (mode 0600).",
        "set -euo pipefail",
        "umask 077",
        f"install -d -m 0755 {posixpath.dirname(env_file)}",
        f"install -d -m 0700 {posixpath.dirname(SPEC_PATH)}",
        f"cat > {SPEC_PATH} <<'IMMUTABLE_SPEC'",
        text,
        "IMMUTABLE_SPEC",
        f"python3 - {SPEC_PATH} <<'IMMUTABLE_FETCH'",
        _fetcher_source(fetcher),
        "IMMUTABLE_FETCH",
        f"rm -f {SPEC_PATH}",
        *(f"systemctl restart {unit}" for unit in restart_services),
    ]
    return "\n".join(lines) + "\n"


def _fetcher_source(path: Path) -> str:
    """The boot-time program without its module docstring (it counts against 16 KB)."""
    text = path.read_text()
    body = text.split('"""', 2)[2] if text.startswith('"""') else text
    return "# immutable-components: fetch secret references, write the env file (0600)\n" + (
        body.strip("\n")
    )


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def validate_boot_config(
    check: Check,
    settings: Any,
    secrets: Any,
    env_file: Any,
    restart_services: Any,
    *,
    max_base64: int | None = USER_DATA_MAX_BASE64,
) -> BootConfig:
    """Check names, references, the env file path and the size; return the parsed config."""
    if not isinstance(settings, Mapping):
        check.fail("settings", settings, "a mapping of environment variable names to strings")
    if not isinstance(secrets, Mapping):
        check.fail("secrets", secrets, "a mapping of environment variable names to references")
    for name, value in settings.items():
        _env_name(check, "settings", name)
        if not (isinstance(value, str) or is_unknown(value)):
            check.fail(f"settings[{name!r}]", value, "a string (or an Output of one)")
    refs: dict[str, SecretRef] = {}
    for name, value in secrets.items():
        _env_name(check, "secrets", name)
        if name in settings:
            check.fail(f"secrets[{name!r}]", value, "a name that is not also in `settings`")
        refs[name] = parse_secret_ref(check, f"secrets[{name!r}]", value)
    if not isinstance(env_file, str) or not ENV_FILE.match(env_file):
        check.fail("env_file", env_file, "an absolute file path of A-Z a-z 0-9 . _ - and /")
    if isinstance(restart_services, (str, bytes)) or not isinstance(restart_services, Sequence):
        check.fail("restart_services", restart_services, "a list of systemd unit names")
    for index, unit in enumerate(restart_services):
        if not isinstance(unit, str) or not UNIT_NAME.match(unit):
            check.fail(
                f"restart_services[{index}]", unit, "a systemd unit name, e.g. 'app.service'"
            )
    config = BootConfig(dict(settings), refs, env_file, tuple(restart_services))
    if max_base64 is not None and not config.empty and config.known_size() > max_base64:
        check.fail(
            "settings",
            f"<user data of {config.known_size()} base64 characters>",
            f"user data of at most 16 KB ({max_base64} base64 characters): keep large or "
            "many values in SSM parameters and reference them in `secrets`",
        )
    return config


def _env_name(check: Check, field: str, name: Any) -> None:
    if not isinstance(name, str) or not ENV_NAME.match(name):
        check.fail(f"{field} key", name, "an environment variable name: [A-Za-z_][A-Za-z0-9_]*")


def secret_policy(
    refs: Sequence[SecretRef],
    kms_key_arn: str | None,
    *,
    partition: str,
    region: str,
    account: str,
    dns_suffix: str,
) -> dict[str, Any]:
    """The instance role's policy: read exactly these references, decrypt with exactly this key."""
    statements: list[dict[str, Any]] = []
    for scheme, sid, action in (
        ("ssm", "ReadParameters", "ssm:GetParameter"),
        ("secretsmanager", "ReadSecrets", "secretsmanager:GetSecretValue"),
    ):
        resources = sorted(
            {r.iam_resource(partition, region, account) for r in refs if r.scheme == scheme}
        )
        if resources:
            statements.append(
                {"Sid": sid, "Effect": "Allow", "Action": action, "Resource": resources}
            )
    if kms_key_arn:
        via = sorted({f"{r.scheme}.{r.region(region)}.{dns_suffix}" for r in refs})
        statements.append(
            {
                "Sid": "DecryptSecrets",
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": kms_key_arn,
                "Condition": {"StringEquals": {"kms:ViaService": via}},
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}
