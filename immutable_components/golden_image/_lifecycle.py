"""The image lifecycle after the bake, cloud-neutral: test, channel, lineage.

* :class:`~.args.ImageTest`: commands run over SSH on an instance launched from the *new* image
  (never the builder). Publication (channel, sharing, copies) depends on the test step,
  so an image whose test fails is never published: pulumi-command fails the update with
  the command's output when it exits non-zero, and nothing that depends on it is created.
* The test instance does not stay running. The test script ends, pass or fail, by
  scheduling a power-off from inside the guest 30 seconds later (so the command can
  return its exit status and output first). On AWS a stopped instance, on GCP a
  ``TERMINATED`` one, on Azure a "Stopped" VM (still allocated: the Azure builder also
  deallocates it after a passing test). NOTE: after a failing test the instance is
  powered off, so re-running the same image's test needs
  ``pulumi up --replace <urn of {name}-test>``; a fixed image replaces it anyway. A passed
  test marks the image (AWS: the ``ImageTest`` tag, GCP: the tested copy), so a later
  deployment reuses it untested and a changed test runs again on a kept image.
* A channel is the name consumers follow instead of an image id: AWS an SSM parameter
  ``/images/<channel>`` of data type ``aws:ec2:image``, GCP the image family, Azure the
  gallery image definition. One naming rule fits all three (GCP's family rule).
* Ancestry (the ``lineage`` output, the ``Ancestry`` tag): the build hashes of a layered
  image's ancestors, nearest first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pulumi
from pulumi_command import remote

from ..provisioners import RunCommands, render
from . import _remote
from .args import ImageTest

__all__ = ["image_test_digest", "image_test_script", "lineage_tag", "run_test"]

AWS_TAG_VALUE_MAX = 256
TEST_POWEROFF = (
    "sudo -n systemd-run --on-active=30 /bin/systemctl poweroff >/dev/null 2>&1"
    " || sudo -n shutdown -h +1 >/dev/null 2>&1 || true"
)


def image_test_digest(test: ImageTest) -> str:
    """16 hex digits naming what a test checks (its commands and ``sudo``): an image
    carries it in its ``ImageTest`` tag/label once it passed, so a changed test runs
    again on an image that was kept."""
    text = "\x1f".join([str(test.sudo), *test.commands])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def image_test_script(test: ImageTest) -> str:
    """The remote command: the commands, then a delayed power-off, pass or fail."""
    inner = render(RunCommands(commands=list(test.commands), sudo=test.sudo))
    if not isinstance(inner, str):  # pragma: no cover - no env, so never secret
        raise TypeError("test script must be plain")
    return (
        "status=0\n"
        "bash -s <<'__IMMUTABLE_TEST__' || status=$?\n"
        f"{inner}"
        "__IMMUTABLE_TEST__\n"
        f"{TEST_POWEROFF}\n"
        'echo "image test exit status: $status"\n'
        'exit "$status"\n'
    )


def lineage_tag(hashes: Sequence[str], *, sep: str = ",", limit: int = AWS_TAG_VALUE_MAX) -> str:
    """Ancestors' build hashes, 16 hex digits each, nearest first, as many as fit."""
    out = ""
    for h in hashes:
        item = h[:16]
        candidate = f"{out}{sep}{item}" if out else item
        if len(candidate) > limit:
            break
        out = candidate
    return out


def run_test(
    name: str,
    *,
    parent: pulumi.Resource,
    instance: pulumi.Resource,
    conn: remote.ConnectionArgs,
    test: ImageTest,
    image_id: pulumi.Input[str],
) -> pulumi.Resource:
    """``{name}-test-ready`` then ``{name}-test-run`` on the test instance; returns the
    run, which publication depends on."""
    # A new image, a replaced test instance or a changed test replaces both steps (all three
    # are in the triggers); the test instance is replaced with the test too (its user data /
    # description carries the digest), so a changed test never dials a powered-off one.
    script = image_test_script(test)
    triggers = [image_id, instance.id, image_test_digest(test)]  # type: ignore[attr-defined]
    ready = remote.Command(
        f"{name}-test-ready",
        connection=conn,
        create=_remote.WAIT_READY,
        triggers=triggers,
        opts=pulumi.ResourceOptions(
            parent=parent,
            depends_on=[instance],
            deleted_with=instance,
            ignore_changes=_remote.COMMAND_IGNORED,
        ),
    )
    return remote.Command(
        f"{name}-test-run",
        connection=conn,
        create=script,
        triggers=triggers,
        opts=pulumi.ResourceOptions(
            parent=parent,
            depends_on=[ready],
            deleted_with=instance,
            ignore_changes=_remote.COMMAND_IGNORED,
            custom_timeouts=pulumi.CustomTimeouts(create=f"{test.timeout_minutes}m"),
        ),
    )
