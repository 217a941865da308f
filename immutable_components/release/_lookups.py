"""Data-source lookups (invokes) asked once per program run, provider and arguments.

Every invoke is an RPC to the provider plugin (a mock call under
:mod:`immutable_components.testing`) and builds Outputs. Releases of one program ask the
same questions: the region, the partition, the account, the root device of an AMI, the VPC
of a subnet. The first lookup's result (an Output) is reused by every later one that asks
the *same* question of the *same* provider:

- the provider is the one the invoke would use: the ``aws`` provider the parent resource
  was given (or inherited), else the default provider;
- the arguments are compared by value, so a lookup is shared only when every argument is
  a plain value (an argument that is an Output is looked up each time);
- the memo belongs to the program's root stack resource, so nothing is shared between two
  program runs in one process (automation API, tests); with no root stack, nothing is
  shared at all.

An invoke has no side effects and its answer does not depend on who asks, so a shared
result is the answer each caller would have got; it carries no resource dependencies
(these invokes have no ``depends_on``).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import pulumi
import pulumi_aws as aws
from pulumi.runtime import get_root_resource

__all__ = ["ami_root_device", "caller_account", "partition", "region", "subnet_vpc"]

T = TypeVar("T")

# root stack resource -> {(token, provider id, arguments): (provider, result)}
_MEMO: weakref.WeakKeyDictionary[pulumi.Resource, dict[tuple[Any, ...], tuple[Any, Any]]] = (
    weakref.WeakKeyDictionary()
)


def _plain(value: Any) -> bool:
    return value is None or isinstance(value, (str, int))


def _shared(
    parent: pulumi.Resource,
    token: str,
    arguments: tuple[Any, ...],
    lookup: Callable[[pulumi.InvokeOutputOptions], T],
) -> T:
    """``lookup(opts)``, or the result of the same lookup made earlier in this program run."""
    opts = pulumi.InvokeOutputOptions(parent=parent)
    root = get_root_resource()
    if root is None or not all(_plain(a) for a in arguments):
        return lookup(opts)
    # The provider the invoke resolves from its parent (the SDK does the same): None is
    # the default provider. It is kept in the value, so its id is not reused meanwhile.
    provider = parent.get_provider(token)
    key = (token, id(provider) if provider is not None else None, arguments)
    memo = _MEMO.setdefault(root, {})
    if key not in memo:
        memo[key] = (provider, lookup(opts))
    return memo[key][1]  # type: ignore[no-any-return]


def region(parent: pulumi.Resource) -> pulumi.Output[str]:
    """The region of the parent's ``aws`` provider (``aws.get_region``)."""
    return _shared(
        parent,
        "aws:index/getRegion:getRegion",
        (),
        lambda opts: aws.get_region_output(opts=opts).region,
    )


def partition(parent: pulumi.Resource) -> pulumi.Output[aws.GetPartitionResult]:
    """The partition of the parent's ``aws`` provider (``aws.get_partition``)."""
    return _shared(
        parent,
        "aws:index/getPartition:getPartition",
        (),
        lambda opts: aws.get_partition_output(opts=opts),
    )


def caller_account(parent: pulumi.Resource) -> pulumi.Output[str]:
    """The account of the parent's ``aws`` provider (``aws.get_caller_identity``)."""
    return _shared(
        parent,
        "aws:index/getCallerIdentity:getCallerIdentity",
        (),
        lambda opts: aws.get_caller_identity_output(opts=opts).account_id,
    )


def ami_root_device(
    parent: pulumi.Resource, image_id: pulumi.Input[str], region: pulumi.Input[str] | None
) -> pulumi.Output[str]:
    """The root device name of an AMI (``aws.ec2.get_ami`` filtered by its id)."""
    return _shared(
        parent,
        "aws:ec2/getAmi:getAmi",
        (image_id, region),
        lambda opts: (
            aws.ec2.get_ami_output(
                filters=[{"name": "image-id", "values": [image_id]}], region=region, opts=opts
            ).root_device_name
        ),
    )


def subnet_vpc(
    parent: pulumi.Resource, subnet_id: pulumi.Input[str], region: pulumi.Input[str] | None
) -> pulumi.Output[str]:
    """The VPC of a subnet (``aws.ec2.get_subnet``)."""
    return _shared(
        parent,
        "aws:ec2/getSubnet:getSubnet",
        (subnet_id, region),
        lambda opts: aws.ec2.get_subnet_output(id=subnet_id, region=region, opts=opts).vpc_id,
    )
