"""`immutable plan` on programs as users write them: data sources, invokes files,
StackReference, logged errors, --preview; and the table of mocked data sources."""

from __future__ import annotations

import json
import re
from pathlib import Path

from immutable_components.cli import main
from immutable_components.testing import INVOKE_RESULTS

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "plan_programs"
DOCS = HERE.parent / "docs" / "plan.md"


def plan(capsys, program: str, *args: str) -> tuple[int, dict, str]:
    code = main(["plan", "--cwd", str(PROGRAMS / program), "--stack", "test", "--json", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else {}), err


def by_type(doc: dict, typ: str) -> dict:
    (found,) = [r for r in doc["resources"] if r["type"] == typ]
    return found


def test_an_existing_vpc_service_plans_offline(capsys):
    code, doc, _ = plan(capsys, "existing_vpc")
    assert code == 0
    vpc = doc["outputs"]["vpc"]
    assert re.fullmatch(r"vpc-[0-9a-f]{17}", vpc)
    assert doc["outputs"]["cidr"] == "10.0.0.0/16"
    subnets = doc["outputs"]["subnets"]
    assert len(subnets) == 3 and all(re.fullmatch(r"subnet-[0-9a-f]{17}", s) for s in subnets)
    assert re.fullmatch(
        r"arn:aws:acm:eu-west-1:123456789012:certificate/[0-9a-f-]{36}",
        doc["outputs"]["certificate"],
    )
    assert by_type(doc, "aws:ec2/securityGroup:SecurityGroup")["inputs"]["vpcId"] == vpc
    assert by_type(doc, "aws:lb/loadBalancer:LoadBalancer")["inputs"]["subnets"] == subnets
    listener = by_type(doc, "aws:lb/listener:Listener")
    assert listener["inputs"]["certificateArn"] == doc["outputs"]["certificate"]
    # deterministic: the same answers on a second run
    assert plan(capsys, "existing_vpc")[1] == doc


def test_an_image_parameter_holds_an_ami_id_and_other_parameters_text(capsys):
    code, doc, _ = plan(capsys, "ssm_read")
    assert code == 0
    assert re.fullmatch(r"ami-[0-9a-f]{17}", doc["outputs"]["image"])
    assert re.fullmatch(r"mock-value-[0-9a-f]{8}", doc["outputs"]["owner"])
    lt = by_type(doc, "aws:ec2/launchTemplate:LaunchTemplate")
    assert lt["inputs"]["imageId"] == doc["outputs"]["image"]


def test_an_invokes_file_answers_and_wins_over_the_defaults(capsys, tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps(
            [
                {
                    "token": "aws:ssm/getParameter:getParameter",
                    "args": {"name": "/images/app/dev"},
                    "result": {"name": "/images/app/dev", "value": "ami-0fedcba9876543210"},
                }
            ]
        )
    )
    code, doc, _ = plan(capsys, "ssm_read", "--invokes", str(answers))
    assert code == 0
    assert doc["outputs"]["image"] == "ami-0fedcba9876543210"
    assert doc["outputs"]["owner"].startswith("mock-value-")  # args did not match: default


def test_an_unanswered_invoke_exits_2_naming_token_args_line_and_the_entry(capsys):
    code, _, err = plan(capsys, "unanswered")
    assert code == 2
    assert err == (
        "error: The program asked a question nobody answers: no mock for "
        "invoke 'aws:ec2/getVpcEndpoint:getVpcEndpoint' (args "
        '{"serviceName": "com.amazonaws.eu-west-1.s3"}) called at __main__.py:6. Answer it '
        "with a file given to --invokes (or listed in the stack config immutable:planInvokes), "
        "or in a test with RecordingMocks.register_invoke; the entry:\n"
        "- token: aws:ec2/getVpcEndpoint:getVpcEndpoint\n"
        '  args: {"serviceName": "com.amazonaws.eu-west-1.s3"}\n'
        "  result: {}  # the fields the program reads, e.g. {id: ...}\n"
    )
    answers = PROGRAMS / "unanswered" / "invokes.yaml"
    code, doc, _ = plan(capsys, "unanswered", "--invokes", str(answers))
    assert code == 0 and doc["outputs"]["endpoint"] == "vpce-0123456789abcdef0"


def test_the_stack_config_lists_invokes_files_relative_to_the_project(capsys):
    code, doc, _ = plan(capsys, "unanswered", "--config", 'immutable:planInvokes=["invokes.yaml"]')
    assert code == 0 and doc["outputs"]["endpoint"] == "vpce-0123456789abcdef0"


def test_a_stack_reference_reads_the_given_outputs(capsys):
    outputs = PROGRAMS / "stack_ref" / "network-prod.yaml"
    code, doc, _ = plan(capsys, "stack_ref", "--stack-output", f"acme/network/prod={outputs}")
    assert code == 0
    assert doc["outputs"] == {
        "subnets": ["subnet-0aaa1111bbbb22223", "subnet-0ccc3333dddd44445"],
        "vpc": "vpc-0a1b2c3d4e5f60718",
    }
    sg = by_type(doc, "aws:ec2/securityGroup:SecurityGroup")
    assert sg["inputs"]["vpcId"] == "vpc-0a1b2c3d4e5f60718"
    code, same, _ = plan(
        capsys,
        "stack_ref",
        "--config",
        'immutable:planStackOutputs={"acme/network/prod": "network-prod.yaml"}',
    )
    assert code == 0 and same == doc


def test_a_stack_reference_without_outputs_exits_2_naming_the_flag(capsys):
    code, _, err = plan(capsys, "stack_ref")
    assert code == 2
    assert "no outputs for the referenced stack 'acme/network/prod'" in err
    assert "--stack-output acme/network/prod=FILE" in err


def test_a_logged_error_fails_the_plan(capsys):
    code, _, err = plan(capsys, "logs_error")
    assert code == 2
    assert err == "error: The program logged 1 error(s): the team tag is missing\n"


def test_preview_leaves_ids_and_computed_outputs_unknown(capsys):
    code, doc, _ = plan(capsys, "existing_vpc", "--preview")
    assert code == 0
    listener = by_type(doc, "aws:lb/listener:Listener")
    assert listener["inputs"]["loadBalancerArn"] == "[unknown]"
    assert by_type(doc, "aws:lb/loadBalancer:LoadBalancer")["inputs"]["subnets"][0].startswith(
        "subnet-"
    )  # data sources still answer in a preview


def test_a_bad_invokes_file_exits_2_naming_it(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- {token: x, result: 3}\n")
    code, _, err = plan(capsys, "ssm_read", "--invokes", str(bad))
    assert code == 2
    assert err == f"error: {bad}#0: `args` and `result` must be mappings\n"


def test_docs_table_lists_exactly_the_mocked_data_sources():
    text = DOCS.read_text()
    section = text.split("## Mocked data sources", 1)[1].split("\n## ", 1)[0]
    tokens = re.findall(r"^\| `([^`]+)` \|", section, flags=re.M)
    assert sorted(tokens) == sorted(INVOKE_RESULTS)
    assert len(tokens) == len(set(tokens))


def test_every_mocked_data_source_answers_the_sdk_call_as_users_write_it():
    import pulumi_aws as aws
    import pulumi_azure_native as azure
    import pulumi_gcp as gcp

    from immutable_components.testing import mocked

    with mocked(region="eu-west-1") as run:
        sg = aws.ec2.get_security_group(name="web", vpc_id="vpc-0a1b2c3d4e5f60718")
        secret = aws.secretsmanager.get_secret(name="app/db")
        zone = aws.route53.get_zone(name="example.com.")
        alias = aws.kms.get_alias(name="alias/aws/ebs")
        vpc = aws.ec2.get_vpc(id="vpc-0a1b2c3d4e5f60718")
        project = gcp.organizations.get_project()
        zones = gcp.compute.get_zones(region="europe-west1")
        network = gcp.compute.get_network(name="shared")
        subnet = gcp.compute.get_subnetwork(name="apps", region="europe-west1")
        client = azure.authorization.get_client_config()
        group = azure.resources.get_resource_group(resource_group_name="rg-apps")
        asubnet = azure.network.get_subnet(
            resource_group_name="rg-net", virtual_network_name="hub", subnet_name="apps"
        )
        run.settle()
    assert (sg.name, sg.vpc_id) == ("web", "vpc-0a1b2c3d4e5f60718")
    assert re.fullmatch(r"sg-[0-9a-f]{17}", sg.id)
    assert re.fullmatch(
        r"arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/db-[0-9a-f]{6}", secret.arn
    )
    assert zone.name == "example.com" and re.fullmatch(r"Z[0-9A-F]{20}", zone.zone_id)
    assert len(zone.name_servers) == 4
    assert alias.target_key_arn == f"arn:aws:kms:eu-west-1:123456789012:key/{alias.target_key_id}"
    assert (vpc.id, vpc.state, vpc.cidr_block) == (
        "vpc-0a1b2c3d4e5f60718",
        "available",
        "10.0.0.0/16",
    )
    assert project.project_id == "mock-project" and len(project.number) == 12
    assert zones.names == ["europe-west1-a", "europe-west1-b", "europe-west1-c"]
    assert network.self_link == (
        "https://www.googleapis.com/compute/v1/projects/mock-project/global/networks/shared"
    )
    assert subnet.id == "projects/mock-project/regions/europe-west1/subnetworks/apps"
    assert client.subscription_id == "00000000-0000-0000-0000-000000000000"
    assert group.id == "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-apps"
    assert asubnet.id.endswith(
        "/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/hub/subnets/apps"
    )
