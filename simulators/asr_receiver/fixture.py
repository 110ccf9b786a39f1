"""Run the receiver inside a test: ``with running_receiver() as server: server.endpoint``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from simulators.asr_receiver import DEFAULT_TOKEN
from simulators.asr_receiver.server import ReceiverServer


@contextmanager
def running_receiver(token: str = DEFAULT_TOKEN, **options) -> Iterator[ReceiverServer]:
    """Start a receiver on a free loopback port; stop it afterwards."""
    server = ReceiverServer(token=token, **options).start()
    try:
        yield server
    finally:
        server.stop()
