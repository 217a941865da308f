"""Outputs of AWS (and TLS) resources: ids and ARNs of the shapes AWS gives them."""

from __future__ import annotations

from typing import Any

from ._context import Factory, _Ctx, hex_id


def _aws_ec2(prefix: str, kind: str) -> Factory:
    def make(c: _Ctx) -> tuple[str, dict[str, Any]]:
        rid = f"{prefix}-{c.hex}"
        return rid, {"arn": c.arn("ec2", f"{kind}/{rid}")}

    return make


def _instance(c: _Ctx) -> tuple[str, dict[str, Any]]:
    rid = f"i-{c.hex}"
    n = int(c.hex[:4], 16)
    return rid, {
        "arn": c.arn("ec2", f"instance/{rid}"),
        "privateIp": f"10.0.{n % 250}.{n // 250 % 250 + 4}",
        "publicIp": f"203.0.113.{n % 250 + 1}" if c.inputs.get("associatePublicIpAddress") else "",
        "instanceState": "running",
        "availabilityZone": f"{c.region}a",
        "primaryNetworkInterfaceId": f"eni-{c.hex}",
    }


def _image(c: _Ctx) -> tuple[str, dict[str, Any]]:
    rid = f"ami-{c.hex}"
    return rid, {
        "arn": c.arn("ec2", f"image/{rid}", account=False),
        "imageId": rid,
        "rootSnapshotId": f"snap-{hex_id(c.hex, 'root')}",
        "ownerId": c.account,
        "architecture": "x86_64",
        "rootDeviceName": "/dev/xvda",
    }


def _launch_template(c: _Ctx) -> tuple[str, dict[str, Any]]:
    rid = f"lt-{c.hex}"
    return rid, {
        "arn": c.arn("ec2", f"launch-template/{rid}"),
        "latestVersion": 1,
        "defaultVersion": 1,
    }


def _key_pair(c: _Ctx) -> tuple[str, dict[str, Any]]:
    key_name = c.inputs.get("keyName") or f"{c.name}-{c.hex[:7]}"
    return key_name, {
        "keyName": key_name,
        "keyPairId": f"key-{c.hex}",
        "arn": c.arn("ec2", f"key-pair/{key_name}"),
        "fingerprint": ":".join(c.hex[i : i + 2] for i in range(0, 16, 2)),
    }


def _private_key(c: _Ctx) -> tuple[str, dict[str, Any]]:
    body = hex_id(c.hex, "key", length=64)
    return c.hex, {
        "privateKeyOpenssh": f"-----BEGIN OPENSSH PRIVATE KEY-----\nMOCK{body}\n"
        "-----END OPENSSH PRIVATE KEY-----\n",
        "privateKeyPem": f"-----BEGIN PRIVATE KEY-----\nMOCK{body}\n-----END PRIVATE KEY-----\n",
        "publicKeyOpenssh": f"ssh-ed25519 AAAAMOCK{body[:40]}\n",
        "publicKeyPem": f"-----BEGIN PUBLIC KEY-----\nMOCK{body[:40]}\n-----END PUBLIC KEY-----\n",
        "publicKeyFingerprintSha256": f"SHA256:{body[:43]}",
    }


def _named(service: str, kind: str, sep: str = "/") -> Factory:
    def make(c: _Ctx) -> tuple[str, dict[str, Any]]:
        name = c.inputs.get("name") or f"{c.name}-{c.hex[:7]}"
        return name, {"arn": c.arn(service, f"{kind}{sep}{name}"), "name": name}

    return make


def _iam(kind: str) -> Factory:
    def make(c: _Ctx) -> tuple[str, dict[str, Any]]:
        name = c.inputs.get("name") or f"{c.name}-{c.hex[:7]}"
        return name, {
            "arn": c.arn("iam", f"{kind}/{name}", region=False),
            "name": name,
            "uniqueId": f"AROA{c.hex.upper()}",
        }

    return make


def _elb(kind: str) -> Factory:
    def make(c: _Ctx) -> tuple[str, dict[str, Any]]:
        name = c.inputs.get("name") or f"{c.name}-{c.hex[:7]}"
        suffix = f"{kind}/{name}/{c.hex[:16]}"
        arn = c.arn("elasticloadbalancing", suffix)
        out: dict[str, Any] = {"arn": arn, "arnSuffix": suffix, "name": name}
        if kind.startswith(("loadbalancer/app", "loadbalancer/net")):
            out["dnsName"] = f"{name}-{int(c.hex[:8], 16)}.{c.region}.elb.amazonaws.com"
            out["zoneId"] = "Z35SXDOTRQ7X7K"
        return arn, out

    return make


def _listener(c: _Ctx) -> tuple[str, dict[str, Any]]:
    arn = c.arn("elasticloadbalancing", f"listener/app/{c.name}/{c.hex[:16]}/{c.hex[:16]}")
    return arn, {"arn": arn}
