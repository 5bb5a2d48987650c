"""Running ``pilkada`` as separate processes in tests: commands, and a real server."""

from __future__ import annotations

import socket
import subprocess
import sys
import time


def pilkada(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """``pilkada ARGS`` in a child process with ``env`` (a scratch database's)."""
    return subprocess.run(
        [sys.executable, "-m", "pilkada.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=check,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, port: int, *, seconds: float = 20) -> subprocess.Popen:
    """``pilkada serve`` on ``port``, returned once it accepts connections (start-up migrates
    and starts the worker, so it takes a moment); output is kept for the test to read."""
    server = subprocess.Popen(
        [sys.executable, "-m", "pilkada.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)  # waiting for start-up only; nothing is asserted on timing
    server.kill()
    output = server.communicate(timeout=30)[0]
    raise AssertionError(f"pilkada serve did not start on port {port}: {output[-2000:]}")
