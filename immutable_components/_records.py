"""Args records: the one shape every component's inputs take.

A component's ``args`` (and every record inside them) is a frozen, keyword-only dataclass
deriving from :class:`Record`: pure data, in the shape Pulumi's component analyzer
(``pulumi.provider.experimental``) publishes as a schema for TypeScript, Go, C# and YAML
callers. The rules, which ``tests/test_provider_schema.py`` enforces through the analyzer:

* real annotations (no ``from __future__ import annotations`` in a module that defines a
  record or a component: the analyzer cannot read string annotations);
* ``pulumi.Input[T]`` where a value may come from another resource;
* a field with a default is annotated :data:`Defaulted` ``[T]`` (the schema marks it
  optional, the docstring says the default as behaviour) and ``None`` or a missing key means
  that default; a field whose default is "nothing" is ``Optional[T] = None``;
* no unions, callables or Protocol objects: a variant is an explicit field (per-cloud
  optional blocks) or a ``str`` :class:`~enum.Enum`;
* type names unique across the package (the schema has one ``index`` module).

:func:`build` makes a record from either a record instance (Python keyword arguments) or a
mapping of its snake_case field names (what a component provider's ``construct`` hands the
component, nested records as nested dicts), so the same checks run whichever way the inputs
came.
"""

import dataclasses
import enum
import functools
import inspect
import types
import typing
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Optional, TypeVar

from ._validate import Check, is_unknown

if TYPE_CHECKING:
    # For the type checker a defaulted field holds its value type: Record fills the default.
    from typing import Union as Defaulted
else:
    #: ``Defaulted[T]``: a field with a default. The analyzer sees ``Optional[T]`` (optional in
    #: the schema); the type checker sees ``T``, which is what the field holds once the record
    #: is built (``None`` is replaced by the field's default).
    Defaulted = Optional

__all__ = ["Defaulted", "Record", "build", "field_names"]

R = TypeVar("R", bound="Record")


class Record:
    """Base of every args record: ``None`` given for a field with a default means the default."""

    def __post_init__(self) -> None:
        for item in dataclasses.fields(self):  # type: ignore[arg-type]
            if getattr(self, item.name) is not None:
                continue
            if item.default is not dataclasses.MISSING and item.default is not None:
                object.__setattr__(self, item.name, item.default)
            elif item.default_factory is not dataclasses.MISSING:
                object.__setattr__(self, item.name, item.default_factory())


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    # Not typing.get_type_hints: pulumi.Input holds a ForwardRef to "Output[T]" it cannot
    # evaluate. Records have real annotations (see the module docs), read as they are.
    if cls not in _HINTS:
        hints: dict[str, Any] = {}
        for base in reversed(cls.__mro__):
            hints.update(inspect.get_annotations(base))
        _HINTS[cls] = hints
    return _HINTS[cls]


def field_names(cls: type) -> tuple[str, ...]:
    """The record's field names, in declaration order."""
    return tuple(f.name for f in dataclasses.fields(cls))


def _required(cls: type) -> list[str]:
    return [
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]


def build(cls: type[R], value: Any, check: Check, label: str = "") -> R:
    """``value`` as a ``cls``: a ``cls`` instance (records nested in it given as mappings are
    built too) or a mapping of its field names. Anything else, an unknown field, a missing
    required field, a bad enum value or an Output where a record is expected fails through
    ``check`` under ``label`` (the field path; empty for a component's ``args``)."""
    hints = _hints(cls)
    if isinstance(value, cls):
        changes = {}
        for name in field_names(cls):
            current = getattr(value, name)
            converted = _convert(hints[name], current, check, _at(label, name))
            if converted is not current:
                changes[name] = converted
        return dataclasses.replace(value, **changes) if changes else value  # type: ignore[type-var]
    if is_unknown(value):
        check.fail(label or "args", value, f"a {cls.__name__} known at construction, not an Output")
    if not isinstance(value, Mapping):
        check.fail(label or "args", value, f"a {cls.__name__}(...) or a mapping of its fields")
    known = field_names(cls)
    for key in value:
        if key not in known:
            accepted = f"a field of {cls.__name__}: " + ", ".join(known)
            check.fail(_at(label, str(key)), value[key], accepted)
    for name in _required(cls):
        if value.get(name) is None:
            check.fail(_at(label, name), None, "a value: the field is required")
    kwargs = {
        name: _convert(hints[name], item, check, _at(label, name)) for name, item in value.items()
    }
    return cls(**kwargs)


def _at(label: str, name: str) -> str:
    return f"{label}.{name}" if label else name


def _convert(hint: Any, value: Any, check: Check, label: str) -> Any:
    """Records and enums inside ``value`` built from mappings and strings, whole floats where
    an ``int`` is expected made ints; anything else is returned as it is (its checks are the
    component's)."""
    if value is None or is_unknown(value):
        return value
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        for option in options:  # pulumi.Input[T]: T, Awaitable[T], Output[T]
            if _needs_conversion(option):
                return _convert(option, value, check, label)
        return value
    if hint is int:
        # The engine carries numbers as floats (and the provider's construct passes them on).
        return int(value) if isinstance(value, float) and value.is_integer() else value
    if isinstance(hint, type) and issubclass(hint, Record):
        return build(hint, value, check, label)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        if isinstance(value, hint):
            return value
        try:
            return hint(value)
        except ValueError:
            check.fail(label, value, "one of " + ", ".join(repr(m.value) for m in hint))
    args = typing.get_args(hint)
    if origin in (list, Sequence, tuple) and args and _needs_conversion(args[0]):
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            return value
        items = [_convert(args[0], item, check, f"{label}[{i}]") for i, item in enumerate(value)]
        return items if not isinstance(value, tuple) else tuple(items)
    if origin in (dict, Mapping) and len(args) == 2 and _needs_conversion(args[1]):
        if not isinstance(value, Mapping):
            return value
        return {k: _convert(args[1], v, check, f"{label}[{k!r}]") for k, v in value.items()}
    return value


@functools.cache
def _needs_conversion(hint: Any) -> bool:
    if hint is int:
        return True
    if isinstance(hint, type):
        return issubclass(hint, (Record, enum.Enum))
    return any(
        _needs_conversion(a)
        for a in typing.get_args(hint)
        if a is not type(None) and not isinstance(a, typing.ForwardRef)
    )
