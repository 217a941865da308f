"""The AWS identity of a Pulumi ``aws`` provider, as plain values, and a boto3 session for it.

Code that calls AWS from a Pulumi *dynamic* provider (the rollout, the blue/green health
gate) runs in a separate process that the engine starts from a pickled provider, with the
CLI's environment only: boto3's default chain there knows nothing of ``aws:profile``,
``aws:assumeRoles`` or an explicit ``aws.Provider``'s settings. This module carries those
settings across and turns them back into a boto3 session that acts as the provider does.

The API (small on purpose; boto3 and the Pulumi SDK are imported only inside the functions
that need them, so importing this module is cheap):

- :class:`Identity` (frozen, plain values): ``region``, ``profile``, ``sts_region``,
  ``shared_config_files``, ``shared_credentials_files`` and ``assume_roles``, a chain of
  :class:`AssumeRole` (``role_arn``, ``session_name``, ``external_id``,
  ``duration_seconds``, ``policy``, ``policy_arns``, ``source_identity``, ``tags``,
  ``transitive_tag_keys``), assumed in order, each with the credentials of the one before.

  - ``Identity.from_stack_config(config)``: the stack's ``aws:`` settings, from the
    ``config`` of a dynamic provider's ``configure(req)``
    (:class:`pulumi.dynamic.ConfigureRequest`), a ``pulumi.Config("aws")``, or a mapping of
    full keys (``{"aws:region": ...}``).
  - ``Identity.from_props(props)`` / ``identity.to_props()``: a dict of camelCase props, the
    form a dynamic resource's inputs carry (numbers may come back as floats).
  - ``identity.with_role(role_arn, session_name)``: the same identity with one more role
    assumed last (a resource's own ``role_arn``).
  - ``identity.session(session_name=...)``: a ``boto3.session.Session`` in ``region``; an
    assumed role's credentials are fetched on first use and refresh themselves before they
    expire (a rollout can outlast a role session's hour).

- :func:`provider_identity`: in the Pulumi program, the identity props of an explicit
  ``aws.Provider`` (an ``Output``), read from its state in the engine.
- :func:`caller`: who a session's credentials belong to, for error messages.

Bad shapes raise :class:`~immutable_components.errors.AwsIdentityError` naming the setting
(``aws:assumeRoles[0].roleArn``), the value and what is accepted.

Keys, as pulumi-aws v7 names them (``pulumi_aws/config/vars.py``, ``ProviderAssumeRoleArgs``):
``region``, ``profile``, ``stsRegion``, ``sharedConfigFiles``, ``sharedCredentialsFiles`` (lists
of paths), ``assumeRoles`` (a list of ``{roleArn, sessionName, externalId, duration, policy,
policyArns, sourceIdentity, tags, transitiveTagKeys}``, ``duration`` a Go duration such as
``1h`` or ``90m``; a provider given plain Python dicts keeps their snake_case keys, which are
read alike). pulumi-aws v6's single ``assumeRole`` object (``durationSeconds`` allowed)
is read as a chain of one; v7 renamed it to the list (Pulumi's AWS v7 migration guide,
https://www.pulumi.com/registry/packages/aws/how-to-guides/7-0-migration/), so a stack sets one
of the two.

Not carried: static keys (``accessKey``/``secretKey``/``token``, which would land in the
dynamic resource's state): the session falls back on the process's default chain
(``AWS_ACCESS_KEY_ID``..., ``AWS_PROFILE``, SSO, instance role), and a wrong account then
shows in :func:`caller`. boto3 reads one shared config file and one credentials file, so
each list takes at most one path.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ._patterns import ARN, AWS_REGION
from .errors import AwsIdentityError

if TYPE_CHECKING:
    import boto3
    import pulumi

__all__ = ["AssumeRole", "Identity", "caller", "provider_identity"]

DEFAULT_SESSION_NAME = "immutable-components"
_POLICY_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}|aws):policy/.+$")
_SESSION_NAME = re.compile(r"^[\w+=,.@-]{2,64}$")
_EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$")
_DURATION = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")  # Go's time.ParseDuration
_UNIT_SECONDS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}
MIN_DURATION, MAX_DURATION = 900, 43200  # AssumeRole: 15 minutes to 12 hours

_ROLE_KEYS = (
    "roleArn",
    "sessionName",
    "externalId",
    "duration",
    "durationSeconds",
    "policy",
    "policyArns",
    "sourceIdentity",
    "tags",
    "transitiveTagKeys",
)
# The settings an explicit provider keeps in its state (its inputs, camelCase).
PROVIDER_KEYS = (
    "region",
    "profile",
    "stsRegion",
    "sharedConfigFiles",
    "sharedCredentialsFiles",
    "assumeRoles",
)


@dataclass(frozen=True, kw_only=True)
class AssumeRole:
    """One role of the chain, with the AssumeRole parameters the ``aws`` provider takes."""

    role_arn: str
    """The role to assume, ``arn:<partition>:iam::<account>:role/<name>``."""
    session_name: str | None = None
    """The role session's name. Default: the name the caller of :meth:`Identity.session`
    gives (e.g. ``immutable-refresh-<group>``)."""
    external_id: str | None = None
    """The external id the role's trust policy asks for. Default: none sent."""
    duration_seconds: int | None = None
    """The session's length, 900 to 43200 s. Default: AWS's (one hour); credentials are
    refreshed before they expire either way."""
    policy: str | None = None
    """An inline session policy (JSON) that narrows the role's permissions. Default: none."""
    policy_arns: tuple[str, ...] = ()
    """Managed session policies that narrow the role's permissions. Default: none."""
    source_identity: str | None = None
    """The source identity to set. Default: none."""
    tags: tuple[tuple[str, str], ...] = ()
    """Session tags, as ``(key, value)`` pairs. Default: none."""
    transitive_tag_keys: tuple[str, ...] = ()
    """Session tag keys that pass on to later roles of the chain. Default: none."""

    def request(self, default_session_name: str) -> dict[str, Any]:
        """The ``sts:AssumeRole`` request for this role."""
        request: dict[str, Any] = {
            "RoleArn": self.role_arn,
            "RoleSessionName": self.session_name or default_session_name,
        }
        if self.external_id is not None:
            request["ExternalId"] = self.external_id
        if self.duration_seconds is not None:
            request["DurationSeconds"] = self.duration_seconds
        if self.policy is not None:
            request["Policy"] = self.policy
        if self.policy_arns:
            request["PolicyArns"] = [{"arn": arn} for arn in self.policy_arns]
        if self.source_identity is not None:
            request["SourceIdentity"] = self.source_identity
        if self.tags:
            request["Tags"] = [{"Key": key, "Value": value} for key, value in self.tags]
        if self.transitive_tag_keys:
            request["TransitiveTagKeys"] = list(self.transitive_tag_keys)
        return request

    def to_props(self) -> dict[str, Any]:
        props: dict[str, Any] = {"roleArn": self.role_arn}
        for key, value in (
            ("sessionName", self.session_name),
            ("externalId", self.external_id),
            ("durationSeconds", self.duration_seconds),
            ("policy", self.policy),
            ("sourceIdentity", self.source_identity),
        ):
            if value is not None:
                props[key] = value
        if self.policy_arns:
            props["policyArns"] = list(self.policy_arns)
        if self.tags:
            props["tags"] = dict(self.tags)
        if self.transitive_tag_keys:
            props["transitiveTagKeys"] = list(self.transitive_tag_keys)
        return props


@dataclass(frozen=True, kw_only=True)
class Identity:
    """Who calls AWS, and where: an ``aws`` provider's identity settings, as plain values.

    Every field left at its default is boto3's default: the process's environment
    (``AWS_REGION``, ``AWS_PROFILE``, ``AWS_CONFIG_FILE``...), then SSO or an instance role.
    """

    region: str | None = None
    """The region clients are made in. Default: boto3's (``AWS_REGION``, the profile's)."""
    profile: str | None = None
    """A named profile of the shared config/credentials files. Default: ``AWS_PROFILE``, else
    the default profile."""
    sts_region: str | None = None
    """The region of the STS endpoint roles are assumed through. Default: ``region``."""
    shared_config_files: tuple[str, ...] = ()
    """The shared config file (at most one). Default: ``AWS_CONFIG_FILE``, else
    ``~/.aws/config``."""
    shared_credentials_files: tuple[str, ...] = ()
    """The shared credentials file (at most one). Default: ``AWS_SHARED_CREDENTIALS_FILE``,
    else ``~/.aws/credentials``."""
    assume_roles: tuple[AssumeRole, ...] = ()
    """Roles assumed in order, each with the credentials of the one before. Default: none,
    the base credentials act themselves."""

    # ----------------------------------------------------------------------------------
    @classmethod
    def from_stack_config(cls, config: Any) -> Identity:
        """The stack's ``aws:`` settings.

        ``config`` is what a dynamic provider's ``configure(req)`` gets (``req.config``,
        whose ``get`` takes full keys such as ``aws:region``), a ``pulumi.Config("aws")``
        (plain keys), or any mapping of full keys. Structured values may be JSON text (as
        Pulumi hands structured config over) or already parsed.
        """
        plain = getattr(config, "name", None) == "aws"  # a pulumi.Config("aws")

        def get(key: str) -> Any:
            return config.get(key if plain else f"aws:{key}")

        return _parse(get, lambda key: f"aws:{key}", legacy=True)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], where: str) -> Identity:
        """An explicit provider's settings (its inputs, camelCase); errors name ``where``."""
        return _parse(settings.get, lambda key: f"{where} {key}", legacy=False)

    @classmethod
    def from_props(cls, props: Mapping[str, Any] | None, where: str = "identity") -> Identity:
        """The inverse of :meth:`to_props` (engine floats accepted); ``None`` is the default
        identity."""
        if props is None:
            return cls()
        if not isinstance(props, Mapping):
            raise AwsIdentityError(where, props, "a mapping of identity props (camelCase)")
        unknown = sorted(set(props) - set(PROVIDER_KEYS))
        if unknown:
            raise AwsIdentityError(
                f"{where}.{unknown[0]}",
                props[unknown[0]],
                f"no such key; accepted: {PROVIDER_KEYS}",
            )
        return _parse(props.get, lambda key: f"{where}.{key}", legacy=False)

    def to_props(self) -> dict[str, Any]:
        """A dict of camelCase props, with only the settings that are set."""
        props: dict[str, Any] = {}
        for key, value in (
            ("region", self.region),
            ("profile", self.profile),
            ("stsRegion", self.sts_region),
        ):
            if value is not None:
                props[key] = value
        if self.shared_config_files:
            props["sharedConfigFiles"] = list(self.shared_config_files)
        if self.shared_credentials_files:
            props["sharedCredentialsFiles"] = list(self.shared_credentials_files)
        if self.assume_roles:
            props["assumeRoles"] = [role.to_props() for role in self.assume_roles]
        return props

    def with_role(self, role_arn: str, session_name: str | None = None) -> Identity:
        """This identity with ``role_arn`` assumed after its own chain."""
        role = AssumeRole(role_arn=role_arn, session_name=session_name)
        return replace(self, assume_roles=(*self.assume_roles, role))

    def session(self, *, session_name: str = DEFAULT_SESSION_NAME) -> boto3.session.Session:
        """A boto3 session acting as this identity, in ``region``.

        The base credentials come from ``profile`` and the shared files (else the default
        chain); each role of the chain is assumed, on first use, with the credentials of the
        one before, through STS in ``sts_region`` (else ``region``). Assumed credentials
        refresh themselves before they expire. ``session_name`` names the sessions of roles
        that do not name their own. A profile that does not exist raises
        ``botocore.exceptions.ProfileNotFound``.
        """
        import boto3
        import botocore.session
        from botocore.credentials import DeferredRefreshableCredentials

        core = botocore.session.Session()
        if self.shared_config_files:
            core.set_config_variable("config_file", _path(self.shared_config_files[0]))
        if self.shared_credentials_files:
            core.set_config_variable("credentials_file", _path(self.shared_credentials_files[0]))
        if self.profile:
            core.set_config_variable("profile", self.profile)
        current = boto3.session.Session(botocore_session=core, region_name=self.region)
        for role in self.assume_roles:
            sts = current.client("sts", region_name=self.sts_region or self.region)
            fetch = _fetcher(sts, role.request(session_name))
            following = botocore.session.Session()
            # botocore has no public setter for a session's credentials; setting
            # ``_credentials`` is the usual way, and every client made from it uses them.
            following._credentials = DeferredRefreshableCredentials(
                refresh_using=fetch, method="sts-assume-role"
            )
            current = boto3.session.Session(botocore_session=following, region_name=self.region)
        return current


def _fetcher(sts: Any, request: dict[str, Any]) -> Callable[[], dict[str, str]]:
    def fetch() -> dict[str, str]:
        credentials = sts.assume_role(**request)["Credentials"]
        return {
            "access_key": credentials["AccessKeyId"],
            "secret_key": credentials["SecretAccessKey"],
            "token": credentials["SessionToken"],
            "expiry_time": credentials["Expiration"].isoformat(),
        }

    return fetch


def _path(path: str) -> str:
    return os.path.expandvars(os.path.expanduser(path))


def acting_as(
    props: Mapping[str, Any], stack: Identity | None, session_name: str | None = None
) -> Identity:
    """Who a dynamic provider's calls for ``props`` are made as: the explicit provider's
    settings (``identity``), else the stack's ``aws:`` identity; in ``region`` when given;
    then ``roleArn``, assumed last (named ``session_name``). The rollout and the health
    gate both act this way."""
    explicit = props.get("identity")
    base = Identity.from_props(explicit) if explicit else stack or Identity()
    region = props.get("region") or base.region
    identity = replace(base, region=str(region) if region else None)
    role_arn = props.get("roleArn")
    return identity.with_role(str(role_arn), session_name) if role_arn else identity


def caller(session: Any) -> tuple[str | None, str]:
    """``(account, description)`` of the session's credentials, from ``sts:GetCallerIdentity``.

    The description reads ``account 123456789012 (arn:...)``; when STS does not answer,
    ``account`` is None and the description says why.
    """
    try:
        answer = session.client("sts").get_caller_identity()
    except Exception as error:  # any failure is reported in the message, not raised
        return None, f"an account STS did not name ({type(error).__name__}: {error})"
    account = str(answer.get("Account"))
    return account, f"account {account} ({answer.get('Arn')})"


def provider_identity(provider: pulumi.ProviderResource) -> pulumi.Output[dict[str, Any]]:
    """The identity props (:meth:`Identity.to_props`) of an explicit ``aws.Provider``.

    ``pulumi_aws.Provider`` exposes ``region`` and ``profile`` as output properties, but not
    ``assumeRoles`` or the shared files (the Python SDK drops outputs its class does not
    declare). The provider's state holds all its inputs, so it is read whole from the engine
    by URN, as a resource with ``ResourceOptions(urn=...)`` is (the engine's built-in
    ``pulumi:pulumi:getResource``, which answers from this deployment's registrations:
    pulumi/pulumi ``pkg/resource/deploy/builtins.go``). Nothing is registered.

    Settings of a shape :class:`Identity` cannot take are passed on as they are (nothing is
    raised inside an Output): the dynamic provider that receives them rejects them with
    :class:`~immutable_components.errors.AwsIdentityError` when it first acts.
    """
    import pulumi

    where = f"aws.Provider {provider._name!r}"

    async def settings(state: Any) -> tuple[dict[str, Any], bool]:
        values: dict[str, Any] = {}
        secret = False
        for key in PROVIDER_KEYS:
            output = getattr(state, key)
            # In a preview, a key the state lacks reads as unknown: skip it (the rollout's
            # diff never looks at its identity; the real value arrives on `up`).
            if not await output.is_known():
                continue
            value = await output.future()
            secret = secret or await output.is_secret()
            if value is not None:
                values[key] = value
        return values, secret

    def props(gathered: tuple[dict[str, Any], bool]) -> Any:
        values, secret = gathered
        try:
            result = Identity.from_settings(values, where).to_props()
        except AwsIdentityError:
            result = values
        # A secret among the provider's settings keeps the whole identity secret.
        return pulumi.Output.secret(result) if secret else result

    def read(urn: str) -> pulumi.Output[dict[str, Any]]:
        state = _provider_state_class()(f"{provider._name}-identity", urn)
        gathered: pulumi.Output[tuple[dict[str, Any], bool]] = pulumi.Output.from_input(
            settings(state)  # type: ignore[arg-type]  # an awaitable is an Input
        )
        return gathered.apply(props)

    return provider.urn.apply(read)


_STATE_CLASS: list[type] = []


def _provider_state_class() -> type:
    """A resource type that reads an existing resource's state by URN (made once, lazily,
    so this module imports no Pulumi SDK)."""
    if not _STATE_CLASS:
        import pulumi

        class _ProviderState(pulumi.CustomResource):
            def __init__(self, name: str, urn: str) -> None:
                props = dict.fromkeys(PROVIDER_KEYS)
                super().__init__(
                    "immutable:internal:ProviderState", name, props, pulumi.ResourceOptions(urn=urn)
                )

        _STATE_CLASS.append(_ProviderState)
    return _STATE_CLASS[0]


# --------------------------------------------------------------------------------------
# Parsing: one validating reader for stack config, provider state and props.


def _parse(get: Callable[[str], Any], label: Callable[[str], str], *, legacy: bool) -> Identity:
    region = _region(get("region"), label("region"))
    sts_region = _region(get("stsRegion"), label("stsRegion"))
    profile = _text(get("profile"), label("profile"), "a profile name")
    config_files = _files(get("sharedConfigFiles"), label("sharedConfigFiles"))
    credentials_files = _files(get("sharedCredentialsFiles"), label("sharedCredentialsFiles"))
    roles_value = _structured(get("assumeRoles"), label("assumeRoles"))
    single = _structured(get("assumeRole"), label("assumeRole")) if legacy else None
    roles: tuple[AssumeRole, ...] = ()
    if roles_value is not None and single is not None:
        raise AwsIdentityError(
            label("assumeRole"),
            single,
            f"unset when `{label('assumeRoles')}` is set: pulumi-aws v7 reads the list "
            "`assumeRoles` (v6's single `assumeRole` is its chain of one)",
        )
    if roles_value is not None:
        if not isinstance(roles_value, list):
            raise AwsIdentityError(
                label("assumeRoles"),
                roles_value,
                "a list of role objects ({roleArn, sessionName, externalId, duration, ...})",
            )
        roles = tuple(
            _role(item, f"{label('assumeRoles')}[{index}]")
            for index, item in enumerate(roles_value)
        )
    elif single is not None:
        roles = (_role(single, label("assumeRole")),)
    return Identity(
        region=region,
        profile=profile,
        sts_region=sts_region,
        shared_config_files=config_files,
        shared_credentials_files=credentials_files,
        assume_roles=roles,
    )


def _structured(value: Any, where: str) -> Any:
    """Structured settings arrive as JSON text (config, provider state) or parsed."""
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise AwsIdentityError(where, value, "a list or object (JSON text or parsed)") from None
    return value


def _region(value: Any, where: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not AWS_REGION.match(value):
        raise AwsIdentityError(where, value, "an AWS region such as 'us-east-1'")
    return value


def _text(value: Any, where: str, what: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not value.strip():
        raise AwsIdentityError(where, value, f"{what}: a non-empty string")
    return value


def _strings(value: Any, where: str, what: str) -> tuple[str, ...]:
    value = _structured(value, where)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise AwsIdentityError(where, value, f"a list of {what} (non-empty strings)")
    return tuple(value)


def _files(value: Any, where: str) -> tuple[str, ...]:
    files = _strings(value, where, "paths")
    if len(files) > 1:
        raise AwsIdentityError(
            where, list(files), "at most one path (boto3 reads one such file; merge them)"
        )
    return files


def _camel(key: Any) -> Any:
    """``role_arn`` -> ``roleArn``: a provider given plain dicts keeps their Python keys."""
    if not isinstance(key, str):
        return key
    first, *rest = key.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def _role(value: Any, where: str) -> AssumeRole:
    if not isinstance(value, Mapping):
        raise AwsIdentityError(where, value, "a role object with at least `roleArn`")
    value = {_camel(key): item for key, item in value.items()}
    unknown = sorted(set(value) - set(_ROLE_KEYS))
    if unknown:
        raise AwsIdentityError(
            f"{where}.{unknown[0]}", value[unknown[0]], f"no such key; accepted: {_ROLE_KEYS}"
        )
    arn = value.get("roleArn")
    if not isinstance(arn, str) or not ARN.match(arn) or arn.split(":")[2] != "iam":
        raise AwsIdentityError(
            f"{where}.roleArn", arn, "a role ARN, arn:<partition>:iam::<account>:role/<name>"
        )
    session_name = _matching(
        value.get("sessionName"), f"{where}.sessionName", _SESSION_NAME, "2 to 64 of [\\w+=,.@-]"
    )
    external_id = _matching(
        value.get("externalId"), f"{where}.externalId", _EXTERNAL_ID, "2 to 1224 of [\\w+=,.@:/-]"
    )
    source_identity = _matching(
        value.get("sourceIdentity"),
        f"{where}.sourceIdentity",
        _SESSION_NAME,
        "2 to 64 of [\\w+=,.@-]",
    )
    policy = _text(value.get("policy"), f"{where}.policy", "a session policy (JSON)")
    policy_arns = _strings(value.get("policyArns"), f"{where}.policyArns", "policy ARNs")
    for index, policy_arn in enumerate(policy_arns):
        if not _POLICY_ARN.match(policy_arn):
            raise AwsIdentityError(
                f"{where}.policyArns[{index}]",
                policy_arn,
                "a policy ARN, arn:<partition>:iam::<account or aws>:policy/<name>",
            )
    tags = _tags(value.get("tags"), f"{where}.tags")
    transitive = _strings(value.get("transitiveTagKeys"), f"{where}.transitiveTagKeys", "tag keys")
    return AssumeRole(
        role_arn=arn,
        session_name=session_name,
        external_id=external_id,
        duration_seconds=_duration(value, where),
        policy=policy,
        policy_arns=policy_arns,
        source_identity=source_identity,
        tags=tags,
        transitive_tag_keys=transitive,
    )


def _matching(value: Any, where: str, pattern: re.Pattern[str], accepted: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not pattern.match(value):
        raise AwsIdentityError(where, value, accepted)
    return value


def _tags(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    value = _structured(value, where)
    if value is None:
        return ()
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise AwsIdentityError(where, value, "a mapping of tag keys to string values")
    return tuple(sorted(value.items()))


def _duration(role: Mapping[str, Any], where: str) -> int | None:
    text, seconds = role.get("duration"), role.get("durationSeconds")
    if text not in (None, "") and seconds is not None:
        raise AwsIdentityError(
            f"{where}.durationSeconds", seconds, f"unset when `{where}.duration` is set"
        )
    if text not in (None, ""):
        parsed = _go_duration(text)
        if parsed is None:
            raise AwsIdentityError(
                f"{where}.duration", text, "a duration such as '1h', '90m' or '1h30m'"
            )
        total, label = parsed, f"{where}.duration"
        shown: Any = text
    elif seconds is not None:
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise AwsIdentityError(f"{where}.durationSeconds", seconds, "a whole number of seconds")
        if isinstance(seconds, float) and not seconds.is_integer():
            raise AwsIdentityError(f"{where}.durationSeconds", seconds, "a whole number of seconds")
        total, label, shown = int(seconds), f"{where}.durationSeconds", seconds
    else:
        return None
    if not MIN_DURATION <= total <= MAX_DURATION:
        raise AwsIdentityError(label, shown, "from 15 minutes to 12 hours (900 to 43200 s)")
    return total


def _go_duration(text: Any) -> int | None:
    """Whole seconds of a Go duration (``1h30m``, ``900s``, ``1.5h``), or None if not one."""
    if not isinstance(text, str):
        return None
    position, total = 0, 0.0
    for match in _DURATION.finditer(text):
        if match.start() != position:
            return None
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        position = match.end()
    if position == 0 or position != len(text):
        return None
    return int(total)
