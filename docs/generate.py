"""Regenerate the generated parts of the pages in docs/ from the source.

Each page holds hand-written prose and generated blocks between markers::

    <!-- BEGIN GENERATED: inputs GoldenImage -->
    ...
    <!-- END GENERATED -->

Block kinds:

``inputs <Component>``
    the component's ``args`` record (found from the ``args`` annotation of its
    ``__init__``) and every record reachable from its fields, one table each;
``outputs <Component>``
    the component's ``pulumi.Output[...]`` class annotations;
``record <Record>``
    one record and the records reachable from it;
``help <command ...>``
    the ``--help`` text of ``immutable`` or one of its sub-commands, from the argparse
    parsers.

Records and outputs are read from the source files with :mod:`ast`, the way Pulumi's
component analyzer reads them: a field is a class-level annotated name (``ClassVar``
excluded, dataclass bases included) and its description is the string literal right after
it. Nothing is imported to read them, so the tables follow whatever the source says, and no
field name is listed here. Within one page a record is rendered once (the first block that
reaches it); later blocks link to it.

Usage (from the repository root)::

    python docs/generate.py          # rewrite the pages in place
    python docs/generate.py --check  # exit 1, listing the stale blocks, when a page is out of date
"""

import argparse
import ast
import inspect
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "immutable_components"
DOCS = ROOT / "docs"

BEGIN = re.compile(r"<!-- BEGIN GENERATED: (?P<spec>[^>]*?) -->\n")
END = "<!-- END GENERATED -->"
HELP_COLUMNS = "88"


# -- reading the package ------------------------------------------------------------------


@dataclass
class Module:
    name: str
    path: Path
    tree: ast.Module
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    #: local name -> (absolute module, name in it or "" for the module itself)
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: module-level assignments (type aliases, constants)
    assigns: dict[str, ast.expr] = field(default_factory=dict)


@dataclass(frozen=True)
class ClassRef:
    module: str
    name: str


def _top_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Module statements, including those under ``if`` / ``try`` (``TYPE_CHECKING`` imports)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, ast.If):
            yield from _top_level(stmt.body)
            yield from _top_level(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            yield from _top_level(stmt.body)
            for handler in stmt.handlers:
                yield from _top_level(handler.body)


class Index:
    """Every module of the package, parsed, with its classes, imports and aliases."""

    def __init__(self, root: Path = ROOT, package: str = PACKAGE) -> None:
        self.package = package
        self.modules: dict[str, Module] = {}
        base = root / package
        for path in sorted(base.rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            name = ".".join(parts)
            tree = ast.parse(path.read_text(), filename=str(path))
            module = Module(name, path, tree)
            is_package = path.name == "__init__.py"
            for stmt in _top_level(tree.body):
                if isinstance(stmt, ast.ClassDef):
                    module.classes[stmt.name] = stmt
                elif isinstance(stmt, ast.ImportFrom):
                    source = _absolute(name, is_package, stmt.module, stmt.level)
                    for alias in stmt.names:
                        module.imports[alias.asname or alias.name] = (source, alias.name)
                elif isinstance(stmt, ast.Import):
                    for alias in stmt.names:
                        module.imports[alias.asname or alias.name.split(".")[0]] = (
                            alias.name if alias.asname else alias.name.split(".")[0],
                            "",
                        )
                elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                    target = stmt.targets[0]
                    if isinstance(target, ast.Name):
                        module.assigns[target.id] = stmt.value
                elif (
                    isinstance(stmt, ast.AnnAssign)
                    and isinstance(stmt.target, ast.Name)
                    and stmt.value is not None
                ):
                    module.assigns[stmt.target.id] = stmt.value
            self.modules[name] = module

    # -- name resolution

    def resolve(self, module: str, name: str, depth: int = 0) -> ClassRef | ast.expr | None:
        """What ``name`` is in ``module``: a class of the package, a module-level expression
        (an alias or a constant) or None (not the package's)."""
        mod = self.modules.get(module)
        if mod is None or depth > 20:
            return None
        if name in mod.classes:
            return ClassRef(module, name)
        if name in mod.assigns:
            return mod.assigns[name]
        if name in mod.imports:
            source, original = mod.imports[name]
            if not original:
                return None
            if f"{source}.{original}" in self.modules:  # ``from . import module``
                return None
            return self.resolve(source, original, depth + 1)
        return self._in_submodules(module, name)

    def _in_submodules(self, package: str, name: str) -> ClassRef | None:
        """A class a package exports lazily (a name -> module table, ``__getattr__``): the
        one class of that name in its submodules, nearest first."""
        prefix = package + "."
        for depth in (1, 2, 3):
            matches = [
                ClassRef(m.name, name)
                for m in self.modules.values()
                if m.name.startswith(prefix)
                and m.name.count(".") - package.count(".") == depth
                and name in m.classes
            ]
            if len(matches) == 1:
                return matches[0]
        return None

    def class_def(self, ref: ClassRef) -> ast.ClassDef:
        return self.modules[ref.module].classes[ref.name]

    def resolve_expr(self, module: str, node: ast.expr) -> ClassRef | ast.expr | None:
        if isinstance(node, ast.Name):
            return self.resolve(module, node.id)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            target = self.modules.get(module)
            if target is not None and node.value.id in target.imports:
                source, original = target.imports[node.value.id]
                sub = f"{source}.{original}" if original else source
                if sub in self.modules:
                    return self.resolve(sub, node.attr)
        return None

    def _alias_module(self, module: str, name: str) -> str:
        """The module where ``name`` (as seen from ``module``) is defined."""
        mod = self.modules[module]
        if name in mod.classes or name in mod.assigns or name not in mod.imports:
            return module
        source, original = mod.imports[name]
        return self._alias_module(source, original) if source in self.modules else module

    # -- kinds of classes

    def bases(self, ref: ClassRef) -> list[ClassRef]:
        found = []
        for base in self.class_def(ref).bases:
            target = self.resolve_expr(ref.module, base)
            if isinstance(target, ClassRef):
                found.append(target)
        return found

    def _base_names(self, ref: ClassRef) -> list[str]:
        return [ast.unparse(b) for b in self.class_def(ref).bases]

    def is_component(self, ref: ClassRef) -> bool:
        names = self._base_names(ref)
        if any(n in ("pulumi.ComponentResource", "ComponentResource") for n in names):
            return True
        return any(self.is_component(b) for b in self.bases(ref))

    def is_enum(self, ref: ClassRef) -> bool:
        names = self._base_names(ref)
        if any(n.split(".")[-1] in ("Enum", "StrEnum", "IntEnum") for n in names):
            return True
        return any(self.is_enum(b) for b in self.bases(ref))

    def is_record(self, ref: ClassRef) -> bool:
        """A dataclass (or a subclass of the package's ``Record``) with fields."""
        cls = self.class_def(ref)
        for deco in cls.decorator_list:
            target = deco.func if isinstance(deco, ast.Call) else deco
            if ast.unparse(target).split(".")[-1] == "dataclass":
                return True
        if ref.name == "Record" and ref.module.endswith("_records"):
            return False
        return any(
            (b.name == "Record" and b.module.endswith("_records")) or self.is_record(b)
            for b in self.bases(ref)
        )

    def public_components(self) -> list[ClassRef]:
        """The components the package exports: named in its ``__all__`` or imported by its
        ``__init__`` (``TYPE_CHECKING`` imports of lazy exports included)."""
        init = self.modules[self.package]
        names = [n for n in init.imports if not n.startswith("_")]
        value = init.assigns.get("__all__")
        if isinstance(value, (ast.List, ast.Tuple)):
            names += [str(e.value) for e in value.elts if isinstance(e, ast.Constant)]
        found: list[ClassRef] = []
        for name in dict.fromkeys(names):
            ref = self.resolve(self.package, name) or self._lazy(name)
            if isinstance(ref, ClassRef) and self.is_component(ref) and ref not in found:
                found.append(ref)
        return sorted(found, key=lambda r: r.name)

    def _lazy(self, name: str) -> ClassRef | None:
        """A name the package exports through a ``LAZY = {name: ".module"}`` table."""
        table = self.modules[self.package].assigns.get("LAZY")
        if isinstance(table, ast.Dict):
            for key, value in zip(table.keys, table.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and key.value == name
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                    and value.value.startswith(".")
                ):
                    target = self.resolve(self.package + value.value, name)
                    return target if isinstance(target, ClassRef) else None
        return None

    def find_class(self, name: str) -> ClassRef:
        """A class of the package by its (unique) name."""
        exported = self.resolve(self.package, name) or self._lazy(name)
        if isinstance(exported, ClassRef):
            return exported
        matches = [ClassRef(m.name, name) for m in self.modules.values() if name in m.classes]
        if len(matches) != 1:
            raise LookupError(f"{name}: {len(matches)} classes of that name in {self.package}")
        return matches[0]

    # -- components

    def args_record(self, component: ClassRef) -> ClassRef:
        """The record a component's ``__init__`` takes as ``args``."""
        for item in self.class_def(component).body:
            if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                for arg in [*item.args.args, *item.args.kwonlyargs]:
                    if arg.arg == "args" and arg.annotation is not None:
                        for ref in self.classes_in(component.module, arg.annotation):
                            if self.is_record(ref):
                                return ref
                raise LookupError(f"{component.name}.__init__: no record annotation on `args`")
        for base in self.bases(component):
            if self.is_component(base):
                return self.args_record(base)
        raise LookupError(f"{component.name}: no __init__")

    def classes_in(self, module: str, annotation: ast.expr) -> list[ClassRef]:
        """The package's classes an annotation names, aliases expanded, in order."""
        found: list[ClassRef] = []
        for node in _walk(_annotation(annotation)):
            if isinstance(node, (ast.Name, ast.Attribute)):
                target = self.resolve_expr(module, node)
                if isinstance(target, ClassRef) and target not in found:
                    found.append(target)
                elif isinstance(target, ast.expr) and isinstance(node, ast.Name):
                    for ref in self.classes_in(self._alias_module(module, node.id), target):
                        if ref not in found:
                            found.append(ref)
        return found


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a tree in source order (``ast.walk`` is breadth-first)."""
    yield node
    for child in ast.iter_child_nodes(node):
        yield from _walk(child)


def _absolute(module: str, is_package: bool, source: str | None, level: int) -> str:
    if level == 0:
        return source or ""
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    return ".".join([*parts, source] if source else parts)


def _annotation(node: ast.expr) -> ast.expr:
    """A string annotation (``from __future__ import annotations`` or a quoted name) parsed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return ast.parse(node.value, mode="eval").body
    return node


# -- fields -------------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    annotation: ast.expr
    module: str
    default: ast.expr | None
    required: bool
    doc: str


def _doc_after(body: list[ast.stmt], index: int) -> str:
    if index + 1 < len(body):
        nxt = body[index + 1]
        if (
            isinstance(nxt, ast.Expr)
            and isinstance(nxt.value, ast.Constant)
            and isinstance(nxt.value.value, str)
        ):
            return inspect.cleandoc(nxt.value.value)
    return ""


def _is_classvar(annotation: ast.expr) -> bool:
    node = _annotation(annotation)
    target = node.value if isinstance(node, ast.Subscript) else node
    return ast.unparse(target).split(".")[-1] == "ClassVar"


def record_fields(index: Index, ref: ClassRef) -> list[Field]:
    """A record's fields in dataclass order: bases first, a redefinition keeps its place."""
    fields: dict[str, Field] = {}
    for base in reversed(index.bases(ref)):
        if index.is_record(base):
            for item in record_fields(index, base):
                fields[item.name] = item
    body = index.class_def(ref).body
    for i, stmt in enumerate(body):
        if not isinstance(stmt, ast.AnnAssign) or not isinstance(stmt.target, ast.Name):
            continue
        if _is_classvar(stmt.annotation):
            continue
        default = stmt.value
        required = default is None
        if isinstance(default, ast.Call) and ast.unparse(default.func).split(".")[-1] == "field":
            keywords = {k.arg: k.value for k in default.keywords}
            if "default" in keywords:
                default = keywords["default"]
            elif "default_factory" in keywords:
                default = ast.Call(func=keywords["default_factory"], args=[], keywords=[])
            else:
                required, default = True, None
        fields[stmt.target.id] = Field(
            stmt.target.id, stmt.annotation, ref.module, default, required, _doc_after(body, i)
        )
    return list(fields.values())


def output_fields(index: Index, ref: ClassRef) -> list[Field]:
    """A component's ``x: pulumi.Output[T]`` class annotations, bases first."""
    found: dict[str, Field] = {}
    for base in reversed(index.bases(ref)):
        for item in output_fields(index, base):
            found[item.name] = item
    body = index.class_def(ref).body
    for i, stmt in enumerate(body):
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            node = _annotation(stmt.annotation)
            if isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("Output"):
                found[stmt.target.id] = Field(
                    stmt.target.id, node, ref.module, None, False, _doc_after(body, i)
                )
    return list(found.values())


def enum_values(index: Index, ref: ClassRef) -> list[str]:
    values = []
    for stmt in index.class_def(ref).body:
        value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
        if isinstance(value, ast.Constant):
            values.append(repr(value.value) if not isinstance(value.value, str) else value.value)
    return values


# -- rendering ----------------------------------------------------------------------------

_WRAPPERS = {"Optional", "Defaulted"}


class _Simplify(ast.NodeTransformer):
    """``Optional[T]``/``Defaulted[T]``/``T | None`` -> ``T``, ``pulumi.X`` -> ``X``, aliases
    of the package expanded."""

    def __init__(self, index: Index, module: str, strip_output: bool) -> None:
        self.index, self.module, self.strip_output = index, module, strip_output

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        head = ast.unparse(node.value).split(".")[-1]
        if head in _WRAPPERS or (self.strip_output and head == "Output"):
            return self.visit(node.slice)
        if head == "Union" and isinstance(node.slice, ast.Tuple):
            items = [e for e in node.slice.elts if ast.unparse(e) != "None"]
            if len(items) == 1:
                return self.visit(items[0])
        self.generic_visit(node)
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        if isinstance(node.op, ast.BitOr):
            if ast.unparse(node.right) == "None":
                return self.visit(node.left)
            if ast.unparse(node.left) == "None":
                return self.visit(node.right)
        self.generic_visit(node)
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        if isinstance(node.value, ast.Name) and node.value.id in ("pulumi", "typing", "abc"):
            return ast.Name(id=node.attr, ctx=ast.Load())
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        target = self.index.resolve(self.module, node.id)
        if isinstance(target, ast.expr) and not isinstance(target, ast.Constant):
            module = self.index._alias_module(self.module, node.id)
            return _Simplify(self.index, module, self.strip_output).visit(_copy(target))
        return node


def _copy(node: ast.expr) -> ast.expr:
    return ast.parse(ast.unparse(node), mode="eval").body


def type_text(index: Index, item: Field, strip_output: bool = False) -> str:
    node = _Simplify(index, item.module, strip_output).visit(_copy(_annotation(item.annotation)))
    return ast.unparse(node)


def default_text(index: Index, item: Field) -> str:
    if item.required:
        return "**required**"
    if item.default is None or (
        isinstance(item.default, ast.Constant) and item.default.value is None
    ):
        return ""
    node = item.default
    if isinstance(node, ast.Call) and not node.args and not node.keywords:
        empty = {"dict": "{}", "list": "[]", "tuple": "()", "set": "set()"}
        name = ast.unparse(node.func)
        if name in empty:
            return f"`{empty[name]}`"
    if isinstance(node, (ast.Name, ast.Attribute)):  # a constant of the package
        target = index.resolve_expr(item.module, node)
        if isinstance(target, ast.expr):
            node = target
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):  # Enum.MEMBER
        ref = index.resolve(item.module, node.value.id)
        if isinstance(ref, ClassRef) and index.is_enum(ref):
            for stmt in index.class_def(ref).body:
                if (
                    isinstance(stmt, ast.Assign)
                    and isinstance(stmt.targets[0], ast.Name)
                    and stmt.targets[0].id == node.attr
                    and isinstance(stmt.value, ast.Constant)
                ):
                    return _code(_literal(stmt.value.value))
    try:
        return _code(_literal(ast.literal_eval(node)))
    except ValueError:
        return _code(ast.unparse(node))


def _literal(value: object) -> str:
    """A default as Python source, strings in double quotes."""
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        items = ", ".join(_literal(v) for v in value)
        return (
            f"[{items}]"
            if isinstance(value, list)
            else f"({items}{',' if len(value) == 1 else ''})"
        )
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in value.items()) + "}"
    return repr(value)


_ROLE = re.compile(r":(?:class|func|meth|data|attr|mod|exc|obj):`(?P<text>[^`]+)`")


def markdown(doc: str) -> str:
    """A docstring as one table cell: reST roles and literals in Markdown, one line."""

    def role(match: re.Match[str]) -> str:
        text = match["text"]
        explicit = re.match(r"(?P<label>.+?)\s*<.+>$", text)
        if explicit:
            return f"`{explicit['label']}`"
        return f"`{text.lstrip('~').split('.')[-1] if text.startswith('~') else text}`"

    text = _ROLE.sub(role, doc)
    text = re.sub(r"``(.+?)``", r"`\1`", text, flags=re.S)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "<br>".join(paragraphs).replace("|", "\\|")


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def anchor(heading: str) -> str:
    """GitHub's anchor of a Markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


@dataclass
class Page:
    """What a page has rendered so far (a record is rendered once per page)."""

    rendered: set[ClassRef] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def _code(text: str) -> str:
    return "`" + text.replace("|", "\\|") + "`"


def _name_cell(name: str) -> str:
    schema = camel(name)
    return f"`{name}`" if schema == name else f"`{name}` (`{schema}`)"


def render_records(index: Index, root: ClassRef, page: Page, level: str = "###") -> str:
    """``root`` and every record reachable from it not rendered on the page yet."""
    queue, seen, sections = [root], set(page.rendered), []
    while queue:
        ref = queue.pop(0)
        if ref in seen:
            continue
        seen.add(ref)
        page.rendered.add(ref)
        cls = index.class_def(ref)
        rows = ["| Input | Type | Default | Description |", "| --- | --- | --- | --- |"]
        for item in record_fields(index, ref):
            notes, links = [], []
            for nested in index.classes_in(item.module, item.annotation):
                if index.is_enum(nested):
                    values = ", ".join(f"`{v}`" for v in enum_values(index, nested))
                    notes.append(f"`{nested.name}`: one of {values}.")
                elif index.is_record(nested):
                    links.append(f"[`{nested.name}`](#{anchor(nested.name)})")
                    if nested not in seen:
                        queue.append(nested)
            if not item.doc:
                page.problems.append(f"{ref.name}.{item.name}: no docstring")
            if links:
                notes.append("See " + ", ".join(links) + ".")
            description = " ".join([markdown(item.doc), *notes]).strip()
            rows.append(
                f"| {_name_cell(item.name)} | {_code(type_text(index, item))} "
                f"| {default_text(index, item)} | {description} |"
            )
        summary = markdown(ast.get_docstring(cls) or "")
        head = f"{level} {ref.name}\n\n" + (f"{summary}\n\n" if summary else "")
        sections.append(head + "\n".join(rows))
    if not sections:
        page.problems.append(f"{root.name}: documented by an earlier block (this one can go)")
        return f"Documented above: [`{root.name}`](#{anchor(root.name)})."
    return "\n\n".join(sections)


def render_outputs(index: Index, component: ClassRef, page: Page) -> str:
    rows = ["| Output | Type | Description |", "| --- | --- | --- |"]
    for item in output_fields(index, component):
        if not item.doc:
            page.problems.append(f"{component.name}.{item.name}: no docstring")
        rows.append(
            f"| {_name_cell(item.name)} | {_code(type_text(index, item, strip_output=True))} "
            f"| {markdown(item.doc)} |"
        )
    return "\n".join(rows)


def render_help(words: list[str]) -> str:
    """The ``--help`` text of ``immutable`` (``words[0]``) or a sub-command of it."""
    os.environ["COLUMNS"] = HELP_COLUMNS  # argparse wraps at the terminal's width
    os.environ["NO_COLOR"] = "1"  # Python 3.14 colours help on a terminal
    sys.path.insert(0, str(ROOT))
    try:
        from immutable_components.cli import build_parser
    finally:
        sys.path.pop(0)
    parser = build_parser()
    for word in words[1:]:
        actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        parser = actions[0].choices[word]
    return "```text\n" + parser.format_help().rstrip() + "\n```"


def render(index: Index, spec: str, page: Page) -> str:
    kind, _, rest = spec.partition(" ")
    words = rest.split()
    if kind == "inputs":
        component = index.find_class(words[0])
        return render_records(index, index.args_record(component), page)
    if kind == "outputs":
        return render_outputs(index, index.find_class(words[0]), page)
    if kind == "record":
        return render_records(index, index.find_class(words[0]), page)
    if kind == "help":
        return render_help(words)
    raise ValueError(f"unknown generated block {spec!r}")


# -- pages --------------------------------------------------------------------------------


@dataclass
class Result:
    text: str
    stale: list[str]
    specs: list[str]
    problems: list[str]


def regenerate(text: str, index: Index) -> Result:
    out, stale, specs, pos, page = [], [], [], 0, Page()
    for match in BEGIN.finditer(text):
        if match.start() < pos:
            continue
        end = text.find(END, match.end())
        if end < 0:
            raise ValueError(f"{match['spec']}: no {END}")
        spec = match["spec"].strip()
        specs.append(spec)
        body = render(index, spec, page) + "\n"
        if text[match.end() : end] != body:
            stale.append(spec)
        out.append(text[pos : match.end()] + body)
        pos = end
    out.append(text[pos:])
    return Result("".join(out), stale, specs, page.problems)


def pages(docs: Path = DOCS) -> list[Path]:
    return sorted(docs.glob("*.md"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a page is out of date")
    parser.add_argument(
        "--problems", action="store_true", help="list fields and outputs without a docstring"
    )
    args = parser.parse_args(argv)
    index = Index()
    documented: set[str] = set()
    failed = False
    for path in pages():
        result = regenerate(path.read_text(), index)
        documented.update(s.split()[1] for s in result.specs if s.split()[0] == "inputs")
        if args.problems:
            for problem in result.problems:
                print(f"{path.relative_to(ROOT)}: {problem}")
        if result.stale:
            if args.check:
                failed = True
                for spec in result.stale:
                    print(f"{path.relative_to(ROOT)}: out of date: {spec}")
            else:
                path.write_text(result.text)
                print(f"{path.relative_to(ROOT)}: regenerated {', '.join(result.stale)}")
    for component in index.public_components():
        if component.name not in documented:
            failed = True
            print(f"{component.name}: no page has an `inputs {component.name}` block")
    if failed and args.check:
        print("run: python docs/generate.py", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
