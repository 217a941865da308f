"""Runs on the instance at boot (embedded in user data): fetch secrets, write the env file.

Standard library only (python3 >= 3.6, present on Amazon Linux 2023, Ubuntu and Debian
images): no ``aws`` CLI, no boto3, no curl. It reads a JSON spec (plain settings and
secret references, never secret values), gets the instance role's credentials from IMDSv2,
calls SSM ``GetParameter`` (with decryption) and Secrets Manager ``GetSecretValue`` over
HTTPS with a Signature Version 4 signature, and writes ``KEY="value"`` lines to the env
file with mode 0600 (atomically: a temporary file in the same directory, then a rename).
The region and the partition's domain come from IMDS, or from a reference's ARN.
"""

import datetime
import hashlib
import hmac
import json
import os
import sys
import urllib.request

IMDS = os.environ.get("IMMUTABLE_IMDS_URL", "http://169.254.169.254")
ENDPOINT = os.environ.get("IMMUTABLE_AWS_ENDPOINT_URL")  # tests only
TARGETS = {
    "ssm": ("AmazonSSM.GetParameter", "Name"),
    "secretsmanager": ("secretsmanager.GetSecretValue", "SecretId"),
}


def _http(url, data=None, headers=None, method="GET"):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)  # noqa: S310 (http(s) only)
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        return answer.read().decode()


def imds(path, token):
    return _http(IMDS + path, headers={"X-aws-ec2-metadata-token": token})


def imds_token():
    headers = {"X-aws-ec2-metadata-token-ttl-seconds": "300"}
    return _http(IMDS + "/latest/api/token", headers=headers, method="PUT")


def _sha(data):
    return hashlib.sha256(data).hexdigest()


def _hmac(key, text):
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def sign(creds, region, service, host, target, body, now):
    """The headers of a SigV4-signed AWS JSON 1.1 POST to ``https://<host>/``."""
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    headers = {
        "content-type": "application/x-amz-json-1.1",
        "host": host,
        "x-amz-date": stamp,
        "x-amz-target": target,
    }
    if creds.get("Token"):
        headers["x-amz-security-token"] = creds["Token"]
    names = sorted(headers)
    signed = ";".join(names)
    canonical = "\n".join(
        ["POST", "/", "", "".join(k + ":" + headers[k] + "\n" for k in names), signed, _sha(body)]
    )
    scope = "/".join([stamp[:8], region, service, "aws4_request"])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", stamp, scope, _sha(canonical.encode())])
    key = ("AWS4" + creds["SecretAccessKey"]).encode()
    for part in (stamp[:8], region, service, "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={creds['AccessKeyId']}/{scope}, "
        f"SignedHeaders={signed}, Signature={signature}"
    )
    return headers


def fetch(creds, region, domain, scheme, ref):
    """The value behind one reference (an ARN names its own region)."""
    if ref.startswith("arn:"):
        region = ref.split(":")[3]
    target, key = TARGETS[scheme]
    host = scheme + "." + region + "." + domain
    body = json.dumps({key: ref, "WithDecryption": True} if scheme == "ssm" else {key: ref})
    body = body.encode()
    now = datetime.datetime.now(datetime.timezone.utc)
    headers = sign(creds, region, scheme, host, target, body, now)
    url = ENDPOINT or "https://" + host + "/"
    answer = json.loads(_http(url, data=body, headers=headers, method="POST"))
    if scheme == "ssm":
        return answer["Parameter"]["Value"]
    if "SecretString" not in answer:
        raise ValueError(ref + " holds a binary secret; only SecretString is supported")
    return answer["SecretString"]


def quote(value):
    """A double-quoted value, valid for systemd EnvironmentFile= and for a POSIX shell."""
    for char in ("\\", '"', "$", "`"):
        value = value.replace(char, "\\" + char)
    return '"' + value + '"'


def write_env(path, values):
    text = "".join(name + "=" + quote(values[name]) + "\n" for name in sorted(values))
    temporary = path + ".tmp"
    if os.path.exists(temporary):
        os.unlink(temporary)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def main(spec_path):
    with open(spec_path) as handle:
        spec = json.load(handle)
    values = dict(spec["settings"])
    if spec["secrets"]:
        token = imds_token()
        region = imds("/latest/meta-data/placement/region", token)
        domain = imds("/latest/meta-data/services/domain", token)
        role = imds("/latest/meta-data/iam/security-credentials/", token).split()[0]
        creds = json.loads(imds("/latest/meta-data/iam/security-credentials/" + role, token))
        for name, (scheme, ref) in sorted(spec["secrets"].items()):
            values[name] = fetch(creds, region, domain, scheme, ref)
    write_env(spec["env_file"], values)


if __name__ == "__main__":
    main(sys.argv[1])
