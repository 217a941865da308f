"""Helpers shared by the operations commands: options, errors, tables, progress."""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, TextIO

TAG_KEY_VALUE = re.compile(r"^([^=]+)=(.*)$")


def add_aws_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--region",
        help="AWS region to work in. Default: AWS_REGION / AWS_DEFAULT_REGION / the profile's.",
    )
    parser.add_argument(
        "--endpoint-url",
        type=endpoint_url,
        metavar="URL",
        help="send every API call to URL instead of AWS, e.g. a local moto_server "
        "(http://127.0.0.1:5000). Default: the AWS endpoints.",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON document (keys sorted) instead of a table; no progress output.",
    )


def endpoint_url(text: str) -> str:
    if not re.match(r"^https?://[^\s/]+", text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an endpoint URL: give http:// or https:// and a host, "
            "e.g. http://127.0.0.1:5000"
        )
    return text


def tag_pair(text: str) -> tuple[str, str]:
    match = TAG_KEY_VALUE.match(text)
    if not match or not match.group(1).strip():
        raise argparse.ArgumentTypeError(
            f"{text!r} is not KEY=VALUE: give a tag key, '=', and its value, e.g. Approved=true"
        )
    return match.group(1), match.group(2)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= 1")
    return value


def fail(command: str, message: str) -> int:
    """Print ``immutable <command>: error: <message>`` on stderr and return exit code 2."""
    print(f"immutable {command}: error: {message}", file=sys.stderr)
    return 2


def api_error_message(error: Exception) -> str:
    """One line for a botocore error: the AWS message without botocore's preamble."""
    text = " ".join(str(error).split())
    return text or type(error).__name__


def dump_json(data: dict[str, Any]) -> None:
    print(json.dumps(data, indent=2, sort_keys=True))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = [headers, *rows]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


class Progress:
    """A one-line counter on a terminal's stderr, redrawn at most ten times a second.

    It stays silent until a scan turns out to span several pages (a large fleet), and
    when the stream is not a terminal. ``close`` clears the line.
    """

    def __init__(self, stream: TextIO, enabled: bool, threshold: int = 1000) -> None:
        self.stream = stream
        self.enabled = enabled and stream.isatty()
        self.threshold = threshold
        self.counts: dict[str, int] = {}
        self.started = time.monotonic()
        self._drawn = 0.0
        self._visible = False

    def __call__(self, what: str, count: int) -> None:
        self.counts[what] = count
        if not self.enabled or max(self.counts.values()) < self.threshold:
            return
        now = time.monotonic()
        if now - self._drawn < 0.1:
            return
        self._drawn = now
        seen = ", ".join(f"{n:,} {w}" for w, n in self.counts.items())
        self.stream.write(f"\rscanning: {seen} ({now - self.started:.0f}s)\x1b[K")
        self.stream.flush()
        self._visible = True

    def close(self) -> None:
        if self._visible:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._visible = False


ProgressFn = Callable[[str, int], None]
