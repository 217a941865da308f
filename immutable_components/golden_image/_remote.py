"""Provisioning over SSH, the same on every cloud (pulumi-command).

Given a builder resource and an SSH connection, this registers:

* ``{name}-wait-ready``: waits until SSH answers (the connection's dial retries) and
  cloud-init has finished, so that the first step does not race the boot;
* ``{name}-provision-{i}``: one resource per provisioner, each waiting on the one before;
* ``{name}-clear-login`` (:func:`clear_login`, AWS and GCP): the builder's login key and
  cloud-init's instance state removed, last, so the image carries neither (Packer's
  ``ssh_clear_authorized_keys``). Azure's generalisation deprovisions instead.

Every step has the build hash *and the builder's id* in ``triggers``: a new hash replaces
the builder, and so does anything outside the hash (a new subnet, zone or public-IP
setting); either way the builder's new id replaces every step, which runs again on the new
builder, so a snapshot is only ever taken of a provisioned builder. Connection and command
are under ``ignore_changes`` (nothing else re-runs a step: see ``COMMAND_IGNORED``), and
each step is ``deleted_with`` the builder, so destroying the stack or rebaking never tries
to reach a builder that is gone.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
from pulumi_command import remote

from ..provisioners import Provisioner, ProvisionerKind, has_secrets, is_upload, render

PER_DIAL_TIMEOUT_SECONDS = 10

# pulumi-command re-runs ``create`` when any input changes (it has no ``update`` here). A
# step runs once per bake: the build hash in ``triggers`` replaces it when the content
# changes, and a rebake replaces the builder anyway. So a changed connection (a stopped
# builder loses its public IP), a rotated secret in a command, or a refreshed state never
# re-runs a step against the stopped builder.
COMMAND_IGNORED = ["connection", "create"]
COPY_IGNORED = ["connection", "source", "remotePath"]

WAIT_READY = """\
set -eu
if command -v cloud-init >/dev/null 2>&1; then
  cloud-init status --wait >/dev/null 2>&1 || true
fi
for _ in $(seq 1 120); do
  if [ -f /var/lib/cloud/instance/boot-finished ] || ! command -v cloud-init >/dev/null 2>&1; then
    exit 0
  fi
  sleep 5
done
echo "builder: cloud-init did not finish within 10 minutes" >&2
exit 1
"""

# Run last, over the session it removes the key of (an open session survives). cloud-init
# then treats the first boot of every instance of the image as a new instance: it writes
# that instance's own key (if any), new host keys and a new machine id.
CLEAR_LOGIN = """\
set -eu
sudo -n rm -f /root/.ssh/authorized_keys
for home in /home/*; do
  sudo -n rm -f "$home/.ssh/authorized_keys"
done
if command -v cloud-init >/dev/null 2>&1; then
  sudo -n cloud-init clean --logs --machine-id >/dev/null 2>&1 || sudo -n cloud-init clean --logs
  sudo -n rm -f /etc/ssh/ssh_host_*_key /etc/ssh/ssh_host_*_key.pub
fi
sudo -n rm -f /var/lib/systemd/random-seed
sync
"""


def connection(
    host: pulumi.Input[str],
    user: str,
    private_key: pulumi.Input[str],
    ssh_timeout_minutes: int,
) -> remote.ConnectionArgs:
    """SSH settings that keep dialling for ``ssh_timeout_minutes`` while the VM boots."""
    return remote.ConnectionArgs(
        host=host,
        user=user,
        private_key=pulumi.Output.secret(private_key),
        per_dial_timeout=PER_DIAL_TIMEOUT_SECONDS,
        dial_error_limit=max(1, ssh_timeout_minutes * 60 // PER_DIAL_TIMEOUT_SECONDS),
    )


def provision(
    name: str,
    *,
    parent: pulumi.Resource,
    builder: pulumi.Resource,
    conn: remote.ConnectionArgs,
    provisioners: Sequence[Provisioner],
    build_hash: pulumi.Input[str],
) -> list[pulumi.Resource]:
    """Register the wait and every step in order; returns them, the last one last."""
    triggers = [build_hash, builder.id]  # type: ignore[attr-defined]

    def opts(
        after: pulumi.Resource, secret: bool = False, copy: bool = False
    ) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(
            parent=parent,
            depends_on=[after],
            deleted_with=builder,
            additional_secret_outputs=["stdout", "stderr"] if secret else None,
            ignore_changes=COPY_IGNORED if copy else COMMAND_IGNORED,
        )

    steps: list[pulumi.Resource] = [
        remote.Command(
            f"{name}-wait-ready",
            connection=conn,
            create=WAIT_READY,
            triggers=triggers,
            opts=opts(builder),
        )
    ]
    for index, step in enumerate(provisioners, start=1):
        resource_name = f"{name}-provision-{index}"
        resource: pulumi.Resource
        if is_upload(step):
            source: pulumi.Asset | pulumi.Archive = (
                pulumi.FileAsset(str(step.source))
                if step.kind is ProvisionerKind.UPLOAD_FILE
                else pulumi.FileArchive(str(step.source))
            )
            resource = remote.CopyToRemote(
                resource_name,
                connection=conn,
                source=source,
                remote_path=str(step.destination),
                triggers=triggers,
                opts=opts(steps[-1], copy=True),
            )
        else:
            secret = has_secrets(step)
            resource = remote.Command(
                resource_name,
                connection=conn,
                create=render(step),
                triggers=triggers,
                logging=remote.Logging.NONE if secret else remote.Logging.STDOUT_AND_STDERR,
                opts=opts(steps[-1], secret=secret),
            )
        steps.append(resource)
    return steps


def clear_login(
    name: str,
    *,
    parent: pulumi.Resource,
    builder: pulumi.Resource,
    conn: remote.ConnectionArgs,
    after: pulumi.Resource,
    build_hash: pulumi.Input[str],
) -> pulumi.Resource:
    """``{name}-clear-login``: the login key and cloud-init state removed before the
    snapshot (see ``CLEAR_LOGIN``)."""
    return remote.Command(
        f"{name}-clear-login",
        connection=conn,
        create=CLEAR_LOGIN,
        triggers=[build_hash, builder.id],  # type: ignore[attr-defined]
        opts=pulumi.ResourceOptions(
            parent=parent,
            depends_on=[after],
            deleted_with=builder,
            ignore_changes=COMMAND_IGNORED,
        ),
    )
