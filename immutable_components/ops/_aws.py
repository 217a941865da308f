"""Clients with retries, an optional endpoint URL, and a count of the calls they make."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

import boto3
import botocore.config

__all__ = ["MAX_ATTEMPTS", "Aws", "OpsError", "batched", "new_session"]

#: Attempts per call, the first included. botocore's ``standard`` mode retries
#: throttling (``Throttling``, ``RequestLimitExceeded``...) and transient errors with
#: exponential back-off and jitter; its retry quota stops a retry storm.
MAX_ATTEMPTS = 8

T = TypeVar("T")


class OpsError(RuntimeError):
    """An operation could not be carried out: a missing parameter, an API error.

    The message is one line, fit to print after ``immutable <command>: error:``.
    """


def new_session(region: str | None) -> boto3.session.Session:
    """The boto3 session every command uses (a seam for tests that hook its events)."""
    return boto3.session.Session(region_name=region)


class Aws:
    """A region's clients, sharing one retry configuration and one call counter.

    ``calls`` counts API calls by operation (``"ec2.DescribeInstances"``), ``attempts``
    counts HTTP requests, retries included; the two differ only when a call was retried.
    """

    def __init__(
        self,
        region: str | None = None,
        endpoint_url: str | None = None,
        session: boto3.session.Session | None = None,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.session = session or new_session(region)
        self.region = region or self.session.region_name
        if not self.region:
            raise OpsError("no region: pass --region or set AWS_REGION / AWS_DEFAULT_REGION")
        self.endpoint_url = endpoint_url
        self.config = botocore.config.Config(
            region_name=self.region,
            retries={"mode": "standard", "max_attempts": max_attempts},
        )
        self.calls: Counter[str] = Counter()
        self.attempts: Counter[str] = Counter()
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        if service not in self._clients:
            client = self.session.client(
                service, config=self.config, endpoint_url=self.endpoint_url
            )
            client.meta.events.register(f"before-call.{service}", self._count_call)
            client.meta.events.register(f"before-send.{service}", self._count_attempt)
            self._clients[service] = client
        return self._clients[service]

    # Event names read "before-call.<service id>.<Operation>", e.g.
    # "before-send.auto-scaling.DescribeAutoScalingGroups".
    def _count_call(self, event_name: str, **_: Any) -> None:
        self.calls[event_name.split(".", 1)[1]] += 1

    def _count_attempt(self, event_name: str, **_: Any) -> None:
        self.attempts[event_name.split(".", 1)[1]] += 1

    def pages(self, service: str, operation: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Every page of a paginated list call (``operation`` in snake_case)."""
        paginator = self.client(service).get_paginator(operation)
        yield from paginator.paginate(**params)


def batched(items: Iterable[T], size: int) -> Iterator[Sequence[T]]:
    """``items`` in lists of at most ``size``."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
