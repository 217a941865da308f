"""Start an instance refresh towards a pinned launch template version, and wait for its end.

Plain boto3, no Pulumi engine: :class:`~immutable_components.release.refresh.InstanceRefresh`
calls this from its dynamic provider, and it can be driven by hand or from a script.

Why not the AWS provider's ``instance_refresh`` block: it updates the group's launch
template *before* it starts the refresh, so auto rollback "rolls back" to the new, bad
version; and it does not wait, so ``pulumi up`` succeeds while the rollout fails. Here the
group keeps its launch template, the refresh carries the new one as its
``DesiredConfiguration`` (AWS writes it to the group only once the refresh succeeds), and
:func:`wait_for_refresh` polls ``DescribeInstanceRefreshes`` until the refresh ends, because
AWS has no waiter for it.

Statuses (``InstanceRefreshStatus`` in the botocore model): ``Successful`` is the one good
end; ``Failed``, ``Cancelled``, ``RollbackSuccessful`` and ``RollbackFailed`` are bad ends;
``Pending``, ``InProgress``, ``Baking``, ``Cancelling`` and ``RollbackInProgress`` are still
running. A status this module does not know is treated as still running, so a new terminal
status AWS may add ends in :class:`~immutable_components.errors.RolloutTimeout`, not in a
false success.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import RolloutConflict, RolloutFailed, RolloutTimeout
from .mixed_policy import describe, desired_policy, targets
from .preferences import RefreshPreferences

__all__ = [
    "ACTIVE_STATUSES",
    "FAILED_STATUSES",
    "SUCCEEDED_STATUSES",
    "desired_configuration",
    "refresh_request",
    "start_refresh",
    "wait_for_refresh",
]

log = logging.getLogger(__name__)

SUCCEEDED_STATUSES = frozenset({"Successful"})
FAILED_STATUSES = frozenset({"Failed", "Cancelled", "RollbackSuccessful", "RollbackFailed"})
ACTIVE_STATUSES = frozenset({"Pending", "InProgress", "Baking", "Cancelling", "RollbackInProgress"})
# A running refresh we may wait on instead of starting our own: it is still moving forward.
_ADOPTABLE = frozenset({"Pending", "InProgress", "Baking"})

BACKOFF = 1.5


def refresh_request(
    asg_name: str,
    launch_template_id: str,
    version: int,
    preferences: RefreshPreferences,
    mixed_instances_policy: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The StartInstanceRefresh request: a rolling refresh towards one pinned version.

    With ``mixed_instances_policy`` (API shape, without its launch template specification, see
    :mod:`~immutable_components.release.mixed_policy`) the desired configuration is that policy
    with the template and version filled in; without, it is the launch template alone.
    """
    return {
        "AutoScalingGroupName": asg_name,
        "Strategy": "Rolling",
        "DesiredConfiguration": desired_configuration(
            launch_template_id, version, mixed_instances_policy
        ),
        "Preferences": preferences.to_api(),
    }


def desired_configuration(
    launch_template_id: str, version: int, mixed_instances_policy: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The refresh's ``DesiredConfiguration``: ``LaunchTemplate`` or ``MixedInstancesPolicy``."""
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"launch template version must be a whole number >= 1, not {version!r}")
    if mixed_instances_policy is not None:
        policy = desired_policy(mixed_instances_policy, launch_template_id, version)
        return {"MixedInstancesPolicy": policy}
    return {"LaunchTemplate": {"LaunchTemplateId": launch_template_id, "Version": str(version)}}


def start_refresh(
    client: Any,
    asg_name: str,
    launch_template_id: str,
    version: int,
    preferences: RefreshPreferences,
    mixed_instances_policy: Mapping[str, Any] | None = None,
) -> str:
    """Start a refresh of ``asg_name`` towards ``launch_template_id`` ``version``; return its id.

    ``mixed_instances_policy``: for a group with a mixed instances policy, the policy to roll to
    (see :func:`refresh_request`); AWS would replace the group's policy with a bare launch
    template otherwise.

    If AWS answers ``InstanceRefreshInProgress`` (one refresh at a time per group), the running
    refresh is looked up: when it targets the same desired configuration (launch template and
    version, and for a mixed fleet the same instance types and distribution) and is still
    moving forward (Pending, InProgress, Baking), its id is returned and the caller waits on it
    (this is how a ``pulumi up`` interrupted mid-rollout, or one that timed out, picks the
    rollout up again; its preferences may differ from ours). Any other running refresh raises
    :class:`RolloutConflict` naming it. If it ended between our two calls, we start once more.
    """
    request = refresh_request(
        asg_name, launch_template_id, version, preferences, mixed_instances_policy
    )
    wanted = request["DesiredConfiguration"]
    from botocore.exceptions import ClientError  # only where a rollout runs

    for _attempt in range(2):
        try:
            return str(client.start_instance_refresh(**request)["InstanceRefreshId"])
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "InstanceRefreshInProgress":
                raise
        running = _running_refresh(client, asg_name)
        if running is None:
            continue
        if running.get("Status") in _ADOPTABLE and targets(
            running.get("DesiredConfiguration") or {}, wanted
        ):
            refresh_id = str(running["InstanceRefreshId"])
            log.info("adopting instance refresh %s already running on %s", refresh_id, asg_name)
            return refresh_id
        raise _conflict(asg_name, running, wanted)
    raise RolloutConflict(
        f"Auto Scaling group {asg_name!r}: AWS reports an instance refresh in progress but "
        "lists none running. Run `pulumi up` again.",
        group=asg_name,
        refresh_id=None,
        status=None,
        reason="InstanceRefreshInProgress",
        percentage_complete=None,
    )


def _running_refresh(client: Any, asg_name: str) -> dict[str, Any] | None:
    # Newest first; a group runs one refresh at a time, so the running one is among the newest.
    answer = client.describe_instance_refreshes(AutoScalingGroupName=asg_name, MaxRecords=5)
    for refresh in answer.get("InstanceRefreshes", []):
        if refresh.get("Status") in ACTIVE_STATUSES:
            return dict(refresh)
    return None


def _conflict(
    asg_name: str, running: Mapping[str, Any], wanted: Mapping[str, Any]
) -> RolloutConflict:
    refresh_id = running.get("InstanceRefreshId")
    status = running.get("Status")
    towards = describe(running.get("DesiredConfiguration") or {})
    wants = describe(wanted).removeprefix("launch template ")
    return RolloutConflict(
        f"Auto Scaling group {asg_name!r} is busy with instance refresh {refresh_id} "
        f"({status}, towards {towards}); this release wants {wants}. Wait for that "
        f"refresh to end, or cancel it with `aws autoscaling cancel-instance-refresh "
        f"--auto-scaling-group-name {asg_name}`, then run `pulumi up` again.",
        group=asg_name,
        refresh_id=refresh_id,
        status=status,
        reason=running.get("StatusReason"),
        percentage_complete=running.get("PercentageComplete"),
    )


def wait_for_refresh(
    client: Any,
    asg_name: str,
    refresh_id: str,
    *,
    timeout_seconds: float,
    poll_seconds: float = 10.0,
    max_poll_seconds: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Poll until the refresh ends; return its last description when it is ``Successful``.

    One ``DescribeInstanceRefreshes`` call (filtered by id) per poll. The first poll is
    immediate; the pause then starts at ``poll_seconds`` and grows by half each time up to
    ``max_poll_seconds`` (or ``poll_seconds`` if larger), and never sleeps past the deadline;
    a last poll is made at the deadline.

    Raises:
        RolloutFailed: on Failed, Cancelled, RollbackSuccessful or RollbackFailed, with AWS's
            StatusReason (and rollback reason) and the percentage complete.
        RolloutTimeout: when ``timeout_seconds`` pass first; the refresh keeps running in AWS.
        ValueError: for a non-positive timeout or poll interval.
    """
    if timeout_seconds <= 0 or poll_seconds <= 0:
        raise ValueError("timeout_seconds and poll_seconds must be > 0")
    deadline = clock() + timeout_seconds
    delay = poll_seconds
    cap = max(max_poll_seconds, poll_seconds)
    last: dict[str, Any] | None = None
    while True:
        answer = client.describe_instance_refreshes(
            AutoScalingGroupName=asg_name, InstanceRefreshIds=[refresh_id]
        )
        for refresh in answer.get("InstanceRefreshes", []):
            if refresh.get("InstanceRefreshId") == refresh_id:
                last = dict(refresh)
        # Not listed yet right after the start (eventual consistency): keep polling.
        status = None if last is None else last.get("Status")
        if status in SUCCEEDED_STATUSES:
            return last  # type: ignore[return-value]
        if status in FAILED_STATUSES:
            raise _failed(asg_name, refresh_id, last or {})
        remaining = deadline - clock()
        if remaining <= 0:
            raise _timeout(asg_name, refresh_id, last, timeout_seconds)
        sleep(min(delay, remaining))
        delay = min(delay * BACKOFF, cap)


_WHAT_IT_MEANS = {
    "Failed": "Instances replaced so far run the new version; the rest and the group's own "
    "launch template stay on the previous one.",
    "Cancelled": "It was cancelled. Instances replaced so far run the new version; the rest "
    "and the group's own launch template stay on the previous one.",
    "RollbackSuccessful": "It was rolled back: the group runs the previous version again.",
    "RollbackFailed": "Its rollback failed too: the group may run a mix of versions.",
}


def _failed(asg_name: str, refresh_id: str, refresh: Mapping[str, Any]) -> RolloutFailed:
    status = refresh.get("Status")
    reason = refresh.get("StatusReason")
    rollback_reason = refresh.get("RollbackDetails", {}).get("RollbackReason")
    if rollback_reason and rollback_reason != reason:
        reason = f"{reason}; rollback: {rollback_reason}" if reason else rollback_reason
    if not reason:
        reason = "AWS gave no status reason"
    percent = refresh.get("PercentageComplete")
    return RolloutFailed(
        f"Instance refresh {refresh_id} of Auto Scaling group {asg_name!r} ended {status} at "
        f"{_percent(percent)} complete: {reason}. {_WHAT_IT_MEANS.get(str(status), '')} "
        f"See `aws autoscaling describe-scaling-activities --auto-scaling-group-name "
        f"{asg_name}`; the next `pulumi up` starts the rollout again.",
        group=asg_name,
        refresh_id=refresh_id,
        status=status,
        reason=reason,
        percentage_complete=percent,
    )


def _timeout(
    asg_name: str, refresh_id: str, last: Mapping[str, Any] | None, timeout_seconds: float
) -> RolloutTimeout:
    status = None if last is None else last.get("Status")
    percent = None if last is None else last.get("PercentageComplete")
    seen = f"last seen {status}, {_percent(percent)} complete" if last else "not listed yet"
    return RolloutTimeout(
        f"Gave up after {timeout_seconds:g} s waiting on instance refresh {refresh_id} of Auto "
        f"Scaling group {asg_name!r} ({seen}). It is still running in AWS. Inspect it with "
        f"`aws autoscaling describe-instance-refreshes --auto-scaling-group-name {asg_name} "
        f"--instance-refresh-ids {refresh_id}`; stop it with `aws autoscaling "
        f"cancel-instance-refresh --auto-scaling-group-name {asg_name}` or undo it with "
        f"`aws autoscaling rollback-instance-refresh --auto-scaling-group-name {asg_name}`. "
        "The next `pulumi up` waits on it again while it runs (raise timeout_minutes if "
        "rollouts are this slow).",
        group=asg_name,
        refresh_id=refresh_id,
        status=status,
        reason=None if last is None else last.get("StatusReason"),
        percentage_complete=percent,
    )


def _percent(value: Any) -> str:
    return "?%" if value is None else f"{value}%"
