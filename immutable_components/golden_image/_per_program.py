"""A value computed once per program run: a source image looked up at construction.

A builder is a plain value a program may keep across runs in one process (an Automation
API program, a sequence test's successive deployments): a lookup cached on the builder
would never see a vendor publish a newer image. The cache is keyed by the run's root stack
resource, so each run asks each distinct question once (two GoldenImages following one
family ask once).
"""

import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import pulumi

T = TypeVar("T")

_ANSWERS: "weakref.WeakKeyDictionary[Any, dict[Hashable, Any]]" = weakref.WeakKeyDictionary()


def per_program(question: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once per program run for ``question`` (e.g. the lookup's fields)."""
    root = pulumi.runtime.get_root_resource()
    if root is None:
        return compute()
    answers = _ANSWERS.setdefault(root, {})
    if question not in answers:
        answers[question] = compute()
    return answers[question]  # type: ignore[no-any-return]
