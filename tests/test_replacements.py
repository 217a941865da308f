"""The per-type replacement table: path diffs, replace/update predictions, names, coverage."""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

import pytest

from immutable_components.planner import run_plan
from immutable_components.testing._replacements import (
    COPY,
    INCREMENT,
    RULES,
    SCOPE_DEFAULTS,
    OutputChange,
    ReplaceWhen,
    TypeRule,
    changed_paths,
    name_key,
    replaces,
    reruns,
    rule_for,
    update_effects,
    updated_outputs,
)

REPO = Path(__file__).resolve().parents[1]
INSTANCE = "aws:ec2/instance:Instance"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
GCP_INSTANCE = "gcp:compute/instance:Instance"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ({"a": 1}, {"a": 1}, []),
        ({"a": 1}, {"a": 1.0}, []),
        ({"a": 1}, {"a": 2}, ["a"]),
        ({"a": True}, {"a": 1}, ["a"]),
        ({"a": {"b": {"c": "x"}}}, {"a": {"b": {"c": "y"}}}, ["a.b.c"]),
        ({}, {"tags": {"Name": "n", "Env": "e"}}, ["tags.Env", "tags.Name", "tags[#]"]),
        ({"tags": {"Name": "n"}}, {}, ["tags.Name", "tags[#]"]),
        ({"tags": {"Name": "n"}}, {"tags": {"Name": "n", "Env": "e"}}, ["tags.Env"]),
        ({"a": None}, {}, []),
        ({"a": None}, {"a": 1}, ["a"]),
        ({}, {"a": {}}, ["a", "a[#]"]),
        ({"a": "x"}, {"a": {"b": 1}}, ["a", "a.b", "a[#]"]),
        ({}, {"l": [1]}, ["l[#]", "l[0]"]),
        ({"l": [1, 2]}, {"l": [1, 3]}, ["l[1]"]),
        ({"l": [1]}, {"l": [1, 2]}, ["l[#]", "l[1]"]),
        ({"l": [{"x": 1}, {"x": 2}]}, {"l": [{"x": 1}]}, ["l[#]", "l[1].x"]),
        (
            {"nics": [{"subnetwork": "a", "acs": [{}]}]},
            {"nics": [{"subnetwork": "b", "acs": []}]},
            ["nics[0].acs[#]", "nics[0].acs[0]", "nics[0].subnetwork"],
        ),
        ({"l": []}, {"l": [{"k": "v"}]}, ["l[#]", "l[0].k"]),
    ],
)
def test_changed_paths(old, new, expected):
    assert changed_paths(old, new) == expected


@pytest.mark.parametrize(
    ("type_token", "paths", "inputs", "expected"),
    [
        (INSTANCE, [], {}, []),
        (INSTANCE, ["ami"], {}, ["ami"]),
        (INSTANCE, ["instanceType"], {}, []),
        (INSTANCE, ["tags.Name", "volumeTags.Name"], {}, []),
        (INSTANCE, ["rootBlockDevice.encrypted"], {}, ["rootBlockDevice.encrypted"]),
        (INSTANCE, ["rootBlockDevice.volumeType"], {}, []),
        (INSTANCE, ["subnetId", "instanceType"], {}, ["subnetId"]),
        (INSTANCE, ["userData"], {"userDataReplaceOnChange": False}, []),
        (INSTANCE, ["userData"], {}, []),
        (INSTANCE, ["userData"], {"userDataReplaceOnChange": True}, ["userData"]),
        (INSTANCE, ["ebsBlockDevices[1].volumeSize"], {}, ["ebsBlockDevices[1].volumeSize"]),
        (INSTANCE, ["ipv6Addresses[0]"], {}, ["ipv6Addresses[0]"]),
        (INSTANCE, ["region"], {}, ["region"]),
        (LAUNCH_TEMPLATE, ["imageId", "userData"], {}, []),
        (LAUNCH_TEMPLATE, ["namePrefix"], {}, ["namePrefix"]),
        ("aws:ec2/amiFromInstance:AmiFromInstance", ["name"], {}, ["name"]),
        ("aws:ec2/amiFromInstance:AmiFromInstance", ["description", "tags.Version"], {}, []),
        ("aws:ec2/amiCopy:AmiCopy", ["region"], {}, ["region"]),
        ("aws:iam/role:Role", ["assumeRolePolicy"], {}, []),
        ("aws:lb/listener:Listener", ["defaultActions[0].forward.targetGroups[1].weight"], {}, []),
        ("aws:lb/targetGroup:TargetGroup", ["healthCheck.path"], {}, []),
        ("aws:lb/targetGroup:TargetGroup", ["port"], {}, ["port"]),
        ("aws:ec2/securityGroup:SecurityGroup", ["description"], {}, ["description"]),
        ("aws:ec2/securityGroup:SecurityGroup", ["egress[0].toPort", "egress[#]"], {}, []),
        ("aws:ec2/vpcEndpoint:VpcEndpoint", ["privateDnsEnabled"], {}, ["privateDnsEnabled"]),
        (
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            ["privateDnsEnabled"],
            {"vpcEndpointType": "Interface"},
            [],
        ),
        (
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            ["cidrIpv4"],
            {"cidrIpv4": "10.0.0.0/8"},
            [],
        ),
        (
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            ["cidrIpv4", "referencedSecurityGroupId"],
            {"referencedSecurityGroupId": "sg-1"},
            ["cidrIpv4", "referencedSecurityGroupId"],
        ),
        ("aws:ec2/amiLaunchPermission:AmiLaunchPermission", ["accountId"], {}, ["accountId"]),
        ("command:remote:Command", ["create", "connection.host"], {}, []),
        ("command:remote:Command", ["triggers[0]"], {}, ["triggers[0]"]),
        (
            "command:remote:CopyToRemote",
            ["triggers[#]", "triggers[1]"],
            {},
            ["triggers[#]", "triggers[1]"],
        ),
        ("tls:index/privateKey:PrivateKey", ["rsaBits"], {}, ["rsaBits"]),
        (GCP_INSTANCE, ["networkInterfaces[0].subnetwork"], {}, []),
        (GCP_INSTANCE, ["networkInterfaces[0].accessConfigs[0]"], {}, []),
        (
            GCP_INSTANCE,
            ["networkInterfaces[#]", "networkInterfaces[1].network"],
            {},
            ["networkInterfaces[#]"],
        ),
        (
            GCP_INSTANCE,
            ["bootDisk.initializeParams.image"],
            {},
            ["bootDisk.initializeParams.image"],
        ),
        (GCP_INSTANCE, ["bootDisk.autoDelete", "machineType", "metadata.ssh-keys"], {}, []),
        (GCP_INSTANCE, ["zone"], {}, ["zone"]),
        (
            GCP_INSTANCE,
            ["confidentialInstanceConfig.enableConfidentialCompute"],
            {},
            [],
        ),
        (
            GCP_INSTANCE,
            [
                "confidentialInstanceConfig.enableConfidentialCompute",
                "confidentialInstanceConfig[#]",
            ],
            {},
            ["confidentialInstanceConfig[#]"],
        ),
        (
            "gcp:compute/instanceTemplate:InstanceTemplate",
            ["labels.release", "metadata.startup-script"],
            {},
            ["metadata.startup-script"],
        ),
        ("gcp:compute/instanceTemplate:InstanceTemplate", ["labels.release"], {}, []),
        ("gcp:compute/image:Image", ["labels.version"], {}, []),
        ("gcp:compute/image:Image", ["sourceDisk"], {}, ["sourceDisk"]),
        ("gcp:compute/firewall:Firewall", ["sourceRanges[0]", "allows[0].ports[0]"], {}, []),
        (
            "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
            ["versions[0].instanceTemplate", "targetSize"],
            {},
            [],
        ),
        (
            "azure-native:compute:GalleryImageVersion",
            ["galleryImageVersionName"],
            {},
            ["galleryImageVersionName"],
        ),
        (
            "azure-native:compute:GalleryImageVersion",
            ["publishingProfile.targetRegions[0].regionalReplicaCount"],
            {},
            [],
        ),
        ("azure-native:network:PublicIPAddress", ["sku.name"], {}, ["sku.name"]),
        ("azure-native:network:PublicIPAddress", ["tags.ManagedBy"], {}, []),
    ],
)
def test_replaces(type_token, paths, inputs, expected):
    assert replaces(type_token, paths, inputs) == expected


def test_replaces_reads_conditions_from_the_new_inputs_of_a_real_change():
    old = {"ami": "ami-1", "userData": "a", "userDataReplaceOnChange": True}
    new = {"ami": "ami-1", "userData": "b", "userDataReplaceOnChange": True}
    assert replaces(INSTANCE, changed_paths(old, new), new) == ["userData"]
    new["userDataReplaceOnChange"] = False
    assert replaces(INSTANCE, changed_paths(old, new), new) == []


def test_a_block_that_replaces_only_by_its_presence():
    old = {"name": "b", "confidentialInstanceConfig": {"enableConfidentialCompute": False}}
    changed = {"name": "b", "confidentialInstanceConfig": {"enableConfidentialCompute": True}}
    assert replaces(GCP_INSTANCE, changed_paths(old, changed)) == []
    assert replaces(GCP_INSTANCE, changed_paths(old, {"name": "b"})) == [
        "confidentialInstanceConfig[#]"
    ]


def test_a_subtree_added_at_once_replaces_through_its_leaves():
    old = {"ami": "ami-1"}
    new = {"ami": "ami-1", "rootBlockDevice": {"encrypted": True, "volumeType": "gp3"}}
    assert replaces(INSTANCE, changed_paths(old, new)) == ["rootBlockDevice.encrypted"]


def test_launch_template_update_increments_latest_and_moves_the_default():
    paths = ["imageId"]
    inputs = {"imageId": "ami-2", "updateDefaultVersion": True}
    assert set(update_effects(LAUNCH_TEMPLATE, paths, inputs)) == {
        "latestVersion",
        "defaultVersion",
    }
    outs = updated_outputs(
        LAUNCH_TEMPLATE, paths, inputs, {"latestVersion": 3.0, "defaultVersion": 3.0, "id": "lt"}
    )
    assert outs == {"latestVersion": 4, "defaultVersion": 4, "id": "lt"}


def test_launch_template_default_stays_without_update_default_version():
    outs = updated_outputs(
        LAUNCH_TEMPLATE,
        ["tagSpecifications[0].tags.Version"],
        {"updateDefaultVersion": False},
        {"latestVersion": 1, "defaultVersion": 1},
    )
    assert outs == {"latestVersion": 2, "defaultVersion": 1}


def test_launch_template_tags_alone_make_no_version():
    assert update_effects(LAUNCH_TEMPLATE, ["tags.Release"], {"updateDefaultVersion": True}) == {
        "defaultVersion": RULES[LAUNCH_TEMPLATE].on_update["defaultVersion"]
    }
    outs = updated_outputs(
        LAUNCH_TEMPLATE,
        ["tags.Release"],
        {"updateDefaultVersion": True},
        {"latestVersion": 5, "defaultVersion": 5},
    )
    assert outs == {"latestVersion": 5, "defaultVersion": 5}


@pytest.mark.parametrize(
    ("paths", "version"),
    [(["insecureValue"], 2), (["description", "tags.Channel"], 2), (["tags.Channel"], 1)],
)
def test_ssm_parameter_version_counts_puts(paths, version):
    outs = updated_outputs("aws:ssm/parameter:Parameter", paths, {}, {"version": 1})
    assert outs["version"] == version


def test_output_change_conditions():
    change = OutputChange(INCREMENT, when_changed=("a",), unless_only=("a.tag",), when_true="on")
    assert change.applies(["a.b"], {"on": True})
    assert not change.applies(["a.b"], {"on": False})
    assert not change.applies(["a.tag"], {"on": True})
    assert not change.applies(["c"], {"on": True})
    assert OutputChange(COPY, source="x").applies(["anything"], {})
    assert not OutputChange(COPY, source="x").applies([], {})


@pytest.mark.parametrize(
    ("type_token", "paths", "expected"),
    [
        ("command:remote:Command", ["create"], True),
        ("command:remote:Command", ["connection.host"], True),
        ("command:remote:Command", [], False),
        ("command:local:Command", ["create"], True),
        ("command:remote:CopyToRemote", ["connection.host"], False),
        ("command:remote:CopyToRemote", ["source.archive"], True),
        ("command:remote:CopyToRemote", ["remotePath"], True),
        ("pulumi-python:dynamic/immutable:InstanceRefresh", ["launchTemplateVersion"], True),
        ("pulumi-python:dynamic/immutable:InstanceRefresh", ["timeoutMinutes"], False),
        (INSTANCE, ["instanceType"], False),
    ],
)
def test_reruns(type_token, paths, expected):
    assert reruns(type_token, paths) is expected


CONFIG = {"aws:region": "eu-west-1", "gcp:project": "proj-1", "gcp:zone": "europe-west1-b"}


@pytest.mark.parametrize(
    ("type_token", "inputs", "expected"),
    [
        (
            "aws:ec2/amiFromInstance:AmiFromInstance",
            {"name": "app-1a2b"},
            ("aws:ec2:image", "eu-west-1", "app-1a2b"),
        ),
        (
            "aws:ec2/amiCopy:AmiCopy",
            {"name": "app-1a2b", "region": "us-east-1"},
            ("aws:ec2:image", "us-east-1", "app-1a2b"),
        ),
        (
            "aws:lb/targetGroup:TargetGroup",
            {"name": "web-blue"},
            ("aws:elbv2:target-group", "eu-west-1", "web-blue"),
        ),
        (
            "aws:lb/loadBalancer:LoadBalancer",
            {"name": "web"},
            ("aws:elbv2:load-balancer", "eu-west-1", "web"),
        ),
        ("aws:cfg/rule:Rule", {"name": "approved"}, ("aws:config:rule", "eu-west-1", "approved")),
        (
            "aws:ssm/parameter:Parameter",
            {"name": "/img/app"},
            ("aws:ssm:parameter", "eu-west-1", "/img/app"),
        ),
        ("aws:ec2/keyPair:KeyPair", {"keyName": "k"}, ("aws:ec2:key-pair", "eu-west-1", "k")),
        ("aws:iam/role:Role", {"name": "r"}, ("aws:iam:role", "r")),
        (
            "gcp:compute/image:Image",
            {"name": "app-1a2b"},
            ("gcp:compute:image", "proj-1", "app-1a2b"),
        ),
        (
            "gcp:compute/image:Image",
            {"name": "app-1a2b", "project": "other"},
            ("gcp:compute:image", "other", "app-1a2b"),
        ),
        (
            GCP_INSTANCE,
            {"name": "builder"},
            ("gcp:compute:instance", "proj-1", "europe-west1-b", "builder"),
        ),
        (
            "azure-native:compute:GalleryImageVersion",
            {
                "galleryImageVersionName": "1.0.3",
                "resourceGroupName": "rg",
                "galleryName": "g",
                "galleryImageName": "app",
            },
            ("azure:compute:gallery-image-version", "rg", "g", "app", "1.0.3"),
        ),
        (
            "azure-native:compute:Image",
            {"imageName": "app-1a2b", "resourceGroupName": "rg"},
            ("azure:compute:image", "rg", "app-1a2b"),
        ),
        ("aws:ec2/amiFromInstance:AmiFromInstance", {}, None),
        ("aws:autoscaling/group:Group", {"namePrefix": "web-blue-"}, None),
        ("aws:ec2/vpc:Vpc", {"cidrBlock": "10.0.0.0/16"}, None),
    ],
)
def test_name_key(type_token, inputs, expected):
    assert name_key(type_token, inputs, CONFIG) == expected


def test_amis_made_and_copied_share_one_namespace():
    made = name_key("aws:ec2/amiFromInstance:AmiFromInstance", {"name": "n"}, CONFIG)
    copied = name_key("aws:ec2/amiCopy:AmiCopy", {"name": "n", "region": "eu-west-1"}, CONFIG)
    assert made == copied


def test_scope_defaults_without_config_are_none():
    assert name_key("aws:lb/targetGroup:TargetGroup", {"name": "t"}) == (
        "aws:elbv2:target-group",
        None,
        "t",
    )
    assert SCOPE_DEFAULTS["aws"]["region"] == "aws:region"


def test_unknown_type_is_a_loud_gap():
    with pytest.raises(KeyError, match=r"no replacement rule for resource type 'x:y/z:Z'"):
        replaces("x:y/z:Z", ["a"])
    with pytest.raises(KeyError, match="RULES"):
        rule_for("x:y/z:Z")


def test_a_dynamic_resource_asks_its_own_diff():
    with pytest.raises(ValueError, match=r"InstanceRefresh has its own diff"):
        replaces("pulumi-python:dynamic/immutable:InstanceRefresh", ["region"])


def test_rules_are_frozen():
    rule = RULES[LAUNCH_TEMPLATE]
    with pytest.raises(TypeError):
        rule.on_update["x"] = OutputChange(INCREMENT)  # type: ignore[index]
    with pytest.raises(AttributeError):
        rule.replace_on = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        RULES["x"] = TypeRule(source="s")  # type: ignore[index]
    assert ReplaceWhen("a", "b", (1,), negate=True).applies({"b": 2})


@pytest.fixture(scope="module", params=["dev", "gcp-dev", "azure-dev"])
def plan_types(request) -> set[str]:
    return {
        r["type"]
        for r in run_plan(REPO, request.param).resources
        if r["custom"] and not r["type"].startswith("pulumi:providers:")
    }


def test_every_type_in_the_example_plans_has_a_rule(plan_types):
    assert plan_types
    assert sorted(plan_types - set(RULES)) == []


def test_every_rule_cites_a_source():
    for token, rule in RULES.items():
        assert re.search(r"\w/\w", rule.source), token


_SDK = {
    "aws": "pulumi_aws",
    "gcp": "pulumi_gcp",
    "azure-native": "pulumi_azure_native",
    "command": "pulumi_command",
    "tls": "pulumi_tls",
}


@cache
def _sdk_names(path: Path) -> frozenset[str]:
    if not path.exists():
        return frozenset()
    text = path.read_text(encoding="utf-8")
    named = re.findall(r'@pulumi\.getter\(name="([A-Za-z0-9]+)"\)', text)
    plain = re.findall(r"@pulumi\.getter\n\s+def ([a-z0-9]+)\(", text)
    return frozenset(named + plain)


def _property_names(token: str) -> frozenset[str]:
    """Property names the provider's Python SDK knows for a type (read as text, no import)."""
    package, module, cls = token.split(":")
    spec = importlib.util.find_spec(_SDK[package])
    assert spec is not None and spec.submodule_search_locations, package
    root = Path(next(iter(spec.submodule_search_locations)))
    folder, name = module.split("/") if "/" in module else (module, cls[0].lower() + cls[1:])
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()
    where = root if folder == "index" else root / folder
    names = _sdk_names(where / f"{snake}.py")
    assert names, f"no SDK module for {token} at {where / f'{snake}.py'}"
    return names | _sdk_names(where / "_inputs.py")


def _rule_paths(rule: TypeRule) -> list[str]:
    paths = [*rule.replace_on, *(w.path for w in rule.replace_when), *rule.name_scope]
    paths += [w.input for w in rule.replace_when]
    paths += [*(rule.mutable or ()), *(m for g in rule.switch_groups for m in g)]
    paths += [*(rule.reruns_on or ()), *([rule.name_input] if rule.name_input else [])]
    for output, change in rule.on_update.items():
        paths += [output, *change.when_changed, *change.unless_only]
        paths += [p for p in (change.when_true, change.source) if p]
    return paths


@pytest.mark.parametrize("token", sorted(t for t, r in RULES.items() if not r.own_diff))
def test_rule_paths_are_properties_the_provider_sdk_knows(token):
    known = _property_names(token)
    unknown = [
        (path, part)
        for path in _rule_paths(RULES[token])
        for part in re.findall(r"[^.\[\]]+", re.sub(r"\[[^\]]*\]", "", path))
        if part not in known
    ]
    assert unknown == []
