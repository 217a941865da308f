"""Runs on a GCP instance at boot (the ``startup-script``): fetch secrets, write the env file.

Standard library only. Reads the ``immutable-config`` metadata attribute (plain settings and
Secret Manager secret names, never values), gets the instance service account's token from
the metadata server, reads each secret's latest version from the Secret Manager REST API
and writes ``KEY="value"`` lines to the env file, mode 0600, atomically.
"""

import base64
import json
import os
import subprocess
import urllib.request

METADATA = "http://metadata.google.internal/computeMetadata/v1/"


def _get(url, headers):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        return answer.read().decode()


def quote(value):
    for char in ("\\", '"', "$", "`"):
        value = value.replace(char, "\\" + char)
    return '"' + value + '"'


def main():
    flavor = {"Metadata-Flavor": "Google"}
    spec = json.loads(_get(METADATA + "instance/attributes/immutable-config", flavor))
    values = dict(spec["settings"])
    if spec["secrets"]:
        token = json.loads(_get(METADATA + "instance/service-accounts/default/token", flavor))
        bearer = {"Authorization": "Bearer " + token["access_token"]}
        project = _get(METADATA + "project/project-id", flavor)
        for name, secret in sorted(spec["secrets"].items()):
            if not secret.startswith("projects/"):
                secret = "projects/" + project + "/secrets/" + secret
            url = "https://secretmanager.googleapis.com/v1/" + secret + "/versions/latest:access"
            payload = json.loads(_get(url, bearer))["payload"]["data"]
            values[name] = base64.b64decode(payload).decode()
    path = spec["env_file"]
    os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
    temporary = path + ".tmp"
    if os.path.exists(temporary):
        os.unlink(temporary)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("".join(k + "=" + quote(values[k]) + "\n" for k in sorted(values)))
    os.replace(temporary, path)
    for unit in spec.get("restart_services", []):
        subprocess.run(["systemctl", "restart", unit], check=False)


if __name__ == "__main__":
    main()
