"""DriftRule on AWS: the Config rule, the 21-id boundary, alerts and the recorder."""

import json

import pulumi
import pytest

from immutable_components import AwsDriftTarget, ComponentInputError, DriftRule, DriftRuleArgs
from immutable_components.drift_rule import aws as drift_aws
from immutable_components.testing import hex_id

from ._support import aws_golden_image, settle_errors

RULE = "aws:cfg/rule:Rule"
ACCOUNT = "arn:aws:{}:us-east-1:123456789012"


def ami(i: int) -> str:
    return f"ami-{i:017x}"


def mock_name(type_token: str, name: str) -> str:
    """The physical name the mocks give an auto-named resource."""
    return f"{name}-{hex_id(type_token, name)[:7]}"


def make(name="drift", images=None, sets=None, **target):
    return DriftRule(
        name,
        DriftRuleArgs(
            aws=AwsDriftTarget(**target),
            approved_image_ids=images if images is not None or sets else [ami(1), ami(2)],
            approved_image_sets=sets,
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
    img = aws_golden_image("base", source=ami(9))
    d = make(images=[pulumi.Output.from_input(ami(3))], sets=[img.approved_image_ids])
    image_id = pulumi_mocks.resolve(img.image_id)
    assert image_id not in (ami(3), ami(9))
    rule = pulumi_mocks.one(RULE, "drift-approved-amis")
    # While the image bakes, its builder boots ami(9): approved for the bake, so the builder
    # is no finding (the next `up` reuses the image, and the approval goes with the bakery).
    approved = sorted([image_id, ami(3), ami(9)])
    assert json.loads(rule.inputs["inputParameters"]) == {"amiIds": ",".join(approved)}
    assert rule.inputs["source"] == {"owner": "AWS", "sourceIdentifier": "APPROVED_AMIS_BY_ID"}
    ami_urn = pulumi_mocks.one("aws:ec2/amiFromInstance:AmiFromInstance", "base-image").urn
    assert ami_urn in rule.dependencies
    assert pulumi_mocks.resolve(d.approved_image_ids) == approved
    assert pulumi_mocks.resolve(img.approved_image_ids) == [image_id, ami(9)]


def test_a_reused_image_approves_no_builder_source(pulumi_mocks):
    held = "ami-0bbbbbbbbbbbbbbbb"
    pulumi_mocks.mocks.register_invoke(
        "aws:ec2/getAmiIds:getAmiIds", lambda c: {"id": c.region, "ids": [held]}
    )
    img = aws_golden_image("base", source=ami(9))
    d = make(sets=[img.approved_image_ids])
    assert pulumi_mocks.resolve(d.approved_image_ids) == [held]


def test_ids_given_and_sets_given_as_lists_are_one_set(pulumi_mocks):
    d = make(images=[ami(2), ami(1)], sets=[[ami(3), ami(1)], [ami(2)]])
    rule = pulumi_mocks.one(RULE, "drift-approved-amis")
    assert json.loads(rule.inputs["inputParameters"]) == {"amiIds": f"{ami(1)},{ami(2)},{ami(3)}"}
    assert pulumi_mocks.resolve(d.approved_image_ids) == [ami(1), ami(2), ami(3)]


@pytest.mark.parametrize("as_output", [False, True])
@pytest.mark.parametrize(("count", "kind"), [(20, "AWS"), (21, "AWS"), (22, "CUSTOM_POLICY")])
def test_21_id_boundary(pulumi_mocks, count, kind, as_output):
    ids = [ami(i) for i in range(count)]
    if as_output:  # an Output set (a GoldenImage's): the kind is decided when it resolves
        make(sets=[pulumi.Output.from_input(ids)])
    else:
        make(images=ids)
    rules = pulumi_mocks.of_type(RULE)
    assert [r.name for r in rules] == ["drift-approved-amis"]  # never split
    source = rules[0].inputs["source"]
    if kind == "AWS":
        assert source == {"owner": "AWS", "sourceIdentifier": "APPROVED_AMIS_BY_ID"}
        assert json.loads(rules[0].inputs["inputParameters"])["amiIds"].split(",") == sorted(ids)
        assert rules[0].inputs["description"] == (
            "EC2 instances must run an image approved by DriftRule 'drift'"
        )
    else:
        assert "inputParameters" not in rules[0].inputs
        assert rules[0].inputs["description"] == (
            "EC2 instances must run an image approved by DriftRule 'drift' (22 images: more "
            "than APPROVED_AMIS_BY_ID holds)"
        )
        expected_text = (
            'rule approved_image_ids when resourceType == "AWS::EC2::Instance" {\n'
            "  configuration.imageId IN [\n"
            + ",\n".join(f'    "{i}"' for i in sorted(ids))
            + "\n  ]\n"
            "  <<The instance runs an image that is not in the approved set.>>\n"
            "}\n"
        )
        assert source == {
            "owner": "CUSTOM_POLICY",
            "sourceDetails": [{"messageType": "ConfigurationItemChangeNotification"}],
            "customPolicyDetails": {"policyRuntime": "guard-2.x.x", "policyText": expected_text},
        }


@pytest.mark.parametrize("as_output", [False, True])
def test_duplicates_count_once(pulumi_mocks, as_output):
    # 22 entries, 21 distinct ids: the managed rule holds them, whether the ids are known at
    # construction or only when an Output set resolves.
    ids = [ami(i) for i in range(21)] + [ami(0)]
    if as_output:
        make(images=[pulumi.Output.from_input(i) for i in ids])
    else:
        make(images=ids)
    rule = pulumi_mocks.one(RULE)
    assert rule.inputs["source"]["owner"] == "AWS"
    assert json.loads(rule.inputs["inputParameters"])["amiIds"].split(",") == sorted(set(ids))


def test_rule_kind():
    assert drift_aws.rule_kind([ami(i) for i in range(21)]) == "APPROVED_AMIS_BY_ID"
    assert drift_aws.rule_kind([ami(i) for i in range(22)]) == "CUSTOM_POLICY"
    assert drift_aws.rule_kind([ami(1)] * 30) == "APPROVED_AMIS_BY_ID"


def test_1024_character_limit():
    # 21 of the longest AMI ids fit with room to spare: the count decides for AMI ids.
    longest = [ami(i) for i in range(21)]
    assert len(drift_aws.ami_ids_parameter_value(longest)) == 461
    # The length rule is still applied (to distinct ids).
    assert drift_aws.rule_kind([c * 340 for c in "xyz"]) == "APPROVED_AMIS_BY_ID"  # 1,022
    assert drift_aws.rule_kind([c * 341 for c in "xyz"]) == "CUSTOM_POLICY"  # 1,025


def test_policy_text_limit(pulumi_mocks):
    # Each id takes 29 characters of policy text, the rest 168: 339 ids take 9,999.
    capacity = drift_aws._guard_capacity()
    assert capacity == 339
    assert len(drift_aws.guard_policy([ami(i) for i in range(capacity)])) <= 10_000
    assert len(drift_aws.guard_policy([ami(i) for i in range(capacity + 1)])) > 10_000
    make(images=[ami(i) for i in range(capacity)])  # fits
    with pytest.raises(ComponentInputError) as error:
        make(name="over", images=[ami(i) for i in range(capacity + 1)])
    assert error.value.field == "approved_image_ids"
    assert error.value.value == "340 images"
    assert "at most 339 images" in error.value.accepted


def test_policy_text_limit_of_an_output_set(pulumi_mocks):
    make(sets=[pulumi.Output.from_input([ami(i) for i in range(340)])])
    errors = settle_errors(pulumi_mocks)
    assert "DriftRule 'drift': `approved_image_ids` = '340 images' is not accepted" in errors


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
    topic = ACCOUNT.format("sns") + ":" + mock_name("aws:sns/topic:Topic", "drift-alerts")
    assert target.inputs == {
        "arn": topic,
        "rule": mock_name("aws:cloudwatch/eventRule:EventRule", "drift-noncompliant"),
        "targetId": "sns",
    }
    policy = pulumi_mocks.one("aws:sns/topicPolicy:TopicPolicy")
    assert policy.urn in target.dependencies
    assert event.urn in target.dependencies


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
    key_hex = hex_id(hex_id("aws:kms/key:Key", "drift-alerts-key"), "kms", length=32)
    key_id = "-".join(key_hex[i:j] for i, j in ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32)))
    assert topic.inputs["kmsMasterKeyId"] == ACCOUNT.format("kms") + f":key/{key_id}"
    assert key.urn in topic.dependencies
    topic_arn = pulumi_mocks.resolve(d.topic_arn)
    assert topic_arn == ACCOUNT.format("sns") + ":" + mock_name(
        "aws:sns/topic:Topic", "drift-alerts"
    )
    policy = pulumi_mocks.one("aws:sns/topicPolicy:TopicPolicy", "drift-alerts-policy")
    assert policy.inputs["arn"] == topic_arn
    (statement,) = json.loads(policy.inputs["policy"])["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Action"] == "sns:Publish"
    assert statement["Resource"] == topic_arn
    assert statement["Condition"] == {
        "ArnEquals": {
            "aws:SourceArn": ACCOUNT.format("events")
            + ":rule/"
            + mock_name("aws:cloudwatch/eventRule:EventRule", "drift-noncompliant")
        }
    }


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
        DriftRuleArgs(aws=AwsDriftTarget(), approved_image_ids=[ami(1)]),
        pulumi.ResourceOptions(ignore_changes=["input_parameters", "tags"]),
    )
    rule = pulumi_mocks.one(RULE, "drift-approved-amis")
    assert rule.options["ignoreChanges"] == ["inputParameters", "tags"]
    topic = pulumi_mocks.one("aws:sns/topic:Topic")
    assert topic.options["ignoreChanges"] == ["tags"]
