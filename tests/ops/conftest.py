"""Fixtures for the operations commands: fake credentials, moto, the CLI, fault injection."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

import immutable_components.cli as cli
from immutable_components.ops import _aws

REGION = "eu-west-1"


@pytest.fixture(autouse=True)
def fake_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing in these tests can reach real AWS: fake keys, a fixed region, no profile."""
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_REGION"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    # moto's hundreds of public AMIs (and their snapshots) only slow every call down.
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    # Only the commands under test: `plan` is another branch's work.
    monkeypatch.setattr(
        cli,
        "COMMANDS",
        {k: v for k, v in cli.COMMANDS.items() if k in ("drift", "prune")},
    )


@pytest.fixture
def aws() -> Iterator[None]:
    from moto import mock_aws

    with mock_aws():
        yield


@pytest.fixture
def clients(aws: None) -> dict[str, Any]:
    return {s: boto3.client(s, region_name=REGION) for s in ("ec2", "autoscaling", "ssm")}


class Run:
    """``immutable ...`` through ``cli.main`` with stdout/stderr captured."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = cli.main(list(argv))
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *argv: str) -> tuple[int, Any, str]:
        code, out, err = self(*argv, "--json")
        return code, json.loads(out), err


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    return Run(capsys)


@pytest.fixture
def image_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto stamps images to the second; step a minute per image so 'newest' is defined."""
    import moto.ec2.models.amis as amis

    start = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=1)
    ticks = iter(range(10_000))
    monkeypatch.setattr(amis, "utcnow", lambda: start + timedelta(minutes=next(ticks)))


@pytest.fixture
def launched_days_ago():
    """``with launched_days_ago(40): run_instances(...)`` backdates those launches."""
    return _launched_days_ago


@contextlib.contextmanager
def _launched_days_ago(days: int) -> Iterator[None]:
    """Instances run inside this block get a launch time ``days`` ago."""
    import moto.ec2.models.instances as instances

    original = instances.utcnow
    instances.utcnow = lambda: original() - timedelta(days=days)
    try:
        yield
    finally:
        instances.utcnow = original


class _Body:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body


EC2_ERROR = (
    "<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error>"
    "</Errors><RequestID>injected</RequestID></Response>"
)
QUERY_ERROR = (
    "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
    "</Error><RequestId>injected</RequestId></ErrorResponse>"
)


class Faults:
    """Fail the first ``times`` attempts of an operation with an AWS error.

    Installed on the session the commands create (``_aws.new_session``). A *throttle*
    answers at ``before-send``, so botocore's retry logic sees a real error response and
    retries (moto still runs the request it shadows, harmless for reads). A *failure*
    answers at ``before-call``: the request never reaches moto and is not retried.
    """

    def __init__(self) -> None:
        self.rules: list[dict[str, Any]] = []
        self.seen: dict[str, int] = {}

    def throttle(self, service: str, operation: str, code: str = "Throttling") -> None:
        self._add("before-send", service, operation, code, 400)

    def fail(self, service: str, operation: str, code: str, status: int = 403) -> None:
        self._add("before-call", service, operation, code, status)

    def _add(self, stage: str, service: str, operation: str, code: str, status: int) -> None:
        template = EC2_ERROR if service == "ec2" else QUERY_ERROR
        self.rules.append(
            {
                "event": f"{stage}.{service}.{operation}",
                "status": status,
                "code": code,
                "body": template.format(code=code, message=f"injected {code}").encode(),
                "left": 1,
            }
        )

    def session(self, region: str | None) -> boto3.session.Session:
        session = boto3.session.Session(region_name=region)
        for rule in self.rules:
            session.events.register_first(rule["event"], self._handler(rule))
        return session

    def _handler(self, rule: dict[str, Any]):
        def handler(event_name: str, **kwargs: Any) -> Any:
            self.seen[event_name] = self.seen.get(event_name, 0) + 1
            if rule["left"] <= 0:
                return None
            rule["left"] -= 1
            if event_name.startswith("before-send"):
                request = kwargs["request"]
                return AWSResponse(request.url, rule["status"], {}, _Body(rule["body"]))
            http = AWSResponse("https://injected", rule["status"], {}, _Body(rule["body"]))
            parsed = {
                "Error": {"Code": rule["code"], "Message": f"injected {rule['code']}"},
                "ResponseMetadata": {"HTTPStatusCode": rule["status"]},
            }
            return http, parsed

        return handler


@pytest.fixture
def faults(monkeypatch: pytest.MonkeyPatch) -> Faults:
    injected = Faults()
    monkeypatch.setattr(_aws, "new_session", injected.session)
    return injected


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def moto_server_url() -> Iterator[str]:
    """A moto_server on 127.0.0.1, started once, stopped after the session."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"},
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"moto_server did not start on {url}")
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def server(moto_server_url: str) -> dict[str, Any]:
    """Clients against a freshly reset moto_server, and its URL."""
    request = urllib.request.Request(f"{moto_server_url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass
    made = {
        s: boto3.client(s, region_name=REGION, endpoint_url=moto_server_url)
        for s in ("ec2", "autoscaling", "ssm")
    }
    made["url"] = moto_server_url
    return made
