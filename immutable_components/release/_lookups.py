"""The AWS data-source questions releases and services ask, each asked once per program run
(:func:`immutable_components._invoke.invoke_once`: same function, same arguments by value,
same provider): the region, the partition, the account, the root device of an AMI, the VPC
of a subnet. The provider is the ``aws`` provider of the parent resource, else the default.
"""

import pulumi
import pulumi_aws as aws

from .._invoke import invoke_once

__all__ = ["ami_root_device", "caller_account", "partition", "region", "subnet_vpc"]


def region(parent: pulumi.Resource) -> pulumi.Output[str]:
    """The region of the parent's ``aws`` provider (``aws.get_region``)."""
    return invoke_once(aws.get_region_output, parent=parent).region


def partition(parent: pulumi.Resource) -> "pulumi.Output[aws.GetPartitionResult]":
    """The partition of the parent's ``aws`` provider (``aws.get_partition``)."""
    return invoke_once(aws.get_partition_output, parent=parent)


def caller_account(parent: pulumi.Resource) -> pulumi.Output[str]:
    """The account of the parent's ``aws`` provider (``aws.get_caller_identity``)."""
    return invoke_once(aws.get_caller_identity_output, parent=parent).account_id


def ami_root_device(
    parent: pulumi.Resource, image_id: pulumi.Input[str], region: pulumi.Input[str] | None
) -> pulumi.Output[str]:
    """The root device name of an AMI (``aws.ec2.get_ami`` filtered by its id)."""
    return invoke_once(
        aws.ec2.get_ami_output,
        parent=parent,
        filters=[{"name": "image-id", "values": [image_id]}],
        region=region,
    ).root_device_name


def subnet_vpc(
    parent: pulumi.Resource, subnet_id: pulumi.Input[str], region: pulumi.Input[str] | None
) -> pulumi.Output[str]:
    """The VPC of a subnet (``aws.ec2.get_subnet``)."""
    return invoke_once(aws.ec2.get_subnet_output, parent=parent, id=subnet_id, region=region).vpc_id
