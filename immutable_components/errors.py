"""The library's errors, in one place.

``ComponentInputError`` (a ``ValueError``) is raised at construction for a bad input.
``AwsIdentityError`` (a ``ValueError``) is raised for AWS identity settings (the stack's
``aws:`` config, an explicit ``aws.Provider``'s settings) of a shape the library cannot act
with. ``RolloutError`` (a ``RuntimeError``) and its subclasses are raised while a release
rolls out, by the code that runs in the Pulumi engine's dynamic-provider process during
``pulumi up``; the operation of the resource that raised them fails with their message.
``HealthGateTimeout`` (a ``RuntimeError``) is raised the same way when a BlueGreenService
colour is not healthy in time for its traffic. ``ImageConflict`` (a ``RuntimeError``) is
raised at construction when an image of a build exists but is pending or failed.

Every component validates its inputs when it is constructed, before any resource is
registered, and raises :class:`ComponentInputError` naming the component, the field,
the bad value and what is accepted. Values that are not known yet (``pulumi.Output``)
are skipped rather than guessed.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AwsIdentityError",
    "ComponentInputError",
    "HealthGateTimeout",
    "ImageConflict",
    "RolloutConflict",
    "RolloutError",
    "RolloutFailed",
    "RolloutTargetMissing",
    "RolloutTimeout",
]


class ComponentInputError(ValueError):
    """An input a component cannot accept.

    Attributes:
        component: the component's type and name, e.g. ``GoldenImage 'base'``.
        field: the input's name as the user wrote it, e.g. ``builder.instance_type``.
        value: the rejected value.
        accepted: what would have been accepted, in a few words.
    """

    def __init__(self, component: str, field: str, value: Any, accepted: str) -> None:
        self.component = component
        self.field = field
        self.value = value
        self.accepted = accepted
        super().__init__(f"{component}: `{field}` = {_show(value)} is not accepted: {accepted}")


class ImageConflict(RuntimeError):
    """An image of the build hash exists but cannot be reused or baked again: it is still
    pending (an interrupted bake) or failed. Raised at construction, so ``preview`` shows it.

    Attributes:
        image_ids: the images found.
        build_hash: the build hash they carry.
    """

    def __init__(self, message: str, *, image_ids: list[str], build_hash: str) -> None:
        self.image_ids = image_ids
        self.build_hash = build_hash
        super().__init__(message)


class AwsIdentityError(ValueError):
    """An AWS identity setting of a shape the library cannot act with.

    Attributes:
        setting: where the value came from, e.g. ``aws:assumeRoles[0].roleArn`` (stack
            config) or ``aws.Provider 'ireland' profile``.
        value: the rejected value.
        accepted: what would have been accepted, in a few words.
    """

    def __init__(self, setting: str, value: Any, accepted: str) -> None:
        self.setting = setting
        self.value = value
        self.accepted = accepted
        super().__init__(f"`{setting}` = {_show(value)} is not accepted: {accepted}")


class RolloutError(RuntimeError):
    """An instance refresh that did not end well (or is blocked, or took too long).

    Attributes:
        group: the Auto Scaling group's name.
        refresh_id: the instance refresh's id (``None`` when none was started).
        status: the refresh's last seen status, e.g. ``Failed`` or ``RollbackSuccessful``.
        reason: AWS's ``StatusReason`` (or our explanation when AWS gave none).
        percentage_complete: the last seen ``PercentageComplete`` (``None`` if unknown).
    """

    def __init__(
        self,
        message: str,
        *,
        group: str,
        refresh_id: str | None,
        status: str | None,
        reason: str | None,
        percentage_complete: int | None,
    ) -> None:
        self.group = group
        self.refresh_id = refresh_id
        self.status = status
        self.reason = reason
        self.percentage_complete = percentage_complete
        super().__init__(message)


class RolloutFailed(RolloutError):
    """The refresh ended Failed, Cancelled, RollbackSuccessful or RollbackFailed."""


class RolloutTimeout(RolloutError):
    """The wait ran out; the refresh is still running in AWS."""


class RolloutConflict(RolloutError):
    """Another instance refresh, for a different target, is running on the group."""


class RolloutTargetMissing(RolloutError):
    """The rollout's identity does not see its Auto Scaling group: another account or region.

    Attributes (besides :class:`RolloutError`'s): ``region``, the region asked, and
    ``account``, the account the credentials belong to (``None`` when STS did not say).
    """

    def __init__(self, message: str, *, group: str, region: str, account: str | None) -> None:
        self.region = region
        self.account = account
        super().__init__(
            message,
            group=group,
            refresh_id=None,
            status=None,
            reason="group not found",
            percentage_complete=None,
        )


class HealthGateTimeout(RuntimeError):
    """A colour's target group did not have enough healthy targets in time; traffic did not
    move to it (the listener depends on the gate that raised this).

    Attributes:
        target_group_arn: the colour's target group.
        color: ``blue`` or ``green``.
        required: the healthy targets the gate waited for (``min_healthy_targets``).
        healthy: the healthy targets at the last look.
        states: targets per state at the last look, e.g. ``{"healthy": 1, "unhealthy": 1}``.
        reasons: targets per ``<Reason>: <Description>`` at the last look, e.g.
            ``{"Target.Timeout: Request timed out": 1}``.
    """

    def __init__(
        self,
        message: str,
        *,
        target_group_arn: str,
        color: str,
        required: int,
        healthy: int,
        states: dict[str, int],
        reasons: dict[str, int],
    ) -> None:
        self.target_group_arn = target_group_arn
        self.color = color
        self.required = required
        self.healthy = healthy
        self.states = states
        self.reasons = reasons
        super().__init__(message)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
