"""The docs stay true: generated tables in sync, every docs/ reference resolves, the README
stays short, code in the docs parses, and the smallest example runs under the mocks."""

import ast
import importlib.util
import re
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

from immutable_components.planner import run_plan

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
MINIMAL = REPO / "examples" / "minimal"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_generate", DOCS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["docs_generate"] = module
    spec.loader.exec_module(module)
    return module


generate = _generator()


# -- generated tables -----------------------------------------------------------------------


def test_generated_blocks_are_in_sync(capsys):
    status = generate.main(["--check"])
    out = capsys.readouterr().out
    assert status == 0, f"docs out of date (run `python docs/generate.py`):\n{out}"


def test_every_public_component_has_its_inputs_and_outputs_on_a_page():
    index = generate.Index()
    components = {c.name for c in index.public_components()}
    assert components >= {
        "GoldenImage",
        "LaunchTemplateRelease",
        "GcpInstanceGroupRelease",
        "AzureScaleSetRelease",
        "BlueGreenService",
        "DriftRule",
    }
    specs = set()
    for page in generate.pages():
        specs.update(generate.regenerate(page.read_text(), index).specs)
    for name in components:
        assert f"inputs {name}" in specs
        assert f"outputs {name}" in specs


def test_every_command_has_its_help_on_its_page():
    for command in ("plan", "drift", "prune"):
        text = (DOCS / f"{command}.md").read_text()
        assert f"<!-- BEGIN GENERATED: help immutable {command} -->" in text
        assert f"usage: immutable {command}" in text


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


# A package in the shape of the issue-10 contract: records deriving from Record, Defaulted
# fields, per-cloud optional blocks, a str Enum, args in args.py imported by component.py,
# lazy exports (names only in a table and under TYPE_CHECKING), no __future__ import.
NEW_SHAPE = {
    "pkg/__init__.py": """
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from .widget import Widget, WidgetArgs
        EXPORTS = {"Widget": ".widget", "WidgetArgs": ".widget"}
        __all__ = sorted(EXPORTS)
    """,
    "pkg/_records.py": """
        from typing import TYPE_CHECKING, Optional
        if TYPE_CHECKING:
            from typing import Union as Defaulted
        else:
            Defaulted = Optional
        class Record:
            pass
    """,
    "pkg/widget/__init__.py": """
        EXPORTS = {"Widget": ".component", "WidgetArgs": ".args"}
    """,
    "pkg/widget/args.py": '''
        import enum
        from collections.abc import Mapping, Sequence
        from dataclasses import dataclass
        from typing import Optional

        import pulumi

        from .._records import Defaulted, Record

        class StepKind(str, enum.Enum):
            """What a step does."""
            UPLOAD = "upload"
            RUN = "run"

        @dataclass(frozen=True, kw_only=True)
        class Step(Record):
            """One step on the builder."""
            kind: StepKind
            """Which kind of step."""
            commands: Optional[Sequence[str]] = None
            """Shell lines (`run`). Default: none."""

        @dataclass(frozen=True, kw_only=True)
        class AwsBlock(Record):
            """Where to build on AWS."""
            subnet_id: pulumi.Input[str]
            """The builder's subnet."""
            volume_size_gib: Defaulted[int] = 8
            """Root volume size. Default: 8 GiB."""

        @dataclass(frozen=True, kw_only=True)
        class GcpBlock(Record):
            """Where to build on GCP."""
            zone: str
            """The zone."""

        @dataclass(frozen=True, kw_only=True)
        class WidgetArgs(Record):
            """Inputs of the widget."""
            steps: Sequence[Step]
            """The steps, in order."""
            aws: Optional[AwsBlock] = None
            """Build on AWS."""
            gcp: Optional[GcpBlock] = None
            """Build on GCP."""
            tags: Optional[Mapping[str, pulumi.Input[str]]] = None
            """Extra tags. Default: none."""
    ''',
    "pkg/widget/component.py": '''
        from typing import Optional

        import pulumi

        from .args import WidgetArgs

        class Widget(pulumi.ComponentResource):
            """A widget."""

            image_id: pulumi.Output[str]
            """The image's id."""
            copies: pulumi.Output[dict[str, str]]
            """Region -> id."""

            def __init__(
                self, name: str, args: WidgetArgs, opts: Optional[pulumi.ResourceOptions] = None
            ) -> None:
                super().__init__("pkg:index:Widget", name, None, opts)
    ''',
}

PAGE = """# Widget

<!-- BEGIN GENERATED: inputs Widget -->
<!-- END GENERATED -->

<!-- BEGIN GENERATED: outputs Widget -->
<!-- END GENERATED -->
"""


def test_generator_reads_records_in_the_contract_shape(tmp_path):
    _write(tmp_path, NEW_SHAPE)
    index = generate.Index(tmp_path, "pkg")
    assert [c.name for c in index.public_components()] == ["Widget"]
    result = generate.regenerate(PAGE, index)
    assert result.stale == ["inputs Widget", "outputs Widget"]
    text = result.text
    # the args record first, then each nested record once, in field order
    headings = re.findall(r"^### (\w+)$", text, re.M)
    assert headings == ["WidgetArgs", "Step", "AwsBlock", "GcpBlock"]
    assert (
        "| `steps` | `Sequence[Step]` | **required** | The steps, in order. "
        "See [`Step`](#step). |" in text
    )
    assert "| `aws` | `AwsBlock` |  | Build on AWS. See [`AwsBlock`](#awsblock). |" in text
    assert "| `tags` | `Mapping[str, Input[str]]` |  | Extra tags. Default: none. |" in text
    assert (
        "| `kind` | `StepKind` | **required** | Which kind of step. "
        "`StepKind`: one of `upload`, `run`. |" in text
    )
    assert "| `subnet_id` (`subnetId`) | `Input[str]` | **required** | The builder's subnet. |" in (
        text
    )
    assert "| `volume_size_gib` (`volumeSizeGib`) | `int` | `8` | Root volume size." in text
    assert "| `image_id` (`imageId`) | `str` | The image's id. |" in text
    assert "| `copies` | `dict[str, str]` | Region -> id. |" in text
    # regenerated text is in sync; a changed docstring makes it stale again
    assert generate.regenerate(text, index).stale == []
    args = tmp_path / "pkg/widget/args.py"
    args.write_text(args.read_text().replace('"""The zone."""', '"""The zone, e.g. a-1."""'))
    assert generate.regenerate(text, generate.Index(tmp_path, "pkg")).stale == ["inputs Widget"]


def test_generator_links_a_record_rendered_earlier_on_the_page(tmp_path):
    _write(tmp_path, NEW_SHAPE)
    index = generate.Index(tmp_path, "pkg")
    page = PAGE + "\n<!-- BEGIN GENERATED: record AwsBlock -->\n<!-- END GENERATED -->\n"
    text = generate.regenerate(page, index).text
    assert text.count("### AwsBlock") == 1
    assert "Documented above: [`AwsBlock`](#awsblock)." in text


def test_check_fails_on_a_stale_page(tmp_path, monkeypatch, capsys):
    docs = tmp_path / "docs"
    docs.mkdir()
    page = docs / "golden-image.md"
    text = (DOCS / "golden-image.md").read_text()
    assert "| `version` |" in text
    page.write_text(text.replace("| `version` |", "| `release` |", 1))
    monkeypatch.setattr(generate, "pages", lambda: [page])
    monkeypatch.setattr(generate, "ROOT", tmp_path)
    assert generate.main(["--check"]) == 1
    assert "golden-image.md: out of date: inputs GoldenImage" in capsys.readouterr().out


# -- references into docs/ --------------------------------------------------------------------

DOCS_REF = re.compile(r"(?<![\w/.-])docs/[\w./-]*[\w-](?:#[\w-]+)?")
MD_LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")
FENCE = re.compile(r"^\s*(```|~~~)")


def _headings(path: Path) -> set[str]:
    """The GitHub anchors of a Markdown file's headings (code blocks skipped)."""
    anchors: set[str] = set()
    seen: dict[str, int] = {}
    fenced = False
    for line in path.read_text().splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        match = re.match(r"^#{1,6}\s+(.*)$", line)
        if fenced or not match:
            continue
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", match.group(1)).replace("`", "")
        base = generate.anchor(text)
        count = seen.get(base, 0)
        seen[base] = count + 1
        anchors.add(base if count == 0 else f"{base}-{count}")
    return anchors


def _resolves(target: Path, fragment: str) -> str | None:
    """None when ``target`` (and its ``#fragment``) exists, else what is wrong."""
    if not target.exists():
        return f"{target.relative_to(REPO)} does not exist"
    if fragment and (target.suffix != ".md" or fragment not in _headings(target)):
        return f"{target.relative_to(REPO)} has no heading #{fragment}"
    return None


def _referring_files() -> list[Path]:
    files = sorted((REPO / "immutable_components").rglob("*.py"))
    for folder in ("stacks", "tests", "examples", "provider", "benchmarks"):
        files += sorted(p for p in (REPO / folder).rglob("*") if p.is_file())
    files += [REPO / "README.md", REPO / "CHANGELOG.md", *sorted(DOCS.glob("*"))]
    return [
        f
        for f in files
        if "__pycache__" not in f.parts
        and f.suffix in (".py", ".md", ".yaml", ".txt", ".sh")
        and f != Path(__file__).resolve()  # its own broken examples
    ]


def test_every_docs_reference_resolves():
    problems = []
    for path in _referring_files():
        for ref in DOCS_REF.findall(path.read_text()):
            file, _, fragment = ref.partition("#")
            problem = _resolves(REPO / file, fragment)
            if problem:
                problems.append(f"{path.relative_to(REPO)}: {ref}: {problem}")
    assert not problems, "\n".join(problems)


def test_every_relative_link_in_the_markdown_resolves():
    problems = []
    pages = [REPO / "README.md", REPO / "CHANGELOG.md", *sorted(DOCS.glob("*.md"))]
    for page in pages:
        for match in MD_LINK.finditer(page.read_text()):
            target = match["target"]
            if re.match(r"^[a-z]+:", target):
                continue
            file, _, fragment = target.partition("#")
            problem = _resolves((page.parent / file).resolve() if file else page, fragment)
            if problem:
                problems.append(f"{page.relative_to(REPO)}: ({target}): {problem}")
    assert not problems, "\n".join(problems)


def test_the_reference_check_sees_a_broken_reference():
    assert DOCS_REF.findall("see docs/nowhere.md.") == ["docs/nowhere.md"]
    assert DOCS_REF.findall("docs/lifecycle.md#why-each-up-is-safe)") == [
        "docs/lifecycle.md#why-each-up-is-safe"
    ]
    assert DOCS_REF.findall("registry.terraform.io/latest/docs/resources/x") == []
    assert _resolves(REPO / "docs/nowhere.md", "") is not None
    assert _resolves(REPO / "docs/lifecycle.md", "no-such-heading") is not None
    assert _resolves(REPO / "docs/lifecycle.md", "why-each-up-is-safe") is None


# -- the README and the code in the docs -----------------------------------------------------


def test_readme_is_at_most_300_lines():
    lines = (REPO / "README.md").read_text().splitlines()
    assert len(lines) <= 300, f"README.md has {len(lines)} lines"


def test_readme_links_every_component_and_command_page():
    readme = (REPO / "README.md").read_text()
    for page in (
        "golden-image",
        "launch-template-release",
        "blue-green-service",
        "drift-rule",
        "plan",
        "drift",
        "prune",
        "testing",
        "provider",
        "versioning",
        "development",
    ):
        assert f"(docs/{page}.md" in readme, page


def test_user_docs_hold_no_development_notes():
    readme = (REPO / "README.md").read_text()
    for word in ("benchmarks/", "cProfile", "tracemalloc", "ruff check"):
        assert word not in readme, word


@pytest.mark.parametrize(
    "page",
    [REPO / "README.md", *sorted(DOCS.glob("*.md"))],
    ids=lambda p: p.name,
)
def test_python_blocks_parse(page):
    blocks = re.findall(r"^```python\n(.*?)^```", page.read_text(), re.S | re.M)
    for block in blocks:
        ast.parse(block)


# -- examples/minimal --------------------------------------------------------------------------


def test_minimal_example_registers_an_image_and_a_fleet():
    plan = run_plan(MINIMAL, "dev")
    resources = [(r["type"], r["name"]) for r in plan.resources]
    assert resources == [
        ("pulumi:pulumi:Stack", "minimal-dev"),
        ("immutable:index:GoldenImage", "web"),
        ("tls:index/privateKey:PrivateKey", "web-ssh-key"),
        ("aws:ec2/keyPair:KeyPair", "web-key-pair"),
        ("aws:ec2/securityGroup:SecurityGroup", "web-builder-sg"),
        ("aws:ec2/instance:Instance", "web-builder"),
        ("command:remote:Command", "web-wait-ready"),
        ("command:remote:Command", "web-provision-1"),
        ("command:remote:Command", "web-clear-login"),
        ("aws:ec2transitgateway/instanceState:InstanceState", "web-builder-stopped"),
        ("aws:ec2/amiFromInstance:AmiFromInstance", "web-image"),
        ("aws:ec2/tag:Tag", "web-snapshot-tag-buildhash"),
        ("aws:ec2/tag:Tag", "web-snapshot-tag-managedby"),
        ("aws:ec2/tag:Tag", "web-snapshot-tag-name"),
        ("aws:ec2/tag:Tag", "web-snapshot-tag-sourceimage"),
        ("aws:ec2/tag:Tag", "web-snapshot-tag-version"),
        ("immutable:index:LaunchTemplateRelease", "web-fleet"),
        ("aws:ec2/securityGroup:SecurityGroup", "web-fleet-sg"),
        ("aws:iam/role:Role", "web-fleet-role"),
        ("aws:iam/instanceProfile:InstanceProfile", "web-fleet-profile"),
        ("aws:ec2/launchTemplate:LaunchTemplate", "web-fleet-lt"),
        ("aws:autoscaling/group:Group", "web-fleet-asg"),
        ("pulumi-python:dynamic/immutable:InstanceRefresh", "web-fleet-rollout"),
    ]
    by_name = {r["name"]: r for r in plan.resources}
    image, fleet = by_name["web"], by_name["web-fleet"]
    for name, resource in by_name.items():
        if name in ("web", "web-fleet", "minimal-dev"):
            continue
        if name.startswith("web-fleet-"):
            assert resource["parent"] == fleet["urn"], name
        else:
            assert resource["parent"] == image["urn"], name
    # the fleet launches the baked image, and tags its build hash
    template = by_name["web-fleet-lt"]["inputs"]
    assert template["imageId"] == plan.outputs["imageId"]
    assert plan.outputs["imageId"].startswith("ami-")
    build_hash = by_name["web-image"]["inputs"]["tags"]["BuildHash"]
    instance_tags = next(
        spec["tags"] for spec in template["tagSpecifications"] if spec["resourceType"] == "instance"
    )
    assert instance_tags["ImageBuildHash"] == build_hash
    assert by_name["web-builder-sg"]["inputs"]["ingress"][0]["cidrBlocks"] == ["203.0.113.10/32"]
    assert set(plan.outputs) == {"imageId", "autoScalingGroupName"}


# -- commands in the docs ------------------------------------------------------------------------

COMMAND_LINE = re.compile(r"^\s*(?:\$ )?(?:\.venv/bin/)?immutable (?P<args>[^#\n]*)", re.M)


def _command_lines() -> list[tuple[str, str]]:
    found = []
    for page in [REPO / "README.md", *sorted(DOCS.glob("*.md"))]:
        for block in re.findall(r"^```(?:sh|console)?\n(.*?)^```", page.read_text(), re.S | re.M):
            for match in COMMAND_LINE.finditer(block):
                found.append((page.name, match["args"].strip()))
    return found


def test_every_immutable_command_in_the_docs_parses():
    import shlex

    from immutable_components.cli import build_parser

    lines = _command_lines()
    assert any(args.startswith("plan") for _, args in lines)
    assert any(args.startswith("drift") for _, args in lines)
    assert any(args.startswith("prune") for _, args in lines)
    for page, args in lines:
        try:
            build_parser().parse_args(shlex.split(args))
        except SystemExit as exc:  # argparse's way of refusing
            raise AssertionError(f"{page}: `immutable {args}` does not parse") from exc


def test_make_targets_named_in_the_readme_exist():
    makefile = (REPO / "Makefile").read_text()
    targets = set(re.findall(r"^([\w-]+):", makefile, re.M))
    readme = (REPO / "README.md").read_text()
    for target in set(re.findall(r"\bmake (\w+)", readme)):
        assert target in targets, target
    plan_recipe = makefile.split("\nplan:", 1)[1].split("\n\n", 1)[0]
    assert "immutable plan" in plan_recipe


def test_yaml_examples_use_the_package_tokens():
    import yaml

    components = {c.name for c in generate.Index().public_components()}
    seen = 0
    for page in [REPO / "README.md", *sorted(DOCS.glob("*.md"))]:
        for block in re.findall(r"^```yaml\n(.*?)^```", page.read_text(), re.S | re.M):
            program = yaml.safe_load(block)
            for name, resource in (program.get("resources") or {}).items():
                package, module, component = resource["type"].split(":")
                assert (package, module) == ("immutable", "index"), (page.name, name)
                assert component in components, (page.name, name)
                seen += 1
    assert seen >= 3


def test_changelog_follows_keep_a_changelog_and_names_the_version():
    text = (REPO / "CHANGELOG.md").read_text()
    assert "## [Unreleased]" in text
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}", text, re.M)
    assert versions, "no released version heading"
    pyproject = (REPO / "pyproject.toml").read_text()
    version = re.search(r'^version = "([^"]+)"', pyproject, re.M)
    assert version is not None
    assert version[1] in versions, f"pyproject's {version[1]} has no CHANGELOG heading"
    for heading in re.findall(r"^### (\w+)", text, re.M):
        assert heading in {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}
