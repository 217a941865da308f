"""BlueGreenService under the recording mocks: resources, wiring, weights, gate, rules."""

from __future__ import annotations

import dataclasses

import pulumi
import pytest

from immutable_components import (
    BlueGreenColor,
    BlueGreenFleet,
    BlueGreenService,
    BlueGreenServiceArgs,
    ComponentInputError,
    EbsVolume,
    ExistingLoadBalancer,
    HealthCheck,
    InstanceMaintenancePolicy,
    RefreshPreferences,
)

VPC = "vpc-0123456789abcdef0"
LB_SUBNETS = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
FLEET_SUBNETS = ["subnet-0123456789abcdef2", "subnet-0123456789abcdef3"]
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
LB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shared/0123abcd"
SG = "aws:ec2/securityGroup:SecurityGroup"
IN = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
OUT = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
LISTENER = "aws:lb/listener:Listener"
ASG = "aws:autoscaling/group:Group"
GATE = "pulumi-python:dynamic/immutable:HealthGate"
ROLE = "arn:aws:iam::123456789012:role/deployer"
AMI = "ami-0123456789abcdef0"
POLICY = "arn:aws:iam::123456789012:policy/app-reads-config"


def make_args(**changes) -> BlueGreenServiceArgs:
    base = BlueGreenServiceArgs(
        vpc_id=VPC,
        load_balancer_subnet_ids=LB_SUBNETS,
        fleet_subnet_ids=FLEET_SUBNETS,
        blue=BlueGreenColor(image_id="ami-0123456789abcdef0", version="1.0.0"),
        green=BlueGreenColor(image_id="ami-0fedcba9876543210", version="1.1.0"),
        ingress_cidrs=["0.0.0.0/0"],
    )
    return dataclasses.replace(base, **changes)


def build(run, **changes) -> BlueGreenService:
    service = BlueGreenService("web", make_args(**changes))
    run.settle()
    return service


def forward_weights(run, listener: str) -> dict[str, int]:
    action = run.one(LISTENER, listener).inputs["defaultActions"][0]
    assert action["type"] == "forward"
    groups = {
        r.outputs.get("arn") or r.urn: r.name for r in run.of_type("aws:lb/targetGroup:TargetGroup")
    }
    del groups  # arns come from the mocks; match by the name inside the ARN instead
    return {
        ("blue" if "-blue-" in tg["arn"] else "green"): tg["weight"]
        for tg in action["forward"]["targetGroups"]
    }


def test_exact_children_and_types(pulumi_mocks):
    build(pulumi_mocks, certificate_arn=CERT)
    service = pulumi_mocks.one("immutable:index:BlueGreenService", "web")
    children = [(r.type, r.name) for r in pulumi_mocks.children_of(service)]
    assert sorted(children) == sorted(
        [
            (SG, "web-lb-sg"),
            (SG, "web-fleet-sg"),
            (IN, "web-lb-in-80-0"),
            (IN, "web-lb-in-443-0"),
            (OUT, "web-lb-out"),
            (IN, "web-fleet-in"),
            ("aws:lb/loadBalancer:LoadBalancer", "web-alb"),
            ("aws:lb/targetGroup:TargetGroup", "web-blue-tg"),
            ("aws:lb/targetGroup:TargetGroup", "web-green-tg"),
            ("immutable:index:LaunchTemplateRelease", "web-blue"),
            ("immutable:index:LaunchTemplateRelease", "web-green"),
            (GATE, "web-blue-gate"),  # only the colour with traffic has a gate
            (LISTENER, "web-https"),
            (LISTENER, "web-http"),
        ]
    )
    for color in ("blue", "green"):
        release = pulumi_mocks.one("immutable:index:LaunchTemplateRelease", f"web-{color}")
        kinds = {r.type for r in pulumi_mocks.children_of(release)}
        assert {ASG, "aws:ec2/launchTemplate:LaunchTemplate"} <= kinds


def test_load_balancer_secure_defaults(pulumi_mocks):
    service = build(pulumi_mocks, access_logs_bucket="web-logs")
    lb = pulumi_mocks.one("aws:lb/loadBalancer:LoadBalancer").inputs
    assert lb["name"] == "stack-web-alb"  # the stack in the physical name
    assert lb["loadBalancerType"] == "application"
    assert lb["internal"] is False
    assert lb["dropInvalidHeaderFields"] is True
    assert lb["enableDeletionProtection"] is True
    assert lb["accessLogs"] == {"bucket": "web-logs", "prefix": "web", "enabled": True}
    assert lb["subnets"] == LB_SUBNETS
    assert lb["securityGroups"] == [pulumi_mocks.resolve(service.load_balancer_security_group_id)]


def test_no_access_logs_without_a_bucket(pulumi_mocks):
    build(pulumi_mocks)
    assert "accessLogs" not in pulumi_mocks.one("aws:lb/loadBalancer:LoadBalancer").inputs


def test_target_groups_health_checks_and_names(pulumi_mocks):
    build(pulumi_mocks, health_check=HealthCheck(path="/ready", matcher="200-299"))
    for color in ("blue", "green"):
        tg = pulumi_mocks.one("aws:lb/targetGroup:TargetGroup", f"web-{color}-tg").inputs
        assert tg["name"].startswith(f"stack-web-{color}-") and len(tg["name"]) <= 32
        assert (tg["port"], tg["protocol"], tg["targetType"], tg["vpcId"]) == (
            8080,
            "HTTP",
            "instance",
            VPC,
        )
        assert tg["healthCheck"] == {
            "enabled": True,
            "protocol": "HTTP",
            "port": "traffic-port",
            "path": "/ready",
            "matcher": "200-299",
            "interval": 15,
            "timeout": 5,
            "healthyThreshold": 3,
            "unhealthyThreshold": 3,
        }


def test_https_listener_and_redirect(pulumi_mocks):
    service = build(pulumi_mocks, certificate_arn=CERT)
    https = pulumi_mocks.one(LISTENER, "web-https").inputs
    assert (https["port"], https["protocol"]) == (443, "HTTPS")
    assert https["sslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
    assert https["certificateArn"] == CERT
    http = pulumi_mocks.one(LISTENER, "web-http")
    assert http.inputs["defaultActions"] == [
        {
            "type": "redirect",
            "redirect": {"port": "443", "protocol": "HTTPS", "statusCode": "HTTP_301"},
        }
    ]
    assert pulumi_mocks.resolve(service.listener_arn).split("/")[2] == "web-https"


def test_plain_http_forwards_without_a_certificate(pulumi_mocks):
    build(pulumi_mocks)
    assert [r.name for r in pulumi_mocks.of_type(LISTENER)] == ["web-http"]
    http = pulumi_mocks.one(LISTENER, "web-http").inputs
    assert (http["port"], http["protocol"]) == (80, "HTTP")
    assert forward_weights(pulumi_mocks, "web-http") == {"blue": 100, "green": 0}


@pytest.mark.parametrize(
    ("live", "canary", "expected"),
    [
        ("blue", 0, {"blue": 100, "green": 0}),
        ("green", 0, {"blue": 0, "green": 100}),
        ("blue", 10, {"blue": 90, "green": 10}),
        ("green", 30, {"blue": 30, "green": 70}),
        ("blue", 100, {"blue": 0, "green": 100}),
    ],
)
def test_listener_weights_follow_live_and_canary(pulumi_mocks, live, canary, expected):
    build(pulumi_mocks, certificate_arn=CERT, live=live, canary_weight=canary)
    assert forward_weights(pulumi_mocks, "web-https") == expected
    sticky = pulumi_mocks.one(LISTENER, "web-https").inputs["defaultActions"][0]["forward"]
    assert sticky["stickiness"] == {"enabled": False, "duration": 1}


@pytest.mark.parametrize(
    ("live", "canary", "gated"),
    [("blue", 0, {"blue"}), ("green", 0, {"green"}), ("blue", 20, {"blue", "green"})],
)
def test_listener_waits_for_the_health_gate_of_each_colour_with_traffic(
    pulumi_mocks, live, canary, gated
):
    build(pulumi_mocks, certificate_arn=CERT, live=live, canary_weight=canary)
    listener = pulumi_mocks.one(LISTENER, "web-https")
    gates = {r.name: r for r in pulumi_mocks.of_type(GATE)}
    assert sorted(gates) == sorted(f"web-{color}-gate" for color in gated)
    gate_deps = {dep for dep in listener.dependencies if "HealthGate::" in dep}
    assert gate_deps == {gate.urn for gate in gates.values()}
    for color in ("blue", "green"):
        asg = pulumi_mocks.one(ASG, f"web-{color}-asg")
        rollout = pulumi_mocks.named(f"web-{color}-rollout")
        release = pulumi_mocks.one("immutable:index:LaunchTemplateRelease", f"web-{color}")
        if color in gated:
            # gate -> release (its group and its rollout), listener -> gate
            gate = gates[f"web-{color}-gate"]
            assert {asg.urn, rollout.urn} <= set(gate.dependencies)
            assert gate.parent == pulumi_mocks.one("immutable:index:BlueGreenService").urn
        # A colour without traffic waits for the listener (scaled down or rolled after it).
        assert (listener.urn in release.dependencies) is (color not in gated)
        # The provider's capacity waits are gone: the gate replaces them.
        assert asg.inputs["healthCheckType"] == "ELB"
        assert asg.inputs["waitForCapacityTimeout"] == "0"
        assert "waitForElbCapacity" not in asg.inputs
        assert "minElbCapacity" not in asg.inputs
        tg = pulumi_mocks.one("aws:lb/targetGroup:TargetGroup", f"web-{color}-tg")
        assert asg.inputs["targetGroupArns"] == [
            f"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/"
            f"{tg.inputs['name']}/{asg.inputs['targetGroupArns'][0].rsplit('/', 1)[1]}"
        ]


@pytest.mark.parametrize(
    ("live", "canary", "expected"),
    [
        ("blue", 0, {"blue": 100}),
        ("green", 0, {"green": 100}),
        ("blue", 10, {"blue": 90, "green": 10}),
        ("green", 100, {"blue": 100}),
    ],
)
def test_each_gate_carries_its_weight_and_the_whole_split(pulumi_mocks, live, canary, expected):
    service = build(pulumi_mocks, live=live, canary_weight=canary, min_size=3, max_size=4)
    split = {live: 100 - canary, ("green" if live == "blue" else "blue"): canary}
    found = {}
    for gate in pulumi_mocks.of_type(GATE):
        inputs = dict(gate.inputs)
        assert isinstance(inputs.pop("__provider"), str)  # the pickled provider
        assert gate.name == f"web-{inputs['color']}-gate"
        found[inputs["color"]] = inputs
    assert sorted(found) == sorted(expected)
    for color, weight in expected.items():
        assert found[color] == {
            "targetGroupArn": pulumi_mocks.resolve(getattr(service, f"{color}_target_group_arn")),
            "color": color,
            "weight": weight,
            "weights": split,
            "minHealthyTargets": 3,  # min_size
            "timeoutSeconds": 900,  # "15m"
            "pollSeconds": 10,
            "region": "us-east-1",  # the provider's region (aws.get_region)
        }


def test_the_gate_follows_the_threshold_timeout_and_the_rollout_role(pulumi_mocks):
    build(
        pulumi_mocks,
        min_size=3,
        max_size=6,
        min_healthy_targets=1,
        health_gate_timeout="1h30m",
        fleet=BlueGreenFleet(refresh_role_arn=ROLE),
    )
    gate = pulumi_mocks.one(GATE, "web-blue-gate").inputs
    assert (gate["minHealthyTargets"], gate["timeoutSeconds"], gate["roleArn"]) == (1, 5400, ROLE)


def test_the_gate_uses_an_explicit_providers_region(pulumi_mocks):
    import pulumi_aws as aws

    pulumi.runtime.set_config("aws:region", "us-east-1")
    ireland = aws.Provider("ireland", region="eu-west-1")
    BlueGreenService("web", make_args(), opts=pulumi.ResourceOptions(providers={"aws": ireland}))
    pulumi_mocks.settle()
    assert pulumi_mocks.one(GATE, "web-blue-gate").inputs["region"] == "eu-west-1"


def test_each_colour_runs_its_own_image(pulumi_mocks):
    service = build(pulumi_mocks)
    fleet_sg = pulumi_mocks.resolve(service.fleet_security_group_id)
    for color, ami in (("blue", "ami-0123456789abcdef0"), ("green", "ami-0fedcba9876543210")):
        template = pulumi_mocks.one("aws:ec2/launchTemplate:LaunchTemplate", f"web-{color}-lt")
        assert template.inputs["imageId"] == ami
        assert template.inputs["networkInterfaces"][0]["securityGroups"] == [fleet_sg]
        asg = pulumi_mocks.one(ASG, f"web-{color}-asg").inputs
        assert asg["vpcZoneIdentifiers"] == FLEET_SUBNETS
        assert (asg["minSize"], asg["maxSize"], asg["desiredCapacity"]) == (2, 2, 2)
    # Only the fleet's group: the release creates none of its own.
    assert sorted(r.name for r in pulumi_mocks.of_type(SG)) == ["web-fleet-sg", "web-lb-sg"]


def test_security_groups_admit_exactly_what_is_described(pulumi_mocks):
    service = build(pulumi_mocks, certificate_arn=CERT, ingress_cidrs=["203.0.113.0/24", "::/0"])
    lb_sg = pulumi_mocks.resolve(service.load_balancer_security_group_id)
    fleet_sg = pulumi_mocks.resolve(service.fleet_security_group_id)
    rules = {
        (r.type.rsplit(":", 1)[1], r.inputs["securityGroupId"]): []
        for r in pulumi_mocks.resources
        if r.type in (IN, OUT)
    }
    for r in pulumi_mocks.resources:
        if r.type in (IN, OUT):
            i = r.inputs
            source = i.get("cidrIpv4") or i.get("cidrIpv6") or i.get("referencedSecurityGroupId")
            rules[(r.type.rsplit(":", 1)[1], i["securityGroupId"])].append(
                (i["ipProtocol"], i["fromPort"], i["toPort"], source)
            )
    assert {k: sorted(v) for k, v in rules.items()} == {
        ("SecurityGroupIngressRule", lb_sg): sorted(
            [
                ("tcp", 80, 80, "203.0.113.0/24"),
                ("tcp", 80, 80, "::/0"),
                ("tcp", 443, 443, "203.0.113.0/24"),
                ("tcp", 443, 443, "::/0"),
            ]
        ),
        ("SecurityGroupEgressRule", lb_sg): [("tcp", 8080, 8080, fleet_sg)],
        ("SecurityGroupIngressRule", fleet_sg): [("tcp", 8080, 8080, lb_sg)],
    }
    for name in ("web-lb-sg", "web-fleet-sg"):
        group = pulumi_mocks.one(SG, name).inputs
        assert "ingress" not in group and "egress" not in group
        assert group["vpcId"] == VPC


def test_fleet_egress_only_when_asked(pulumi_mocks):
    service = build(pulumi_mocks, fleet_egress_cidrs=["0.0.0.0/0"])
    rule = pulumi_mocks.one(OUT, "web-fleet-out-0").inputs
    assert rule["securityGroupId"] == pulumi_mocks.resolve(service.fleet_security_group_id)
    assert (rule["ipProtocol"], rule["fromPort"], rule["toPort"], rule["cidrIpv4"]) == (
        "tcp",
        443,
        443,
        "0.0.0.0/0",
    )


@pytest.mark.parametrize(("live", "retired"), [("blue", "green"), ("green", "blue")])
def test_retire_idle_scales_only_the_idle_colour_to_zero(pulumi_mocks, live, retired):
    build(pulumi_mocks, live=live, retire_idle=True)
    idle = pulumi_mocks.one(ASG, f"web-{retired}-asg").inputs
    assert (idle["minSize"], idle["maxSize"], idle["desiredCapacity"]) == (0, 0, 0)
    serving = pulumi_mocks.one(ASG, f"web-{live}-asg").inputs
    assert (serving["minSize"], serving["maxSize"], serving["desiredCapacity"]) == (2, 2, 2)
    for group in (idle, serving):
        assert "waitForElbCapacity" not in group and group["waitForCapacityTimeout"] == "0"
    # The retired colour has no traffic, so no gate; the serving one waits for 2 healthy.
    assert [r.name for r in pulumi_mocks.of_type(GATE)] == [f"web-{live}-gate"]
    assert pulumi_mocks.one(GATE).inputs["minHealthyTargets"] == 2


def test_stickiness_is_sent_and_warned_about(pulumi_mocks, monkeypatch):
    warnings: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda msg, *a, **k: warnings.append(msg))
    build(pulumi_mocks, stickiness_seconds=300)
    forward = pulumi_mocks.one(LISTENER, "web-http").inputs["defaultActions"][0]["forward"]
    assert forward["stickiness"] == {"enabled": True, "duration": 300}
    assert len(warnings) == 1 and "overrides the listener weights" in warnings[0]


def test_an_existing_load_balancer_is_used(pulumi_mocks):
    existing = ExistingLoadBalancer(
        arn=LB_ARN, security_group_id="sg-0123456789abcdef0", dns_name="shared.example.com"
    )
    service = build(pulumi_mocks, load_balancer=existing, load_balancer_subnet_ids=())
    assert pulumi_mocks.of_type("aws:lb/loadBalancer:LoadBalancer") == []
    assert [r.name for r in pulumi_mocks.of_type(SG)] == ["web-fleet-sg"]
    assert pulumi_mocks.one(LISTENER).inputs["loadBalancerArn"] == LB_ARN
    assert pulumi_mocks.one(OUT, "web-lb-out").inputs["securityGroupId"] == "sg-0123456789abcdef0"
    assert pulumi_mocks.resolve(service.load_balancer_dns_name) == "shared.example.com"


def test_ignore_changes_on_the_service_reaches_the_children_that_have_the_property(
    pulumi_mocks,
):
    BlueGreenService("web", make_args(), opts=pulumi.ResourceOptions(ignore_changes=["tags"]))
    assert pulumi_mocks.one("aws:lb/loadBalancer:LoadBalancer").options["ignoreChanges"] == ["tags"]
    assert "tags" in pulumi_mocks.one(ASG, "web-blue-asg").options["ignoreChanges"]


def test_outputs_are_set_and_registered(pulumi_mocks):
    service = build(pulumi_mocks, certificate_arn=CERT)
    reg = pulumi_mocks.one("immutable:index:BlueGreenService")
    assert set(reg.outputs) == set(BlueGreenService.__annotations__)
    assert pulumi_mocks.resolve(service.live_color) == "blue"
    assert pulumi_mocks.resolve(service.load_balancer_dns_name).endswith(".elb.amazonaws.com")
    assert ":loadbalancer/app/stack-web-alb/" in pulumi_mocks.resolve(service.load_balancer_arn)
    assert "/stack-web-blue-" in pulumi_mocks.resolve(service.blue_target_group_arn)
    assert "/stack-web-green-" in pulumi_mocks.resolve(service.green_target_group_arn)
    assert pulumi_mocks.resolve(service.green_launch_template_version) == 1


EXISTING = ExistingLoadBalancer(
    arn=LB_ARN, security_group_id="sg-0123456789abcdef0", dns_name="shared.example.com"
)
EU_CERT = CERT.replace("us-east-1", "eu-west-1")

# (the exact field named, changes to make_args())
BAD = [
    ("live", {"live": "red"}),
    ("canary_weight", {"canary_weight": 101}),
    ("canary_weight", {"canary_weight": -1}),
    ("canary_weight", {"canary_weight": 12.5}),
    ("retire_idle", {"retire_idle": True, "canary_weight": 10}),
    ("fleet_subnet_ids", {"fleet_subnet_ids": []}),
    ("fleet_subnet_ids[0]", {"fleet_subnet_ids": ["subnet-nope"]}),
    ("load_balancer_subnet_ids", {"load_balancer_subnet_ids": []}),
    ("load_balancer_subnet_ids", {"load_balancer_subnet_ids": LB_SUBNETS[:1]}),
    ("load_balancer_subnet_ids", {"load_balancer_subnet_ids": [LB_SUBNETS[0]] * 2}),
    ("certificate_arn", {"certificate_arn": "arn:aws:iam::123456789012:role/cert"}),
    ("certificate_arn", {"certificate_arn": "not-an-arn"}),
    ("ingress_cidrs", {"ingress_cidrs": []}),
    ("ingress_cidrs[0]", {"ingress_cidrs": ["10.0.0.1/16"]}),
    ("fleet_egress_cidrs[0]", {"fleet_egress_cidrs": ["everywhere"]}),
    ("vpc_id", {"vpc_id": "vpc-x"}),
    ("blue.image_id", {"blue": BlueGreenColor(image_id="ubuntu")}),
    ("green.image_id", {"green": BlueGreenColor(image_id=None)}),
    ("green.image_build_hash", {"green": BlueGreenColor(image_id=AMI, image_build_hash="")}),
    ("blue.version", {"blue": BlueGreenColor(image_id=AMI, version=" ")}),
    ("app_port", {"app_port": 70000}),
    ("ssl_policy", {"ssl_policy": "ELBSecurityPolicy-2016-08"}),
    ("health_check.path", {"health_check": HealthCheck(path="healthz")}),
    ("health_check.matcher", {"health_check": HealthCheck(matcher="600")}),
    ("health_check.timeout_seconds", {"health_check": HealthCheck(timeout_seconds=20)}),
    ("health_check.interval_seconds", {"health_check": HealthCheck(interval_seconds=1)}),
    ("max_size", {"min_size": 3, "max_size": 2}),
    ("desired_capacity", {"desired_capacity": 5}),
    ("min_healthy_targets", {"min_healthy_targets": 3}),
    ("min_healthy_targets", {"min_healthy_targets": 5, "min_size": 2, "max_size": 4}),
    ("min_size", {"min_size": 0}),
    ("min_size", {"min_size": 0, "max_size": 2, "retire_idle": True}),
    ("min_size", {"min_size": 0, "max_size": 2, "live": "green", "canary_weight": 100}),
    ("health_gate_timeout", {"health_gate_timeout": "soon"}),
    ("min_healthy_targets", {"min_healthy_targets": 0}),
    ("health_gate_timeout", {"health_gate_timeout": "0"}),
    ("health_gate_timeout", {"health_gate_timeout": "0s"}),
    ("health_gate_timeout", {"health_gate_timeout": "0m0s"}),
    ("stickiness_seconds", {"stickiness_seconds": 0}),
    ("access_logs_bucket", {"access_logs_bucket": "Bad_Bucket"}),
    ("access_logs_prefix", {"access_logs_prefix": ""}),
    ("internal", {"internal": "yes"}),
    ("deletion_protection", {"deletion_protection": 1}),
    ("instance_type", {"instance_type": "huge"}),
    ("tags", {"tags": ["Team", "web"]}),
    ("tags['Team']", {"tags": {"Team": None}}),
    (
        "load_balancer.arn",
        {
            "load_balancer": ExistingLoadBalancer(
                arn=CERT, security_group_id="sg-0123456789abcdef0", dns_name="x"
            ),
            "load_balancer_subnet_ids": None,
        },
    ),
    # An existing load balancer keeps its own settings: asking for any is an error, not ignored.
    ("load_balancer_subnet_ids", {"load_balancer": EXISTING}),
    *[
        (name, {"load_balancer": EXISTING, "load_balancer_subnet_ids": None, name: value})
        for name, value in (
            ("internal", False),
            ("internal", True),
            ("deletion_protection", True),
            ("access_logs_bucket", "web-logs"),
            ("access_logs_prefix", "web"),
        )
    ],
    # An ACM certificate of another region than the existing load balancer's.
    (
        "certificate_arn",
        {"load_balancer": EXISTING, "load_balancer_subnet_ids": None, "certificate_arn": EU_CERT},
    ),
    # None where a list or a record is required, or inside a list or mapping: named.
    ("fleet_subnet_ids", {"fleet_subnet_ids": None}),
    ("fleet_subnet_ids[1]", {"fleet_subnet_ids": [FLEET_SUBNETS[0], None]}),
    ("ingress_cidrs", {"ingress_cidrs": None}),
    ("ingress_cidrs[0]", {"ingress_cidrs": [None]}),
    ("ingress_cidrs", {"ingress_cidrs": "0.0.0.0/0"}),
    ("load_balancer_subnet_ids", {"load_balancer_subnet_ids": None}),
    ("load_balancer_subnet_ids[1]", {"load_balancer_subnet_ids": [LB_SUBNETS[0], None]}),
    ("fleet_egress_cidrs[0]", {"fleet_egress_cidrs": [None]}),
    ("blue", {"blue": None}),
    ("green", {"green": "ami-0123456789abcdef0"}),
]


@pytest.mark.parametrize(
    ("field", "changes"), BAD, ids=[f"{f}-{i}" for i, (f, _) in enumerate(BAD)]
)
def test_bad_input_is_rejected_before_anything_is_registered(pulumi_mocks, field, changes):
    with pytest.raises(ComponentInputError) as caught:
        BlueGreenService("web", make_args(**changes))
    assert caught.value.field == field
    assert str(caught.value).startswith(f"BlueGreenService 'web': `{field}` = ")
    assert pulumi_mocks.resources == []


# (the exact field named, a BlueGreenFleet's keyword arguments)
BAD_FLEET = [
    ("fleet.secrets['DB']", {"secrets": {"DB": "vault:db"}}),
    ("fleet.secrets", {"secrets": "ssm:/db"}),
    ("fleet.secrets['DB']", {"secrets": {"DB": None}}),
    ("fleet.settings['A']", {"settings": {"A": None}}),
    ("fleet.settings key", {"settings": {"not a name": "x"}}),
    ("fleet.settings['A']", {"settings": {"A": 1}}),
    ("fleet.restart_services", {"restart_services": "app.service"}),
    ("fleet.restart_services[0]", {"restart_services": [None]}),
    ("fleet.restart_services[0]", {"restart_services": ["not a unit"]}),
    ("fleet.env_file", {"env_file": "app.env"}),
    ("fleet.role_policy_arns[0]", {"role_policy_arns": [None]}),
    ("fleet.role_policy_arns[0]", {"role_policy_arns": ["AmazonSSMManagedInstanceCore"]}),
    (
        "fleet.role_policy_arns",
        {
            "instance_profile_name": "existing",
            "role_policy_arns": ["arn:aws:iam::123456789012:policy/p"],
        },
    ),
    ("fleet.secrets_kms_key_arn", {"secrets_kms_key_arn": "alias/mine"}),
    ("fleet.root_volume_type", {"root_volume_type": "gp9"}),
    ("fleet.root_volume_size_gib", {"root_volume_size_gib": 0}),
    ("fleet.root_volume_iops", {"root_volume_type": "gp2", "root_volume_iops": 3000}),
    ("fleet.root_device_name", {"root_device_name": "xvda"}),
    ("fleet.ebs_kms_key_id", {"ebs_kms_key_id": "my key"}),
    ("fleet.extra_volumes[0]", {"extra_volumes": [None]}),
    ("fleet.extra_volumes[0].device", {"extra_volumes": [{"device": "/dev/sdf"}]}),
    (
        "fleet.extra_volumes[0].size_gib",
        {"extra_volumes": [EbsVolume(device_name="/dev/sdf", size_gib=0)]},
    ),
    (
        "fleet.extra_volumes[1].device_name",
        {
            "extra_volumes": [
                EbsVolume(device_name="/dev/sdf", size_gib=8),
                EbsVolume(device_name="/dev/sdf", size_gib=8),
            ]
        },
    ),
    ("fleet.detailed_monitoring", {"detailed_monitoring": "yes"}),
    ("fleet.health_check_grace_period", {"health_check_grace_period": -1}),
    ("fleet.default_instance_warmup", {"default_instance_warmup": -1}),
    (
        "fleet.instance_maintenance_policy.min_healthy_percentage",
        {"instance_maintenance_policy": InstanceMaintenancePolicy(min_healthy_percentage=101)},
    ),
    ("fleet.refresh", {"refresh": "fast"}),
    (
        "fleet.refresh.min_healthy_percentage",
        {"refresh": RefreshPreferences(min_healthy_percentage=101)},
    ),
    ("fleet.refresh_timeout_minutes", {"refresh_timeout_minutes": 0}),
    ("fleet.refresh_role_arn", {"refresh_role_arn": "deployer"}),
    ("fleet.launch_template_overrides['name']", {"launch_template_overrides": {"name": "x"}}),
    ("fleet.launch_template_overrides key", {"launch_template_overrides": {"no_such": "x"}}),
    ("fleet.launch_template_overrides['A']", {"launch_template_overrides": {"A": None}}),
]


@pytest.mark.parametrize(
    ("field", "fleet"), BAD_FLEET, ids=[f"{f}-{i}" for i, (f, _) in enumerate(BAD_FLEET)]
)
def test_a_bad_fleet_value_fails_under_the_services_name_before_any_registration(
    pulumi_mocks, field, fleet
):
    with pytest.raises(ComponentInputError) as caught:
        BlueGreenService("web", make_args(fleet=BlueGreenFleet(**fleet)))
    assert caught.value.field == field
    assert str(caught.value).startswith(f"BlueGreenService 'web': `{field}` = ")
    assert pulumi_mocks.resources == []


def test_a_fleet_given_as_a_mapping_is_checked_field_by_field(pulumi_mocks):
    with pytest.raises(ComponentInputError) as caught:
        BlueGreenService("web", make_args(fleet={"min_size": 1}))
    assert caught.value.field == "fleet.min_size"
    assert "a field of BlueGreenFleet" in str(caught.value)
    assert pulumi_mocks.resources == []


def test_the_fleet_settings_reach_both_colours(pulumi_mocks):
    fleet = BlueGreenFleet(
        settings={"APP_MESSAGE": "hi"},
        secrets={"DB": "ssm:/db"},
        restart_services=["app.service"],
        role_policy_arns=[POLICY],
        extra_volumes=[EbsVolume(device_name="/dev/sdf", size_gib=20)],
        detailed_monitoring=True,
        health_check_grace_period=120,
        launch_template_overrides={"ebs_optimized": "true"},
    )
    build(pulumi_mocks, fleet=fleet)
    for color in ("blue", "green"):
        template = pulumi_mocks.one("aws:ec2/launchTemplate:LaunchTemplate", f"web-{color}-lt")
        assert template.inputs["monitoring"] == {"enabled": True}
        assert template.inputs["ebsOptimized"] == "true"
        devices = [m["deviceName"] for m in template.inputs["blockDeviceMappings"]]
        assert "/dev/sdf" in devices
        asg = pulumi_mocks.one(ASG, f"web-{color}-asg").inputs
        assert asg["healthCheckGracePeriod"] == 120
        attached = [
            r.inputs["policyArn"]
            for r in pulumi_mocks.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            if r.name.startswith(f"web-{color}-")
        ]
        assert attached == [POLICY]


def test_every_release_input_is_the_services_or_the_fleets():
    """The fleet passes through release inputs only, and only those the service leaves."""
    from immutable_components.blue_green._fleet import OWNED
    from immutable_components.release import LaunchTemplateReleaseArgs

    release = {f.name for f in dataclasses.fields(LaunchTemplateReleaseArgs)}
    fleet = {f.name for f in dataclasses.fields(BlueGreenFleet)}
    assert fleet <= release
    assert not fleet & set(OWNED)
    assert fleet | set(OWNED) == release


def test_a_certificate_of_another_region_than_the_stacks_is_refused(pulumi_mocks):
    pulumi.runtime.set_config("aws:region", "eu-west-1")
    with pytest.raises(ComponentInputError) as caught:
        BlueGreenService("web", make_args(certificate_arn=CERT))
    assert caught.value.field == "certificate_arn"
    assert "in the load balancer's region eu-west-1 (this one is in us-east-1" in str(caught.value)
    assert pulumi_mocks.resources == []
    BlueGreenService("web", make_args(certificate_arn=EU_CERT))  # the stack's region: fine


def test_a_certificate_is_not_compared_with_a_region_only_the_engine_knows(pulumi_mocks):
    import pulumi_aws as aws

    pulumi.runtime.set_config("aws:region", "eu-west-1")
    virginia = aws.Provider("virginia", region="us-east-1")
    BlueGreenService(
        "web",
        make_args(certificate_arn=CERT),
        opts=pulumi.ResourceOptions(providers={"aws": virginia}),
    )
    BlueGreenService(
        "web2", make_args(certificate_arn=CERT), opts=pulumi.ResourceOptions(provider=virginia)
    )
    # IAM server certificates are global.
    iam = "arn:aws:iam::123456789012:server-certificate/web"
    BlueGreenService("web3", make_args(certificate_arn=iam))
    pulumi_mocks.settle()
    assert len(pulumi_mocks.of_type(LISTENER)) == 6


@pytest.mark.parametrize(
    ("changes", "serving"),
    [
        ({}, "blue (weight 100)"),
        ({"live": "green", "retire_idle": True}, "green (weight 100)"),
        ({"live": "green", "canary_weight": 100}, "blue (weight 100)"),
        ({"canary_weight": 30}, "blue (weight 70)"),
    ],
)
def test_a_serving_colour_without_instances_is_refused(pulumi_mocks, changes, serving):
    with pytest.raises(ComponentInputError) as caught:
        BlueGreenService("web", make_args(min_size=0, max_size=2, **changes))
    assert str(caught.value) == (
        "BlueGreenService 'web': `min_size` = 0 is not accepted: at least 1: "
        f"{serving} takes traffic and would send it to an empty group "
        "(retire_idle scales only the idle colour to zero)"
    )
    assert pulumi_mocks.resources == []


@pytest.mark.parametrize(("required", "max_size"), [(3, 4), (5, 4)])
def test_the_gate_cannot_ask_for_more_than_a_colour_at_its_minimum_has(
    pulumi_mocks, required, max_size
):
    with pytest.raises(ComponentInputError) as caught:
        BlueGreenService(
            "web", make_args(min_size=2, max_size=max_size, min_healthy_targets=required)
        )
    assert str(caught.value) == (
        f"BlueGreenService 'web': `min_healthy_targets` = {required} is not accepted: at most "
        f"min_size (2; max_size is {max_size}): a colour at its minimum size must be able to "
        "pass the health gate"
    )
    assert pulumi_mocks.resources == []


def test_fewer_healthy_targets_than_the_minimum_size_are_accepted(pulumi_mocks):
    build(pulumi_mocks, min_size=3, max_size=3, min_healthy_targets=1)
    assert pulumi_mocks.one(GATE).inputs["minHealthyTargets"] == 1
    assert "waitForElbCapacity" not in pulumi_mocks.one(ASG, "web-blue-asg").inputs


def test_unknown_inputs_are_not_validated(pulumi_mocks):
    subnet = pulumi.Output.from_input("subnet-0123456789abcdef9")
    build(
        pulumi_mocks,
        load_balancer_subnet_ids=[subnet, LB_SUBNETS[0]],
        vpc_id=pulumi.Output.from_input("vpc-0123456789abcdef0"),
    )
    assert (
        pulumi_mocks.one("aws:lb/loadBalancer:LoadBalancer").inputs["subnets"][1] == LB_SUBNETS[0]
    )


def test_the_gate_acts_as_an_explicit_provider(pulumi_mocks):
    import pulumi
    import pulumi_aws as aws

    hub = "arn:aws:iam::210987654321:role/hub"
    deploy = aws.Provider(
        "deploy", region="eu-west-1", profile="prod", assume_roles=[{"role_arn": hub}]
    )
    BlueGreenService("web", make_args(), pulumi.ResourceOptions(providers={"aws": deploy}))
    identity = pulumi_mocks.one(GATE, "web-blue-gate").inputs["identity"]
    assert (identity["region"], identity["profile"]) == ("eu-west-1", "prod")
    assert [r["roleArn"] for r in identity["assumeRoles"]] == [hub]


def test_without_an_explicit_provider_the_gate_reads_the_stack_config(pulumi_mocks):
    build(pulumi_mocks)
    assert pulumi_mocks.one(GATE, "web-blue-gate").inputs.get("identity") is None
