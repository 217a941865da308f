"""The component provider as another language's program meets it: the plugin manifest, the
schema the analyzer infers (against the committed ``provider/schema.json``) and the Pulumi
YAML example, whose resource types and property names must exist in that schema."""

import json
from pathlib import Path
from typing import Any

import pytest
import tomllib
import yaml

from immutable_components import provider

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "provider" / "schema.json"
YAML_EXAMPLE = ROOT / "examples" / "yaml" / "Pulumi.yaml"
REGENERATE = "python -m immutable_components.provider schema > provider/schema.json"


@pytest.fixture(scope="module")
def generated() -> dict[str, Any]:
    return provider.schema()


def test_plugin_manifest_and_entry_points() -> None:
    manifest = yaml.safe_load((ROOT / "provider" / "PulumiPlugin.yaml").read_text())
    assert manifest == {"name": provider.PACKAGE, "runtime": "python"}
    main = (ROOT / "provider" / "__main__.py").read_text()
    assert "from immutable_components.provider import main" in main
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["pulumi-resource-immutable"] == "immutable_components.provider:main"


def test_every_public_component_is_a_resource(generated: dict[str, Any]) -> None:
    assert generated["name"] == "immutable"
    tokens = {f"immutable:index:{name}" for name in provider.COMPONENTS}
    assert set(generated["resources"]) == tokens
    for token, resource in generated["resources"].items():
        assert resource["isComponent"] is True, token
        assert resource.get("description"), f"{token} has no description"
        for name, prop in {
            **resource.get("inputProperties", {}),
            **resource.get("properties", {}),
        }.items():
            assert prop.get("description"), f"{token}.{name} has no description"


def test_types_have_descriptions(generated: dict[str, Any]) -> None:
    for token, spec in generated.get("types", {}).items():
        assert token.startswith("immutable:index:"), token
        for name, prop in spec.get("properties", {}).items():
            assert prop.get("description"), f"{token}.{name} has no description"


def test_committed_schema_is_current(generated: dict[str, Any]) -> None:
    committed = json.loads(COMMITTED.read_text())
    assert committed == generated, f"provider/schema.json is stale: run `{REGENERATE}`"


def _check(schema: dict[str, Any], spec: dict[str, Any], value: Any, where: str) -> None:
    """``value`` (a YAML property value) against the schema's ``spec``; expressions
    (``${...}``, ``fn::...``) are accepted wherever a value is."""
    if isinstance(value, str) and value.startswith("${"):
        return
    if isinstance(value, dict) and any(k.startswith("fn::") for k in value):
        return
    if "$ref" in spec:
        ref = spec["$ref"].removeprefix("#/types/")
        target = schema["types"][ref]
        if "enum" in target:
            allowed = [e["value"] for e in target["enum"]]
            assert value in allowed, f"{where}: {value!r} is not one of {allowed}"
            return
        _object(schema, target, value, where)
        return
    kind = spec.get("type")
    if kind == "array":
        assert isinstance(value, list), f"{where}: expected a list, got {value!r}"
        for i, item in enumerate(value):
            _check(schema, spec["items"], item, f"{where}[{i}]")
    elif kind == "object":
        assert isinstance(value, dict), f"{where}: expected a map, got {value!r}"
        for key, item in value.items():
            _check(schema, spec.get("additionalProperties", {}), item, f"{where}.{key}")
    elif kind == "string":
        assert isinstance(value, str), f"{where}: expected a string, got {value!r}"
    elif kind == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), where
    elif kind == "number":
        assert isinstance(value, (int, float)) and not isinstance(value, bool), where
    elif kind == "boolean":
        assert isinstance(value, bool), f"{where}: expected a boolean, got {value!r}"


def _object(schema: dict[str, Any], spec: dict[str, Any], value: Any, where: str) -> None:
    assert isinstance(value, dict), f"{where}: expected an object, got {value!r}"
    properties = spec.get("inputProperties", spec.get("properties", {}))
    unknown = set(value) - set(properties)
    assert not unknown, f"{where}: no such properties {sorted(unknown)}"
    missing = set(spec.get("requiredInputs", spec.get("required", []))) - set(value)
    assert not missing, f"{where}: required properties missing {sorted(missing)}"
    for key, item in value.items():
        _check(schema, properties[key], item, f"{where}.{key}")


def test_yaml_example_matches_the_schema(generated: dict[str, Any]) -> None:
    program = yaml.safe_load(YAML_EXAMPLE.read_text())
    assert program["runtime"] == "yaml"
    assert program["packages"] == {"immutable": "../../provider"}
    used = set()
    for name, resource in program["resources"].items():
        token = resource["type"]
        if not token.startswith("immutable:"):
            continue
        assert token in generated["resources"], f"{name}: no resource type {token}"
        used.add(token)
        _object(generated, generated["resources"][token], resource.get("properties", {}), name)
    concepts = {"GoldenImage", "LaunchTemplateRelease", "BlueGreenService", "DriftRule"}
    assert used == {f"immutable:index:{name}" for name in concepts}, "one of each concept"


def test_the_yaml_check_catches_mistakes(generated: dict[str, Any]) -> None:
    token = "immutable:index:DriftRule"
    spec = generated["resources"][token]
    with pytest.raises(AssertionError, match="no such properties"):
        _object(generated, spec, {"notAnInput": 1}, "rule")
    if spec.get("requiredInputs"):
        with pytest.raises(AssertionError, match="required properties missing"):
            _object(generated, spec, {}, "rule")
