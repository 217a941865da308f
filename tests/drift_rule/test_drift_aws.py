"""DriftRule on AWS: the Config rule, the 21-id boundary, alerts and the recorder."""

import json

import pulumi
import pytest

from immutable_components import AwsDriftTarget, DriftRule, DriftRuleArgs
from immutable_components.drift_rule import aws as drift_aws

RULE = "aws:cfg/rule:Rule"


def ami(i: int) -> str:
    return f"ami-{i:017x}"


def make(name="drift", images=None, **target):
    return DriftRule(
        name,
        DriftRuleArgs(
            target=AwsDriftTarget(**target),
            approved_images=images if images is not None else [ami(1), ami(2)],
        ),
    )


def test_default_resources_exact(pulumi_mocks):
    make()
    got = [(r.type, r.name) for r in pulumi_mocks.resources]
    assert got == [
        ("immutable:index:DriftRule", "drift"),
        (RULE, "drift-approved-amis"),
        ("aws:kms/key:Key", "drift-alerts-key"),
        ("aws:sns/topic:Topic", "drift-alerts"),
        ("aws:cloudwatch/eventRule:EventRule", "drift-noncompliant"),
        ("aws:sns/topicPolicy:TopicPolicy", "drift-alerts-policy"),
        ("aws:cloudwatch/eventTarget:EventTarget", "drift-noncompliant-to-sns"),
    ]
    component = pulumi_mocks.one("immutable:index:DriftRule", "drift")
    for child in pulumi_mocks.resources[1:]:
        assert child.parent == component.urn


def test_managed_rule_inputs(pulumi_mocks):
    make(images=[ami(2), ami(1), ami(2)])
    rule = pulumi_mocks.one(RULE, "drift-approved-amis")
    assert rule.inputs["name"] == "stack-drift-approved-amis"  # the stack in the name
    assert rule.inputs["source"] == {"owner": "AWS", "sourceIdentifier": "APPROVED_AMIS_BY_ID"}
    assert json.loads(rule.inputs["inputParameters"]) == {"amiIds": f"{ami(1)},{ami(2)}"}
    assert rule.inputs["scope"] == {"complianceResourceTypes": ["AWS::EC2::Instance"]}
    assert rule.options["deleteBeforeReplace"] is True


def test_golden_image_and_output_ids_feed_the_rule(pulumi_mocks):
    from immutable_components import AwsBuilder, GoldenImage, GoldenImageArgs, RunCommands

    img = GoldenImage(
        "base",
        GoldenImageArgs(
            builder=AwsBuilder(
                source=ami(9), subnet_id="subnet-0123456789abcdef0", ssh_cidrs=["10.0.0.0/8"]
            ),
            provisioners=[RunCommands(commands=["true"])],
        ),
    )
    d = make(images=[img, pulumi.Output.from_input(ami(3))])
    image_id = pulumi_mocks.resolve(img.image_id)
    rule = pulumi_mocks.one(RULE, "drift-approved-amis")
    # While the image bakes, its builder boots ami(9): approved for the bake, so the builder
    # is no finding (the next `up` reuses the image, and the approval goes with the bakery).
    approved = sorted([image_id, ami(3), ami(9)])
    assert json.loads(rule.inputs["inputParameters"]) == {"amiIds": ",".join(approved)}
    ami_urn = pulumi_mocks.one("aws:ec2/amiFromInstance:AmiFromInstance", "base-image").urn
    assert ami_urn in rule.dependencies
    assert pulumi_mocks.resolve(d.approved_image_ids) == approved


def test_a_reused_image_approves_no_builder_source(pulumi_mocks):
    from immutable_components import AwsBuilder, GoldenImage, GoldenImageArgs, RunCommands

    held = "ami-0bbbbbbbbbbbbbbbb"
    pulumi_mocks.mocks.register_invoke(
        "aws:ec2/getAmiIds:getAmiIds", lambda c: {"id": c.region, "ids": [held]}
    )
    img = GoldenImage(
        "base",
        GoldenImageArgs(
            builder=AwsBuilder(
                source=ami(9), subnet_id="subnet-0123456789abcdef0", ssh_cidrs=["10.0.0.0/8"]
            ),
            provisioners=[RunCommands(commands=["true"])],
        ),
    )
    d = make(images=[img])
    assert pulumi_mocks.resolve(d.approved_image_ids) == [held]


@pytest.mark.parametrize(("count", "kind"), [(20, "AWS"), (21, "AWS"), (22, "CUSTOM_POLICY")])
def test_21_id_boundary(pulumi_mocks, count, kind):
    ids = [ami(i) for i in range(count)]
    make(images=ids)
    rules = pulumi_mocks.of_type(RULE)
    assert [r.name for r in rules] == ["drift-approved-amis"]  # never split
    source = rules[0].inputs["source"]
    assert source["owner"] == kind
    if kind == "AWS":
        assert json.loads(rules[0].inputs["inputParameters"])["amiIds"].split(",") == sorted(ids)
        assert "customPolicyDetails" not in source
    else:
        assert "inputParameters" not in rules[0].inputs
        assert source["sourceDetails"] == [{"messageType": "ConfigurationItemChangeNotification"}]
        details = source["customPolicyDetails"]
        assert details["policyRuntime"] == "guard-2.x.x"
        assert details["policyText"] == drift_aws.guard_policy(ids)
        for i in ids:
            assert f'"{i}"' in details["policyText"]
        assert 'resourceType == "AWS::EC2::Instance"' in details["policyText"]
        assert "configuration.imageId IN [" in details["policyText"]


def test_unknown_ids_are_counted_at_construction():
    ids = [pulumi.Output.from_input(ami(i)) for i in range(22)]
    assert drift_aws.rule_kind(ids[:21]) == "APPROVED_AMIS_BY_ID"
    assert drift_aws.rule_kind(ids) == "CUSTOM_POLICY"


def test_1024_character_limit():
    # 21 of the longest AMI ids fit with room to spare: the count decides for AMI ids.
    longest = [ami(i) for i in range(21)]
    assert len(drift_aws.ami_ids_parameter_value(longest)) == 21 * 21 + 20 <= 1024
    # The length rule is still applied to whatever is known.
    assert drift_aws.rule_kind(["x" * 340] * 3) == "APPROVED_AMIS_BY_ID"  # 1,022 chars
    assert drift_aws.rule_kind(["x" * 341] * 3) == "CUSTOM_POLICY"  # 1,025 chars


def test_policy_text_limit(pulumi_mocks):
    capacity = drift_aws._guard_capacity()
    assert len(drift_aws.guard_policy([ami(i) for i in range(capacity)])) <= 10_000
    assert len(drift_aws.guard_policy([ami(i) for i in range(capacity + 1)])) > 10_000
    with pytest.raises(ValueError, match=r"approved_images.*at most"):
        make(images=[ami(i) for i in range(capacity + 1)])


def test_event_pattern_and_target(pulumi_mocks):
    make()
    event = pulumi_mocks.one("aws:cloudwatch/eventRule:EventRule", "drift-noncompliant")
    assert json.loads(event.inputs["eventPattern"]) == {
        "source": ["aws.config"],
        "detail-type": ["Config Rules Compliance Change"],
        "detail": {
            "messageType": ["ComplianceChangeNotification"],
            "configRuleName": ["stack-drift-approved-amis"],
            "newEvaluationResult": {"complianceType": ["NON_COMPLIANT"]},
        },
    }
    target = pulumi_mocks.one("aws:cloudwatch/eventTarget:EventTarget")
    assert target.inputs["arn"].startswith("arn:aws:sns:us-east-1:123456789012:drift-alerts")
    assert target.inputs["rule"].startswith("drift-noncompliant")
    policy = pulumi_mocks.one("aws:sns/topicPolicy:TopicPolicy")
    assert policy.urn in target.dependencies


def test_topic_encryption_and_policies(pulumi_mocks):
    d = make()
    key = pulumi_mocks.one("aws:kms/key:Key", "drift-alerts-key")
    assert key.inputs["enableKeyRotation"] is True
    key_policy = json.loads(key.inputs["policy"])
    events = [
        s for s in key_policy["Statement"] if s["Principal"] == {"Service": "events.amazonaws.com"}
    ]
    assert events == [
        {
            "Sid": "EventBridgePublishesToEncryptedTopic",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
            "Resource": "*",
        }
    ]
    topic = pulumi_mocks.one("aws:sns/topic:Topic", "drift-alerts")
    assert topic.inputs["kmsMasterKeyId"].startswith("arn:aws:kms:us-east-1:123456789012:key/")
    assert topic.inputs["kmsMasterKeyId"] != "alias/aws/sns"
    topic_arn = pulumi_mocks.resolve(d.topic_arn)
    policy = pulumi_mocks.one("aws:sns/topicPolicy:TopicPolicy", "drift-alerts-policy")
    assert policy.inputs["arn"] == topic_arn
    (statement,) = json.loads(policy.inputs["policy"])["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Action"] == "sns:Publish"
    assert statement["Resource"] == topic_arn
    assert statement["Condition"]["ArnEquals"]["aws:SourceArn"].startswith(
        "arn:aws:events:us-east-1:123456789012:rule/drift-noncompliant"
    )


def test_subscriptions(pulumi_mocks):
    make(alert_emails=["ops@example.com"], alert_https_endpoints=["https://hooks.example.com/x"])
    email = pulumi_mocks.one("aws:sns/topicSubscription:TopicSubscription", "drift-alert-email-0")
    https = pulumi_mocks.one("aws:sns/topicSubscription:TopicSubscription", "drift-alert-https-0")
    assert (email.inputs["protocol"], email.inputs["endpoint"]) == ("email", "ops@example.com")
    assert (https.inputs["protocol"], https.inputs["endpoint"]) == (
        "https",
        "https://hooks.example.com/x",
    )


def test_existing_topic(pulumi_mocks):
    arn = "arn:aws:sns:us-east-1:123456789012:platform-alerts"
    d = make(alert_topic_arn=arn)
    assert pulumi_mocks.of_type("aws:sns/topic:Topic") == []
    assert pulumi_mocks.of_type("aws:kms/key:Key") == []
    assert pulumi_mocks.of_type("aws:sns/topicPolicy:TopicPolicy") == []
    assert pulumi_mocks.one("aws:cloudwatch/eventTarget:EventTarget").inputs["arn"] == arn
    assert pulumi_mocks.resolve(d.topic_arn) == arn


def test_recorder(pulumi_mocks):
    make(create_recorder=True)
    names = [r.name for r in pulumi_mocks.resources]
    assert names[1:12] == [
        "drift-config-bucket",
        "drift-config-bucket-encryption",
        "drift-config-bucket-public-access",
        "drift-config-bucket-policy",
        "drift-config-role",
        "drift-config-role-managed",
        "drift-config-role-delivery",
        "drift-config-recorder",
        "drift-config-delivery",
        "drift-config-recorder-status",
        "drift-approved-amis",
    ]
    pab = pulumi_mocks.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    for flag in (
        "blockPublicAcls",
        "blockPublicPolicy",
        "ignorePublicAcls",
        "restrictPublicBuckets",
    ):
        assert pab.inputs[flag] is True
    sse = pulumi_mocks.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    )
    assert sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"] == {
        "sseAlgorithm": "AES256"
    }
    attach = pulumi_mocks.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert attach.inputs["policyArn"] == "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole"
    role = pulumi_mocks.one("aws:iam/role:Role", "drift-config-role")
    assert json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]["Principal"] == {
        "Service": "config.amazonaws.com"
    }
    recorder = pulumi_mocks.one("aws:cfg/recorder:Recorder")
    assert recorder.inputs["recordingGroup"] == {
        "allSupported": False,
        "resourceTypes": ["AWS::EC2::Instance"],
        "recordingStrategies": [{"useOnly": "INCLUSION_BY_RESOURCE_TYPES"}],
    }
    status = pulumi_mocks.one("aws:cfg/recorderStatus:RecorderStatus")
    assert status.inputs == {"name": "drift-config-recorder", "isEnabled": True}
    channel = pulumi_mocks.one("aws:cfg/deliveryChannel:DeliveryChannel")
    assert channel.urn in status.dependencies
    assert status.urn in pulumi_mocks.one(RULE).dependencies


def test_no_recorder_by_default(pulumi_mocks):
    make()
    assert pulumi_mocks.of_type("aws:cfg/recorder:Recorder") == []
    assert pulumi_mocks.of_type("aws:s3/bucket:Bucket") == []


def test_outputs_registered(pulumi_mocks):
    d = make()
    assert pulumi_mocks.resolve(d.rule_names) == ["stack-drift-approved-amis"]
    component = pulumi_mocks.one("immutable:index:DriftRule", "drift")
    assert component.outputs["rule_names"] == ["stack-drift-approved-amis"]
    assert component.outputs["topic_arn"] == pulumi_mocks.resolve(d.topic_arn)
    assert component.outputs["approved_image_ids"] == [ami(1), ami(2)]


def test_component_ignore_changes_reach_the_children_that_have_the_property(pulumi_mocks):
    import pulumi

    DriftRule(
        "drift",
        DriftRuleArgs(target=AwsDriftTarget(), approved_images=[ami(1)]),
        pulumi.ResourceOptions(ignore_changes=["input_parameters", "tags"]),
    )
    rule = pulumi_mocks.one(RULE, "drift-approved-amis")
    assert rule.options["ignoreChanges"] == ["inputParameters", "tags"]
    topic = pulumi_mocks.one("aws:sns/topic:Topic")
    assert topic.options["ignoreChanges"] == ["tags"]
