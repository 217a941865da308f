"""The approved set, as :class:`~immutable_components.drift_rule.DriftRule` hands it to a
cloud's build, and what the build hands back.

The ids come from ``approved_image_ids`` (each a string or an Output) and
``approved_image_sets`` (each a list or an Output of one, e.g. a GoldenImage's
``approved_image_ids``). When every id is a string at construction the set is ``known``
there, and a cloud decides from it at once (the AWS rule kind, the policy size); otherwise
the checks of the ids that were not known run when they resolve, under the same names.
"""

import dataclasses
from collections.abc import Sequence
from typing import Any

import pulumi

from .._validate import Check, is_unknown
from .args import DriftRuleArgs, check_image, check_set

__all__ = ["Approved", "DriftResult", "collect"]


@dataclasses.dataclass(frozen=True)
class Approved:
    """The approved ids, de-duplicated, in the order given."""

    ids: pulumi.Output[list[str]]
    known: list[str] | None
    """The same ids when all of them are known at construction, else ``None``."""


@dataclasses.dataclass(frozen=True)
class DriftResult:
    """What a cloud's build hands back to DriftRule."""

    rule_names: pulumi.Output[list[str]]
    topic_arn: pulumi.Output[str]


def collect(check: Check, cloud: str, args: DriftRuleArgs) -> Approved:
    """The approved set of ``args`` (already validated where known, see ``args.validate``)."""
    ids: Sequence[Any] = args.approved_image_ids or ()
    sets: Sequence[Any] = args.approved_image_sets or ()
    if not any(is_unknown(i) for i in ids) and not any(is_unknown(s) for s in sets):
        known = _unique([*ids, *(i for s in sets for i in s)])
        return Approved(ids=pulumi.Output.from_input(known), known=known)

    def resolved(values: list[Any]) -> list[str]:
        flat: list[str] = []
        for i, value in enumerate(values[: len(ids)]):
            if is_unknown(ids[i]):  # not checked at construction
                check_image(check, cloud, f"approved_image_ids[{i}]", value)
            flat.append(value)
        for i, value in enumerate(values[len(ids) :]):
            if is_unknown(sets[i]):
                check_set(check, cloud, f"approved_image_sets[{i}]", value)
            flat.extend(value)
        return _unique(flat)

    entries = [pulumi.Output.from_input(e) for e in (*ids, *sets)]
    return Approved(ids=pulumi.Output.all(*entries).apply(resolved), known=None)


def _unique(ids: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(ids))
