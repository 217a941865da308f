"""Boot configuration: references, the IAM policy, the user data and the boot-time fetcher."""

from __future__ import annotations

import base64
import datetime
import json
import os
import re
import socket
import stat
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import boto3
import botocore.auth
import pytest
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from immutable_components._validate import Check
from immutable_components.errors import ComponentInputError
from immutable_components.release import _fetch_config
from immutable_components.release.boot_config import (
    USER_DATA_MAX_BASE64,
    SecretRef,
    parse_secret_ref,
    secret_policy,
    validate_boot_config,
)

CHECK = Check("LaunchTemplateRelease", "web")
ACCOUNT = "123456789012"


def boot(settings=None, secrets=None, env_file="/etc/immutable/app.env", restart=(), **kw):
    return validate_boot_config(CHECK, settings or {}, secrets or {}, env_file, restart, **kw)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ssm:/immutable/dev/db-password", SecretRef("ssm", "/immutable/dev/db-password")),
        ("ssm:plain_name.v2", SecretRef("ssm", "plain_name.v2")),
        (
            "ssm:arn:aws:ssm:eu-west-1:123456789012:parameter/shared/key",
            SecretRef("ssm", "arn:aws:ssm:eu-west-1:123456789012:parameter/shared/key"),
        ),
        ("secretsmanager:prod/api-key", SecretRef("secretsmanager", "prod/api-key")),
        (
            "secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
            SecretRef(
                "secretsmanager", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
            ),
        ),
    ],
)
def test_references_parse(value, expected):
    assert parse_secret_ref(CHECK, "secrets['X']", value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "vault:secret/data/db",  # unknown scheme
        "s3://bucket/key",
        "/immutable/dev/db-password",  # no scheme
        "ssm:",
        "ssm:/has space",
        "ssm:/aws/reserved",
        "ssm:arn:aws:secretsmanager:us-east-1:123456789012:secret:x",  # wrong service
        "secretsmanager:",
        "secretsmanager:bad name",
        "secretsmanager:arn:aws:ssm:us-east-1:123456789012:parameter/x",
        42,
    ],
)
def test_bad_references_are_refused(value):
    with pytest.raises(ComponentInputError) as info:
        parse_secret_ref(CHECK, "secrets['X']", value)
    assert (info.value.field, info.value.value) == ("secrets['X']", value)


def test_unknown_scheme_is_refused_by_name():
    with pytest.raises(ComponentInputError, match=r"`secrets\['DB'\]` = 'vault:db'"):
        boot(secrets={"DB": "vault:db"})


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"settings": {"1BAD": "x"}}, "settings key"),
        ({"settings": {"OK": 3}}, "settings['OK']"),
        ({"secrets": {"BAD-NAME": "ssm:/x"}}, "secrets key"),
        ({"settings": {"A": "x"}, "secrets": {"A": "ssm:/a"}}, "secrets['A']"),
        ({"env_file": "relative/app.env"}, "env_file"),
        ({"env_file": "/etc/app env"}, "env_file"),
        ({"restart": "app.service"}, "restart_services"),
        ({"restart": ["app service"]}, "restart_services[0]"),
    ],
)
def test_bad_boot_inputs_are_refused(kwargs, field):
    with pytest.raises(ComponentInputError) as info:
        boot(**kwargs)
    assert info.value.field == field


def test_user_data_over_16_kb_is_refused():
    with pytest.raises(ComponentInputError, match=r"settings.*at most 16 KB"):
        boot(settings={"BIG": "x" * 16_000})
    config = boot(settings={"FITS": "x" * 8_000})
    # The API's own limit on UserData ("length less than or equal to 21847"), not our constant.
    assert len(config.user_data_base64()) <= 21847
    assert USER_DATA_MAX_BASE64 == 21847


def test_user_data_holds_references_not_values_and_writes_a_0600_file():
    config = boot(
        settings={"APP_MESSAGE": "hello"},
        secrets={"DB_PASSWORD": "ssm:/immutable/dev/db-password"},
        restart=["immutable-app.service"],
    )
    script = base64.b64decode(config.user_data_base64()).decode()
    assert script.startswith("#!/bin/bash\n")
    assert "umask 077" in script
    spec = json.loads(script.split("<<'IMMUTABLE_SPEC'\n")[1].split("\nIMMUTABLE_SPEC")[0])
    assert spec == {
        "env_file": "/etc/immutable/app.env",
        "settings": {"APP_MESSAGE": "hello"},
        "secrets": {"DB_PASSWORD": ["ssm", "/immutable/dev/db-password"]},
    }
    assert script.rstrip().endswith("systemctl restart immutable-app.service")
    assert "Runs on the instance at boot" not in script  # the module docstring is not shipped


def test_no_configuration_means_no_user_data():
    assert boot().user_data_base64() is None


def test_policy_names_exactly_the_references():
    refs = [
        SecretRef("ssm", "/immutable/dev/db-password"),
        SecretRef("ssm", "plain"),
        SecretRef("secretsmanager", "prod/api-key"),
        SecretRef(
            "secretsmanager", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf"
        ),
    ]
    doc = secret_policy(
        refs, None, partition="aws", region="us-east-1", account=ACCOUNT, dns_suffix="amazonaws.com"
    )
    assert doc == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadParameters",
                "Effect": "Allow",
                "Action": "ssm:GetParameter",
                "Resource": [
                    f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/immutable/dev/db-password",
                    f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/plain",
                ],
            },
            {
                "Sid": "ReadSecrets",
                "Effect": "Allow",
                "Action": "secretsmanager:GetSecretValue",
                "Resource": [
                    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf",
                    f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:prod/api-key-??????",
                ],
            },
        ],
    }


def test_kms_decrypt_only_with_a_key_and_only_via_the_services():
    key = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    refs = [SecretRef("ssm", "/a")]
    doc = secret_policy(
        refs, key, partition="aws", region="us-east-1", account=ACCOUNT, dns_suffix="amazonaws.com"
    )
    assert doc["Statement"][-1] == {
        "Sid": "DecryptSecrets",
        "Effect": "Allow",
        "Action": "kms:Decrypt",
        "Resource": key,
        "Condition": {"StringEquals": {"kms:ViaService": ["ssm.us-east-1.amazonaws.com"]}},
    }
    no_key = secret_policy(
        refs, None, partition="aws", region="us-east-1", account=ACCOUNT, dns_suffix="x"
    )
    assert all("kms" not in s["Action"] for s in no_key["Statement"])


# ------------------------------------------------------------------------------------------
# The boot-time program


def test_signature_matches_botocore():
    now = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    creds = {"AccessKeyId": "AKIDEXAMPLE", "SecretAccessKey": "s3cr3t", "Token": "tok"}
    body = json.dumps({"Name": "/a/b", "WithDecryption": True}).encode()
    host = "ssm.eu-west-1.amazonaws.com"
    ours = _fetch_config.sign(creds, "eu-west-1", "ssm", host, "AmazonSSM.GetParameter", body, now)
    request = AWSRequest(
        method="POST",
        url=f"https://{host}/",
        data=body,
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AmazonSSM.GetParameter",
            "Host": host,
        },
    )
    signer = botocore.auth.SigV4Auth(
        Credentials("AKIDEXAMPLE", "s3cr3t", "tok"), "ssm", "eu-west-1"
    )
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=now):
        signer.add_auth(request)
    assert ours["authorization"] == request.headers["Authorization"]
    assert ours["x-amz-date"] == request.headers["X-Amz-Date"]


@pytest.mark.parametrize(
    ("value", "quoted"),
    [("plain", '"plain"'), ('a"b', '"a\\"b"'), ("$HOME `x` \\", '"\\$HOME \\`x\\` \\\\"')],
)
def test_env_values_are_quoted_for_systemd_and_shell(value, quoted):
    assert _fetch_config.quote(value) == quoted


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Imds(BaseHTTPRequestHandler):
    answers = {
        "/latest/meta-data/placement/region": "us-east-1",
        "/latest/meta-data/services/domain": "amazonaws.com",
        "/latest/meta-data/iam/security-credentials/": "web-role\n",
        "/latest/meta-data/iam/security-credentials/web-role": json.dumps(
            {"AccessKeyId": "AKIDTEST", "SecretAccessKey": "secret", "Token": "token"}
        ),
    }

    def do_PUT(self):
        self._send("imds-token" if self.path == "/latest/api/token" else None)

    def do_GET(self):
        ok = self.headers.get("X-aws-ec2-metadata-token") == "imds-token"
        self._send(self.answers.get(self.path) if ok else None)

    def _send(self, text):
        body = (text or "").encode()
        self.send_response(200 if text is not None else 401)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def aws_and_imds():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    imds = ThreadingHTTPServer(("127.0.0.1", 0), _Imds)
    threading.Thread(target=imds.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}", f"http://127.0.0.1:{imds.server_address[1]}"
    finally:
        imds.shutdown()
        server.stop()


def test_embedded_program_fetches_secrets_and_writes_a_0600_env_file(aws_and_imds, tmp_path):
    endpoint, imds = aws_and_imds
    ssm = boto3.client("ssm", region_name="us-east-1", endpoint_url=endpoint)
    ssm.put_parameter(Name="/immutable/dev/db-password", Value='pa"ss$1', Type="SecureString")
    sm = boto3.client("secretsmanager", region_name="us-east-1", endpoint_url=endpoint)
    sm.create_secret(Name="prod/api-key", SecretString="k-123")
    env_file = tmp_path / "app.env"
    config = boot(
        settings={"APP_MESSAGE": "hello world"},
        secrets={
            "DB_PASSWORD": "ssm:/immutable/dev/db-password",
            "API": "secretsmanager:prod/api-key",
        },
        env_file=str(env_file),
    )
    script = base64.b64decode(config.user_data_base64()).decode()
    assert 'pa"ss$1' not in script and "k-123" not in script
    spec = script.split("<<'IMMUTABLE_SPEC'\n")[1].split("\nIMMUTABLE_SPEC")[0]
    program = script.split("<<'IMMUTABLE_FETCH'\n")[1].split("\nIMMUTABLE_FETCH")[0]
    (tmp_path / "spec.json").write_text(spec)
    result = subprocess.run(
        [sys.executable, "-", str(tmp_path / "spec.json")],
        input=program,
        text=True,
        capture_output=True,
        timeout=60,
        check=False,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "IMMUTABLE_IMDS_URL": imds,
            "IMMUTABLE_AWS_ENDPOINT_URL": endpoint,
        },
    )
    assert result.returncode == 0, result.stderr
    assert env_file.read_text() == (
        'API="k-123"\nAPP_MESSAGE="hello world"\nDB_PASSWORD="pa\\"ss\\$1"\n'
    )
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert not re.search(r"\.tmp$", " ".join(p.name for p in tmp_path.iterdir()))
