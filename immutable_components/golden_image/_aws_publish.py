"""AWS after the bake: test the AMI, then copy, share and publish it.

Resources, children of the GoldenImage, registered after ``{name}-image``:

``{name}-test``            (with ``test``) an instance launched from the new AMI, with the
                           builder's key pair, security group, subnet and settings
``{name}-test-ready``, ``{name}-test-run``   wait for SSH, run the test (see ``_lifecycle``)
``{name}-test-stopped``    the test instance stopped once the test has passed (the test
                           script also powers it off, pass or fail)
``{name}-copy-<region>``   an encrypted ``AmiCopy`` per region: same name, description
                           and tags; per-region KMS key optional
``{name}-share-<who>``     an ``AmiLaunchPermission`` per account / organization / OU, for
                           the AMI and for each copy (``{name}-share-<region>-<who>``)
``{name}-channel``         an SSM parameter ``/images/<channel>`` of data type
                           ``aws:ec2:image`` holding the AMI id (``resolve:ssm:`` at launch)

Every copy, permission and the channel depend on ``{name}-test-run`` when there is a
test: an AMI that fails its test is never shared, copied or published.

NOTE: tags on a shared AMI are invisible to the accounts it is shared with. The AMI's
description carries the build hash (``"<name> build <hash>"``) so they can read it.
NOTE: an encrypted AMI shared with another account is only usable there when the KMS
key's policy lets that account use the key (``kms:Decrypt``, ``kms:CreateGrant``,
``kms:DescribeKey``, ``kms:ReEncrypt*``, ``kms:GenerateDataKey*``). The account's
default EBS key (``aws/ebs``) cannot be shared at all: share images encrypted with a
customer-managed key. This component does not manage key policies.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_aws as aws

from .._invoke import invoke_once
from ..errors import ImageConflict
from . import _remote
from ._lifecycle import image_test_digest, run_test
from ._plan import BakePlan
from .args import AwsBuilder, AwsDistribution, grantees

CHANNEL_PREFIX = "/images/"
TESTED_TAG = "ImageTest"
"""``ImageTest:<digest of the test>`` = ``passed`` is put on an image once that test passed
(one tag per test, so two tests of one image never overwrite each other's mark)."""


def existing_image(
    component: pulumi.ComponentResource, plan: BakePlan, region: str | None
) -> tuple[str, str | None]:
    """What this account already holds of the build: ``("reuse", id)`` for a usable image
    (available, and tested with this test if there is one), ``("test", id)`` for an
    available image that still needs its test, ``("bake", None)`` for none. Only images
    this account owns count (``owners=["self"]``), never one shared from elsewhere,
    whatever its tags. An image of the build that is pending or failed raises
    :class:`~immutable_components.errors.ImageConflict`: it holds the image's name.

    Looked up at construction (the engine answers invokes in previews too), so a preview
    shows a revert as reuse. A build hash not known at construction always bakes.
    """
    build_hash = plan.build_hash
    if not isinstance(build_hash, str):
        return "bake", None
    mine = [
        {"name": "tag:BuildHash", "values": [build_hash]},
        {"name": "tag:ManagedBy", "values": [str(plan.provenance["ManagedBy"])]},
    ]
    available = [*mine, {"name": "state", "values": ["available"]}]

    def ids(filters: list[dict[str, Any]]) -> list[str]:
        return owned_images(component, filters, region)

    if plan.test is not None:
        mark = f"tag:{TESTED_TAG}:{image_test_digest(plan.test)}"
        tested = ids([*available, {"name": mark, "values": ["passed"]}])
        if tested:
            return "reuse", tested[0]
    usable = ids(available)
    if usable:
        return ("test" if plan.test is not None else "reuse"), usable[0]
    stuck = ids(mine)
    if stuck:
        raise ImageConflict(
            f"GoldenImage {component._name!r}: image {', '.join(stuck)} of build "
            f"{build_hash[:16]} exists but is not available (still pending after an "
            "interrupted bake, or failed). Wait until it is available and run `pulumi up` "
            "again, or deregister it (`aws ec2 deregister-image --image-id ...`) to bake "
            "anew.",
            image_ids=stuck,
            build_hash=build_hash,
        )
    return "bake", None


def owned_images(
    component: pulumi.ComponentResource, filters: list[dict[str, Any]], region: str | None
) -> list[str]:
    """Ids of the images this account owns (``owners=["self"]``: never one shared from
    elsewhere) matching every filter, newest first, deprecated ones included; looked up at
    construction, in ``region`` (default: the provider's)."""
    answer = invoke_once(
        aws.ec2.get_ami_ids,
        parent=component,
        owners=["self"],
        filters=filters,
        include_deprecated=True,
        sort_ascending=False,
        region=region,  # None: the provider's (an argument left out)
    )
    return list(answer.ids or [])


def previous_build(
    component: pulumi.ComponentResource, plan: BakePlan, region: str | None, current: str | None
) -> str | None:
    """The newest other image this component published before (same name prefix, another
    build), or None: what its fleet runs until the new image has rolled out, and what an
    auto-rollback returns to. A drift rule keeps it approved (N-1)."""
    if not isinstance(plan.image_name, str) or not isinstance(plan.build_hash, str):
        return None
    prefix = plan.image_name.rsplit("-", 1)[0]
    filters = [
        {"name": "name", "values": [f"{prefix}-*"]},
        {"name": "tag:ManagedBy", "values": [str(plan.provenance["ManagedBy"])]},
        {"name": "state", "values": ["available"]},
    ]
    others = [i for i in owned_images(component, filters, region) if i != current]
    return others[0] if others else None


def passed(image_id: pulumi.Input[str], gate: pulumi.Resource | None) -> pulumi.Output[str]:
    """The image id as consumers see it: resolved only once the test passed, and carrying
    the test step as a dependency, so everything built on it waits for the test."""
    if gate is None:
        return pulumi.Output.from_input(image_id)
    return pulumi.Output.all(image_id, gate.id).apply(lambda values: values[0])  # type: ignore[attr-defined]


def test_image(
    builder: AwsBuilder,
    component: pulumi.ComponentResource,
    name: str,
    plan: BakePlan,
    *,
    image_id: pulumi.Input[str],
    key_name: pulumi.Input[str],
    security_group_id: pulumi.Input[str],
    private_key: pulumi.Input[str],
    regional: dict[str, Any],
) -> pulumi.Resource | None:
    """The test instance, its test and the ``ImageTest`` mark; returns the step that
    publication waits on."""
    test = plan.test
    if test is None:
        return None
    instance = aws.ec2.Instance(
        f"{name}-test",
        ami=image_id,
        instance_type=test.instance_type or builder.instance_type,
        subnet_id=builder.subnet_id,
        vpc_security_group_ids=[security_group_id],
        key_name=key_name,
        associate_public_ip_address=builder.associate_public_ip,
        iam_instance_profile=builder.iam_instance_profile,
        metadata_options=aws.ec2.InstanceMetadataOptionsArgs(
            http_endpoint="enabled", http_tokens="required", http_put_response_hop_limit=1
        ),
        root_block_device=aws.ec2.InstanceRootBlockDeviceArgs(
            encrypted=builder.encrypted,
            kms_key_id=builder.kms_key_id,
            volume_type=builder.volume_type,
            delete_on_termination=True,
        ),
        instance_initiated_shutdown_behavior="stop",
        # The test's digest in user data, replaced on change: a changed test boots a fresh
        # instance (the previous one powered itself off).
        user_data=f"#!/bin/sh\n# immutable-components image test {image_test_digest(test)}\n",
        user_data_replace_on_change=True,
        tags={**(builder.tags or {}), "Name": f"{name}-test", "BuildHash": plan.build_hash},
        opts=pulumi.ResourceOptions(parent=component),
        **regional,
    )
    host = instance.public_ip if builder.associate_public_ip else instance.private_ip
    conn = _remote.connection(host, builder.ssh_user, private_key, builder.ssh_timeout_minutes)
    run = run_test(
        name, parent=component, instance=instance, conn=conn, test=test, image_id=image_id
    )
    aws.ec2transitgateway.InstanceState(
        f"{name}-test-stopped",
        instance_id=instance.id,
        state="stopped",
        opts=pulumi.ResourceOptions(parent=component, depends_on=[run], deleted_with=instance),
        **regional,
    )
    # The mark that lets a later deployment reuse the image without testing it again; it
    # stays with the image (retained) when the test instance is cleaned up.
    aws.ec2.Tag(
        f"{name}-tested",
        resource_id=image_id,
        key=f"{TESTED_TAG}:{image_test_digest(test)}",
        value="passed",
        opts=pulumi.ResourceOptions(parent=component, depends_on=[run], retain_on_delete=True),
        **regional,
    )
    return run


def publish(
    builder: AwsBuilder,
    component: pulumi.ComponentResource,
    name: str,
    plan: BakePlan,
    *,
    image_id: pulumi.Input[str],
    image_region: pulumi.Input[str],
    gate: pulumi.Resource | None,
    regional: dict[str, Any],
    existing_copies: tuple[Sequence[str], pulumi.Output[dict[str, str]]] | None = None,
) -> tuple[pulumi.Output[dict[str, str]], pulumi.Output[str] | None]:
    """Copies, launch permissions and the channel; all after ``gate`` (the test).

    A copy this account already holds of the build in a region (retained from an earlier
    release) is reused, and so is a copy another GoldenImage of the program makes of the
    same build (``existing_copies``: its regions and its ``copies`` output)."""
    after = [gate] if gate is not None else []
    dist = builder.distribution or AwsDistribution()
    shares = grantees(dist)

    def share(prefix: str, target: pulumi.Input[str], extra: dict[str, Any]) -> None:
        for slug, who in shares:
            aws.ec2.AmiLaunchPermission(
                f"{prefix}-share-{slug}",
                image_id=target,
                opts=pulumi.ResourceOptions(
                    parent=component, depends_on=after, retain_on_delete=True
                ),
                **who,
                **extra,
            )

    share(name, image_id, regional)
    copies: dict[str, pulumi.Input[str]] = {}
    sibling_regions, sibling_copies = existing_copies or ((), pulumi.Output.from_input({}))
    for region in dist.regions:
        held = _held_copy(component, plan, region)
        if region in sibling_regions:
            copies[region] = sibling_copies.apply(functools.partial(_pick, region=region))
        elif held is not None:
            copies[region] = passed(held, gate)
        else:
            copy = aws.ec2.AmiCopy(
                f"{name}-copy-{region}",
                name=plan.image_name,
                description=plan.description,
                source_ami_id=image_id,
                source_ami_region=image_region,
                encrypted=True,
                kms_key_id=(dist.kms_key_ids or {}).get(region),
                tags=dict(plan.provenance),
                region=region,
                opts=pulumi.ResourceOptions(
                    parent=component,
                    depends_on=after,
                    retain_on_delete=True,
                    custom_timeouts=pulumi.CustomTimeouts(
                        create=f"{builder.snapshot_timeout_minutes}m",
                        delete=f"{builder.snapshot_timeout_minutes}m",
                    ),
                ),
            )
            copies[region] = copy.id
        share(f"{name}-{region}", copies[region], {"region": region})

    channel: pulumi.Output[str] | None = None
    if plan.channel is not None:
        parameter = aws.ssm.Parameter(
            f"{name}-channel",
            name=f"{CHANNEL_PREFIX}{plan.channel}",
            type="String",
            data_type="aws:ec2:image",
            # Not a secret: ``insecure_value`` keeps the AMI id readable in previews.
            insecure_value=image_id,
            description=f"Image channel {plan.channel}: the AMI id of the newest tested image",
            tags={**(builder.tags or {}), "Channel": plan.channel, "BuildHash": plan.build_hash},
            opts=pulumi.ResourceOptions(parent=component, depends_on=after),
            **regional,
        )
        channel = parameter.name
    return pulumi.Output.all(**copies) if copies else pulumi.Output.from_input({}), channel


def _pick(copies: Mapping[str, str], region: str) -> str:
    return copies[region]


def _held_copy(component: pulumi.ComponentResource, plan: BakePlan, region: str) -> str | None:
    """An available copy of the build this account holds in ``region``, if any."""
    if not isinstance(plan.build_hash, str):
        return None
    filters = [
        {"name": "tag:BuildHash", "values": [plan.build_hash]},
        {"name": "tag:ManagedBy", "values": [str(plan.provenance["ManagedBy"])]},
        {"name": "state", "values": ["available"]},
    ]
    ids = owned_images(component, filters, region)
    return ids[0] if ids else None
