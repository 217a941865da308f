"""``InstanceRefresh``: a Pulumi dynamic resource that rolls a group to a version and waits.

The fleet keeps its Auto Scaling group's ``launchTemplate`` under ``ignore_changes`` and
hands the pinned version to this resource instead:

- **create** starts nothing: the group was just created on this version. It checks that its
  identity sees the group (``DescribeAutoScalingGroups`` in the group's region) and records
  the version; a group missing there (credentials of another account, another region)
  fails the first ``pulumi up`` with :class:`~immutable_components.errors.RolloutTargetMissing`,
  naming the group, the region and the account the credentials belong to, instead of the
  first release.
- **diff** proposes an update only when the launch template id or version, or the mixed
  instances policy (instance types, distribution), changes; a new group name or region
  replaces the resource (a new group starts on its version, so the
  replacement's create starts nothing either). A change of preferences, timeout, poll
  interval, role or identity alone is *no change*: nothing would happen in AWS, so a preview
  shows nothing; the new values are used by the next rollout.
- **update** starts a rolling instance refresh with the new launch template and version (with
  ``mixed_instances_policy``: that policy, naming them) as its ``DesiredConfiguration`` and
  waits until it ends (see
  :mod:`~immutable_components.release.rollout`). On Failed, Cancelled, RollbackSuccessful
  or RollbackFailed, or when ``timeout_minutes`` pass, it raises, so the Pulumi update fails
  with AWS's status reason, and the state keeps the old version: the next ``pulumi up``
  tries again (and adopts the refresh if it is still running towards the same version).
- **delete** and **read** do nothing: there is nothing in AWS to delete or read back.

Where it runs, and as whom: a Python dynamic provider does not run in the program's
process. The engine starts a separate provider process (``pulumi-python``'s dynamic
provider host) and unpickles this provider there, with the CLI's environment only, so
boto3's default chain there knows nothing of the ``aws`` provider's settings. The identity
is therefore carried over (see :mod:`immutable_components._aws_identity`):

- with the default ``aws`` provider, the provider's ``configure()`` reads the stack's
  ``aws:`` config, which the engine hands to dynamic providers: ``aws:region``,
  ``aws:profile``, ``aws:sharedConfigFiles``, ``aws:sharedCredentialsFiles``,
  ``aws:stsRegion`` and the role chain ``aws:assumeRoles`` (or v6's ``aws:assumeRole``);
- with an explicit ``aws.Provider``, ``identity`` carries that provider's settings (an
  explicit provider does not read the stack's ``aws:`` config, so neither does the rollout);
  ``LaunchTemplateRelease`` passes them for the provider its group uses;
- ``role_arn``, when given, is assumed last, after the chain (session name
  ``immutable-refresh-<group>``, as for chain roles that name none);
- ``region`` (an input; default ``identity``'s region, else the stack's ``aws:region``) is
  where the clients are made.

Static keys (``aws:accessKey``, an explicit provider's ``access_key``) are not carried: the
process's environment then applies, and a wrong account fails at create. Assumed
credentials refresh themselves before they expire (a rollout can outlast a role session's
hour). The provider is pickled by reference (module-level class, no state), so this library
must be importable where ``pulumi up`` runs (it is, if the program imports it).
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi.dynamic

from .._aws_identity import Identity, acting_as, caller
from .._validate import Check, is_unknown
from ..errors import AwsIdentityError, RolloutTargetMissing
from .mixed_policy import plain, validate_policy
from .preferences import RefreshPreferences, validate_preferences, whole
from .rollout import start_refresh, wait_for_refresh

__all__ = ["InstanceRefresh", "InstanceRefreshArgs", "InstanceRefreshProvider"]

LAUNCH_TEMPLATE_ID = re.compile(r"^lt-[0-9a-f]{8}([0-9a-f]{9})?$")

# Python attribute name -> property name on the wire (what the engine, mocks and plans see).
_WIRE = {
    "auto_scaling_group_name": "autoScalingGroupName",
    "launch_template_id": "launchTemplateId",
    "launch_template_version": "launchTemplateVersion",
    "mixed_instances_policy": "mixedInstancesPolicy",
    "preferences": "preferences",
    "region": "region",
    "role_arn": "roleArn",
    "identity": "identity",
    "timeout_minutes": "timeoutMinutes",
    "poll_seconds": "pollSeconds",
    "last_refresh_id": "lastRefreshId",
    "last_refresh_status": "lastRefreshStatus",
}
_PYTHON = {wire: name for name, wire in _WIRE.items()}
_INPUTS = tuple(wire for name, wire in _WIRE.items() if not name.startswith("last_refresh_"))
_REPLACE_ON = ("autoScalingGroupName", "region")
_ROLL_ON = ("launchTemplateId", "launchTemplateVersion", "mixedInstancesPolicy")

# Looked up at call time, so tests can swap them.
_sleep = time.sleep
_clock = time.monotonic


@dataclass(frozen=True, kw_only=True)
class InstanceRefreshArgs:
    """Inputs of :class:`InstanceRefresh`."""

    auto_scaling_group_name: pulumi.Input[str]
    """The group to roll: pass the group resource's ``name`` output, so a replaced group
    (new name) replaces this resource too."""

    launch_template_id: pulumi.Input[str]
    """The launch template to roll to, ``lt-...``."""

    launch_template_version: pulumi.Input[int]
    """The numbered version to roll to, e.g. the launch template's ``latest_version``.
    ``$Latest`` and ``$Default`` are refused: they never start a refresh and cannot roll back."""

    mixed_instances_policy: Mapping[str, Any] | None = None
    """For a group with a mixed instances policy: the policy to roll it to, as a plain mapping in
    the AWS API's shape *without* its launch template specification, e.g.
    ``{"LaunchTemplate": {"Overrides": [{"InstanceType": "m7g.large"}, {"InstanceType":
    "m6g.large"}]}, "InstancesDistribution": {"OnDemandBaseCapacity": 0}}``. The refresh's
    ``DesiredConfiguration`` is then this policy with ``launch_template_id`` and
    ``launch_template_version`` filled in (AWS writes it to the group when the refresh
    succeeds). Overrides name an ``InstanceType`` only, 1 to 40 distinct ones. A change of the
    policy alone (e.g. the types) rolls the group too. Default: None, the desired configuration
    is the launch template alone, which on a group with a mixed instances policy would replace
    that policy."""

    preferences: RefreshPreferences = field(default_factory=RefreshPreferences)
    """How instances are replaced. Default: 90 % kept healthy, skip matching and auto
    rollback on (see :class:`RefreshPreferences`)."""

    region: pulumi.Input[str] | None = None
    """The group's region. Default: ``identity``'s region, else the stack's ``aws:region``."""

    role_arn: pulumi.Input[str] | None = None
    """An IAM role to assume (session name ``immutable-refresh-<group>``) for the refresh
    calls, after the identity's own role chain. Default: none, the identity acts itself."""

    identity: Identity | pulumi.Input[Mapping[str, Any]] | None = None
    """The settings of the explicit ``aws.Provider`` the group was made with: an
    :class:`~immutable_components._aws_identity.Identity`, or its props, e.g.
    ``provider_identity(provider)`` (an Output; both in ``immutable_components.release``).
    They replace the stack's ``aws:`` config, as an explicit provider does. Default: None,
    the stack's ``aws:`` config (the default provider's identity), read by the provider's
    ``configure()``."""

    timeout_minutes: int = 60
    """How long ``pulumi up`` waits for a rollout before failing; the refresh then keeps
    running in AWS. Must exceed the pauses the preferences impose (checkpoints, bake time).
    Default: 60 minutes."""

    poll_seconds: int = 10
    """The first pause between status polls, 1 to 300; pauses grow by half up to 30 s (or
    this value, if larger). Default: 10 seconds."""

    def validate(self, check: Check, region: Any) -> None:
        """Raise ComponentInputError for the first bad input (unknown Outputs are skipped)."""
        check.non_empty_str("auto_scaling_group_name", self.auto_scaling_group_name)
        name = self.auto_scaling_group_name
        if isinstance(name, str) and len(name) > 255:
            check.fail("auto_scaling_group_name", name, "a group name of at most 255 characters")
        check.matches(
            "launch_template_id",
            self.launch_template_id,
            LAUNCH_TEMPLATE_ID,
            "a launch template id: 'lt-' and 8 or 17 hex digits",
        )
        version = self.launch_template_version
        if not is_unknown(version) and (
            isinstance(version, bool) or not isinstance(version, int) or version < 1
        ):
            check.fail(
                "launch_template_version",
                version,
                "a version number >= 1, e.g. the launch template's latest_version "
                "('$Latest' and '$Default' never start a refresh)",
            )
        validate_policy(check, "mixed_instances_policy", self.mixed_instances_policy)
        validate_preferences(check, self.preferences, "preferences")
        if region is None:
            check.fail("region", region, "an AWS region, or the stack config `aws:region`")
        check.aws_region("region", region)
        if self.role_arn is not None:
            check.arn("role_arn", self.role_arn, service="iam")
        identity_props(check, self.identity)
        check.int_range("timeout_minutes", self.timeout_minutes, 1)
        pauses = self.preferences.minimum_wait_seconds()
        if isinstance(self.timeout_minutes, int) and self.timeout_minutes * 60 <= pauses:
            check.fail(
                "timeout_minutes",
                self.timeout_minutes,
                f"more than the {pauses} s every refresh pauses for checkpoints and bake "
                f"time, i.e. >= {pauses // 60 + 1}",
            )
        check.int_range("poll_seconds", self.poll_seconds, 1, 300)


class InstanceRefreshProvider(pulumi.dynamic.ResourceProvider):
    """The dynamic provider behind :class:`InstanceRefresh` (see the module docstring).

    Module-level and without state when it is pickled (in the program), so Pulumi's serializer
    (dill) pickles it by reference; in the provider process ``configure()`` adds the stack's
    identity. The boto3 clients are made inside each call.
    """

    serialize_as_secret_always = False  # it captures nothing secret

    # Set by configure() in the provider process; None until then (the default chain).
    _stack_identity: Identity | None = None

    def configure(self, req: pulumi.dynamic.ConfigureRequest) -> None:
        """Read the stack's ``aws:`` config: the default provider's identity.

        Raises :class:`~immutable_components.errors.AwsIdentityError` for a setting of a
        shape the rollout cannot act with, so every operation fails with that message.
        """
        self._stack_identity = Identity.from_stack_config(req.config)

    def identity(self, props: Mapping[str, Any]) -> Identity:
        """Who the calls for ``props`` are made as: the explicit provider's settings
        (``identity``), else the stack's; in ``region``; then ``roleArn``, assumed last."""
        group = str(props["autoScalingGroupName"])
        return acting_as(props, self._stack_identity, session_name(group))

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        """Start nothing: the group was created on this version. Check that the identity
        sees the group in its region (raise :class:`RolloutTargetMissing` if not); record it."""
        group = str(props["autoScalingGroupName"])
        identity = self.identity(props)
        session = aws_session(identity, group)
        verify_group(autoscaling_client(session), session, group, identity.region)
        outs = _inputs(props)
        outs.update(lastRefreshId=None, lastRefreshStatus=None)
        return pulumi.dynamic.CreateResult(id_=group, outs=outs)

    def diff(
        self, _id: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> pulumi.dynamic.DiffResult:
        """Roll on a new template id, version or mixed policy; replace on a new group or region."""
        replaces = [key for key in _REPLACE_ON if olds.get(key) != news.get(key)]
        changes = bool(replaces) or _target_changed(olds, news)
        return pulumi.dynamic.DiffResult(
            changes=changes, replaces=replaces, delete_before_replace=False
        )

    def update(
        self, _id: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> pulumi.dynamic.UpdateResult:
        """Start the refresh towards the new version and wait for its end; raise on a bad one."""
        outs = _inputs(news)
        if not _target_changed(olds, news):
            outs.update(
                lastRefreshId=olds.get("lastRefreshId"),
                lastRefreshStatus=olds.get("lastRefreshStatus"),
            )
            return pulumi.dynamic.UpdateResult(outs=outs)
        group = str(news["autoScalingGroupName"])
        version = whole(news["launchTemplateVersion"])
        if isinstance(version, bool) or not isinstance(version, int):
            raise ValueError(f"launchTemplateVersion must be a whole number, not {version!r}")
        client = autoscaling_client(aws_session(self.identity(news), group))
        refresh_id = start_refresh(
            client,
            group,
            str(news["launchTemplateId"]),
            version,
            RefreshPreferences.from_api(news.get("preferences") or {}),
            news.get("mixedInstancesPolicy"),
        )
        final = wait_for_refresh(
            client,
            group,
            refresh_id,
            timeout_seconds=float(news.get("timeoutMinutes") or 60) * 60,
            poll_seconds=float(news.get("pollSeconds") or 10),
            sleep=_sleep,
            clock=_clock,
        )
        outs.update(lastRefreshId=refresh_id, lastRefreshStatus=final.get("Status"))
        return pulumi.dynamic.UpdateResult(outs=outs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Nothing to delete: a finished refresh is history, the group is the fleet's."""


def _inputs(props: dict[str, Any]) -> dict[str, Any]:
    return {key: props[key] for key in _INPUTS if key in props}


def _target_changed(olds: dict[str, Any], news: dict[str, Any]) -> bool:
    # Unknown news (preview, while the launch template changes) differ from any old value.
    # The mixed policy is compared whole; an old state without one has None.
    return any(plain(olds.get(key)) != plain(news.get(key)) for key in _ROLL_ON)


def session_name(group: str) -> str:
    """A deterministic AssumeRole session name: 2-64 characters of ``[\\w+=,.@-]``."""
    return re.sub(r"[^A-Za-z0-9_+=,.@-]", "-", f"immutable-refresh-{group}")[:64]


def aws_session(identity: Identity, group: str) -> Any:
    """A boto3 session acting as ``identity`` (see :meth:`Identity.session`); roles that name
    no session are named ``immutable-refresh-<group>``."""
    return identity.session(session_name=session_name(group))


def autoscaling_client(session: Any) -> Any:
    """An autoscaling client with standard retries (throttling during a long wait)."""
    from botocore.config import Config  # only where a rollout runs (the provider's process)

    config = Config(retries={"mode": "standard", "total_max_attempts": 10})
    return session.client("autoscaling", config=config)


def verify_group(client: Any, session: Any, group: str, region: str | None) -> None:
    """Raise :class:`RolloutTargetMissing` unless ``group`` is among the groups ``client``
    sees (one ``DescribeAutoScalingGroups``), naming the region and the account (STS)."""
    answer = client.describe_auto_scaling_groups(AutoScalingGroupNames=[group])
    if any(g.get("AutoScalingGroupName") == group for g in answer.get("AutoScalingGroups", [])):
        return
    where = region or client.meta.region_name
    account, who = caller(session)
    raise RolloutTargetMissing(
        f"Auto Scaling group {group!r} is not in region {where} of {who}: the rollout's "
        "identity does not see the group it is to roll. It acts as the stack's `aws` "
        "provider (`aws:region`, `aws:profile`, `aws:assumeRoles`, or an explicit "
        "provider's settings; then `role_arn`), with the CLI's environment beneath; check "
        "that these name the account and region the group was created in.",
        group=group,
        region=str(where),
        account=account,
    )


def identity_props(check: Check, identity: Any) -> Any:
    """``identity`` as the resource's ``identity`` input (props, or an Output of them);
    a plain value of a bad shape fails ``check`` naming the setting."""
    if identity is None or is_unknown(identity):
        return identity
    if isinstance(identity, Identity):
        identity = identity.to_props()
    if not isinstance(identity, Mapping):
        check.fail("identity", identity, "an Identity, or its props (a mapping)")
    if _has_unknown(identity):
        return dict(identity)
    try:
        return Identity.from_props(identity).to_props()
    except AwsIdentityError as error:
        check.fail(error.setting, error.value, error.accepted)


def _has_unknown(value: Any) -> bool:
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(_has_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_unknown(v) for v in value)
    return False


def _region_of(identity: Any) -> Any:
    if isinstance(identity, Identity):
        return identity.region
    if isinstance(identity, Mapping):
        return identity.get("region")
    return None


class InstanceRefresh(pulumi.dynamic.Resource, module="immutable", name="InstanceRefresh"):
    """Rolls an Auto Scaling group to a pinned launch template version, and waits.

    Type token ``pulumi-python:dynamic/immutable:InstanceRefresh``. Inputs are validated
    here, before anything is registered (ComponentInputError names the field).
    """

    auto_scaling_group_name: pulumi.Output[str]
    launch_template_id: pulumi.Output[str]
    launch_template_version: pulumi.Output[int]
    """The version the group was last rolled to (or created on)."""
    mixed_instances_policy: pulumi.Output[dict[str, Any] | None]
    """The mixed instances policy the group was last rolled to (or created with), or None."""
    last_refresh_id: pulumi.Output[str | None]
    """The id of the last refresh this resource ran; None until the first rollout."""
    last_refresh_status: pulumi.Output[str | None]
    """``Successful`` after a rollout (a bad end fails the update instead); None before."""

    def __init__(
        self,
        name: str,
        args: InstanceRefreshArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        check = Check("InstanceRefresh", name)
        region = args.region
        if region is None:
            region = _region_of(args.identity)
        if region is None:
            region = pulumi.Config("aws").get("region")
        args.validate(check, region)
        props: dict[str, Any] = {
            "auto_scaling_group_name": args.auto_scaling_group_name,
            "launch_template_id": args.launch_template_id,
            "launch_template_version": args.launch_template_version,
            "mixed_instances_policy": plain(args.mixed_instances_policy),
            "preferences": args.preferences.to_api(),
            "region": region,
            "role_arn": args.role_arn,
            "identity": identity_props(check, args.identity),
            "timeout_minutes": args.timeout_minutes,
            "poll_seconds": args.poll_seconds,
            "last_refresh_id": None,
            "last_refresh_status": None,
        }
        super().__init__(InstanceRefreshProvider(), name, props, opts)

    def translate_input_property(self, prop: str) -> str:
        return _WIRE.get(prop, prop)

    def translate_output_property(self, prop: str) -> str:
        return _PYTHON.get(prop, prop)
