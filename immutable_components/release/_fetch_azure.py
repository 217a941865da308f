"""Runs on an Azure instance at boot (in custom data): fetch secrets, write the env file.

Standard library only. Reads a JSON spec (plain settings and Key Vault secret URIs, never
values), gets a token for Key Vault from IMDS with the user-assigned managed identity
(``client_id``), reads each secret and writes ``KEY="value"`` lines to the env file, mode
0600, atomically.
"""

import json
import os
import sys
import urllib.parse
import urllib.request

IMDS = "http://169.254.169.254/metadata/identity/oauth2/token"


def _get(url, headers):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        return json.loads(answer.read().decode())


def quote(value):
    for char in ("\\", '"', "$", "`"):
        value = value.replace(char, "\\" + char)
    return '"' + value + '"'


def main(spec_path):
    with open(spec_path) as handle:
        spec = json.load(handle)
    values = dict(spec["settings"])
    if spec["secrets"]:
        query = urllib.parse.urlencode(
            {
                "api-version": "2018-02-01",
                "resource": "https://vault.azure.net",
                "client_id": spec["client_id"],
            }
        )
        token = _get(IMDS + "?" + query, {"Metadata": "true"})["access_token"]
        bearer = {"Authorization": "Bearer " + token}
        for name, uri in sorted(spec["secrets"].items()):
            values[name] = _get(uri + "?api-version=7.4", bearer)["value"]
    path = spec["env_file"]
    temporary = path + ".tmp"
    if os.path.exists(temporary):
        os.unlink(temporary)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("".join(k + "=" + quote(values[k]) + "\n" for k in sorted(values)))
    os.replace(temporary, path)


if __name__ == "__main__":
    main(sys.argv[1])
