"""The library's one error type.

Every component validates its inputs when it is constructed, before any resource is
registered, and raises :class:`ComponentInputError` naming the component, the field,
the bad value and what is accepted. Values that are not known yet (``pulumi.Output``)
are skipped rather than guessed.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ComponentInputError"]


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


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
