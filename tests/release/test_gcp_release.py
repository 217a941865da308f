"""GcpInstanceGroupRelease: a new template per release, a proactive rolling MIG that waits."""

from __future__ import annotations

import json
from dataclasses import replace

import pulumi
import pytest

from immutable_components import ComponentInputError

gcp_release = pytest.importorskip("immutable_components.release.gcp")
Release, Args = gcp_release.GcpInstanceGroupRelease, gcp_release.GcpInstanceGroupReleaseArgs

IMAGE = "projects/mock-project/global/images/app-43f4a4fdd98259eb"
BASE = Args(
    image_id=IMAGE,
    region="europe-west1",
    network="projects/mock-project/global/networks/main",
    subnetwork="projects/mock-project/regions/europe-west1/subnetworks/apps",
    project="mock-project",
    settings={"APP_MESSAGE": "hello"},
    secrets={"DB_PASSWORD": "db-password", "API_KEY": "projects/other/secrets/api-key"},
    restart_services=["app.service"],
)
TEMPLATE = "gcp:compute/instanceTemplate:InstanceTemplate"
MIG = "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager"


def make(mocks, args=BASE, opts=None):
    component = Release("web", args, opts)
    mocks.settle()
    return component


def test_children(pulumi_mocks):
    make(pulumi_mocks)
    parent = pulumi_mocks.one("immutable:index:GcpInstanceGroupRelease", "web")
    assert [(r.type.split(":")[1], r.name) for r in pulumi_mocks.children_of(parent)] == [
        ("serviceaccount/account", "web-sa"),
        ("secretmanager/secretIamMember", "web-secret-0"),
        ("secretmanager/secretIamMember", "web-secret-1"),
        ("compute/healthCheck", "web-hc"),
        ("compute/firewall", "web-hc-firewall"),
        ("compute/instanceTemplate", "web-template"),
        ("compute/regionInstanceGroupManager", "web-mig"),
    ]


def test_template_is_new_per_release_and_locked_down(pulumi_mocks):
    make(pulumi_mocks)
    template = pulumi_mocks.one(TEMPLATE, "web-template")
    inputs = template.inputs
    assert inputs["namePrefix"] == "web-"
    assert "name" not in inputs
    assert template.options["deleteBeforeReplace"] is False  # create the new one first
    assert inputs["disks"] == [
        {"sourceImage": IMAGE, "boot": True, "autoDelete": True, "diskType": "pd-balanced"}
    ]
    assert inputs["networkInterfaces"] == [
        {"subnetwork": "projects/mock-project/regions/europe-west1/subnetworks/apps"}
    ]  # no accessConfigs: no external IP
    assert inputs["serviceAccount"] == {
        "email": "web-vm@mock-project.iam.gserviceaccount.com",
        "scopes": ["cloud-platform"],
    }
    assert inputs["shieldedInstanceConfig"] == {
        "enableSecureBoot": True,
        "enableVtpm": True,
        "enableIntegrityMonitoring": True,
    }
    metadata = inputs["metadata"]
    assert metadata["enable-oslogin"] == "TRUE"
    assert metadata["block-project-ssh-keys"] == "TRUE"
    assert json.loads(metadata["immutable-config"]) == {
        "env_file": "/etc/immutable/app.env",
        "settings": {"APP_MESSAGE": "hello"},
        "secrets": {
            "API_KEY": "projects/other/secrets/api-key",
            "DB_PASSWORD": "projects/mock-project/secrets/db-password",
        },
        "restart_services": ["app.service"],
    }
    assert metadata["startup-script"].startswith("#!/usr/bin/env python3\n")
    members = {
        r.urn for r in pulumi_mocks.of_type("gcp:secretmanager/secretIamMember:SecretIamMember")
    }
    assert members <= set(template.dependencies)


def test_service_account_reads_exactly_the_named_secrets(pulumi_mocks):
    make(pulumi_mocks)
    members = pulumi_mocks.of_type("gcp:secretmanager/secretIamMember:SecretIamMember")
    assert [(m.inputs["secretId"], m.inputs["role"], m.inputs["member"]) for m in members] == [
        (
            "projects/other/secrets/api-key",
            "roles/secretmanager.secretAccessor",
            "serviceAccount:web-vm@mock-project.iam.gserviceaccount.com",
        ),
        (
            "db-password",
            "roles/secretmanager.secretAccessor",
            "serviceAccount:web-vm@mock-project.iam.gserviceaccount.com",
        ),
    ]
    assert all(m.inputs["project"] == "mock-project" for m in members)


def test_group_rolls_proactively_heals_and_waits_for_updated(pulumi_mocks):
    component = make(pulumi_mocks)
    mig = pulumi_mocks.one(MIG, "web-mig")
    inputs = mig.inputs
    template_link = pulumi_mocks.resolve(component.instance_template_self_link)
    assert inputs["versions"] == [{"name": "release", "instanceTemplate": template_link}]
    assert inputs["updatePolicy"] == {
        "type": "PROACTIVE",
        "minimalAction": "REPLACE",
        "mostDisruptiveAllowedAction": "REPLACE",
        "replacementMethod": "SUBSTITUTE",
        "instanceRedistributionType": "PROACTIVE",
        "maxSurgeFixed": 3,
        "maxUnavailableFixed": 0,
        "minReadySec": 60,
    }
    assert inputs["waitForInstances"] is True
    assert inputs["waitForInstancesStatus"] == "UPDATED"
    health = pulumi_mocks.one("gcp:compute/healthCheck:HealthCheck", "web-hc")
    assert inputs["autoHealingPolicies"] == {
        "healthCheck": pulumi_mocks.resolve(component.health_check_id),
        "initialDelaySec": 300,
    }
    assert health.inputs["httpHealthCheck"] == {"port": 8080, "requestPath": "/healthz"}
    assert inputs["targetSize"] == 3
    assert inputs["baseInstanceName"] == "web"
    assert mig.options["customTimeouts"] == {"create": "30m", "update": "30m"}
    firewall = pulumi_mocks.one("gcp:compute/firewall:Firewall", "web-hc-firewall")
    assert firewall.inputs["sourceRanges"] == ["35.191.0.0/16", "130.211.0.0/22"]
    assert firewall.inputs["targetTags"] == ["web"]
    assert firewall.inputs["allows"] == [{"protocol": "tcp", "ports": ["8080"]}]
    assert pulumi_mocks.resolve(component.instance_group).endswith(
        "/instanceGroups/"
        + (pulumi_mocks.resolve(component.instance_group_manager_id).rsplit("/", 1)[1])
    )


def test_ignore_changes_reach_the_group(pulumi_mocks):
    make(pulumi_mocks, opts=pulumi.ResourceOptions(ignore_changes=["target_size"]))
    assert pulumi_mocks.one(MIG).options["ignoreChanges"] == ["targetSize"]
    assert pulumi_mocks.one(TEMPLATE).options["ignoreChanges"] == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"region": "Europe"}, "region"),
        ({"machine_type": "E2 small"}, "machine_type"),
        ({"max_surge": 1}, "max_surge"),
        ({"max_unavailable": 2}, "max_unavailable"),
        ({"max_surge": 0, "max_unavailable": 0}, "max_unavailable"),
        ({"min_ready_sec": 4000}, "min_ready_sec"),
        ({"target_size": -1}, "target_size"),
        ({"health_check_path": "healthz"}, "health_check_path"),
        ({"health_check_port": 70000}, "health_check_port"),
        ({"secrets": {"DB": "projects/p/secrets/"}}, "secrets['DB']"),
        ({"settings": {"bad-name": "x"}}, "settings key"),
        ({"settings": {"A": None}}, "settings['A']"),
        ({"labels": {"team": None}}, "labels['team']"),
        ({"restart_services": [None]}, "restart_services[0]"),
        ({"disk_type": "nvme"}, "disk_type"),
        ({"disk_size_gb": 9}, "disk_size_gb"),
        ({"timeout_minutes": 0}, "timeout_minutes"),
        ({"image_id": ""}, "image_id"),
        ({"image_id": "app-43f4a4fdd98259eb"}, "image_id"),  # a name, not a link
        ({"image_build_hash": ""}, "image_build_hash"),
        ({"network": "main"}, "network"),
        ({"network": "projects/mock-project/regions/europe-west1/subnetworks/apps"}, "network"),
        ({"subnetwork": "apps"}, "subnetwork"),
        ({"subnetwork": "projects/mock-project/regions/us-east1/subnetworks/apps"}, "subnetwork"),
    ],
)
def test_bad_inputs_are_refused(pulumi_mocks, changes, field):
    """Each bad input fails on exactly its own field (not any message mentioning it)."""
    with pytest.raises(ComponentInputError) as info:
        Release("web", replace(BASE, **changes))
    assert info.value.field == field
    assert info.value.component == "GcpInstanceGroupRelease 'web'"
    assert pulumi_mocks.resources == []


def test_self_links_and_families_are_accepted(pulumi_mocks):
    api = "https://www.googleapis.com/compute/v1/"
    Release(
        "web",
        replace(
            BASE,
            image_id=api + "projects/debian-cloud/global/images/family/debian-12",
            network=api + "projects/mock-project/global/networks/main",
            subnetwork=api + "projects/mock-project/regions/europe-west1/subnetworks/apps",
        ),
    )
    template = pulumi_mocks.one(TEMPLATE)
    assert template.inputs["disks"][0]["sourceImage"].endswith("/family/debian-12")


def test_bad_name_is_refused(pulumi_mocks):
    with pytest.raises(ComponentInputError) as info:
        Release("Web_1", BASE)
    assert (info.value.field, info.value.value) == ("name", "Web_1")
