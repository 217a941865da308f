"""Lazy package exports (PEP 562), the one mechanism every package ``__init__`` uses.

A package lists ``name -> module`` (relative to itself) and gets a module ``__getattr__``
that imports the module on first use of the name (then caches it in the package's
namespace) and a ``__dir__`` that lists every export. Importing the package itself imports
nothing else, so a program pays only for the names it uses: an AWS-only program never
imports the GCP or Azure code, a GCP-only one never the AWS code. Type checkers see the
names through the package's ``if TYPE_CHECKING:`` imports.
"""

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package`` serving ``exports`` (name -> module)."""
    table = dict(exports)

    def __getattr__(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(table))

    return __getattr__, __dir__
