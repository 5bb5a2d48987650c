"""The background worker as a child process of the web server (``pilkada serve``).

One command keeps working for a desk: the server starts ``pilkada worker --parent <pid>``,
restarts it if it dies, and stops it (letting the task at hand finish, within a limit) when
the server stops. A child process rather than a thread: a big import's memory and any crash
stay out of the web server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

from django.utils.translation import gettext as _

RESTART_DELAYS = (1, 2, 5, 10, 30, 60)  # seconds before each further restart
STOP_TIMEOUT = 30  # seconds a stopping worker has to finish its task before it is killed
HEALTHY_AFTER = 60  # seconds: a worker that ran this long starts the restart delays afresh


class WorkerProcess:
    """Start, watch and stop one ``pilkada worker`` child process."""

    def __init__(self, *, interval: float = 1.0, stderr=None):
        self.interval = interval
        self.stderr = stderr or sys.stderr
        self.process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._watcher: threading.Thread | None = None
        self._started = 0.0
        self.restarts = 0

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "pilkada.cli", "worker", "--parent", str(os.getpid()),
            "--interval", str(self.interval), "--verbosity", "0",
        ]  # fmt: skip

    def start(self) -> None:
        self._spawn()
        self._watcher = threading.Thread(target=self._watch, name="pilkada-worker", daemon=True)
        self._watcher.start()

    def _spawn(self) -> None:
        with self._lock:
            if self._stopping.is_set():
                return
            # Its own session: Ctrl+C in the terminal reaches the server only, which then
            # stops the worker gracefully (a second signal would abort the task at hand).
            self.process = subprocess.Popen(
                self.command(), stdin=subprocess.DEVNULL, start_new_session=True
            )
            self._started = time.monotonic()

    def _watch(self) -> None:
        failures = 0
        while not self._stopping.wait(1.0):
            process = self.process
            if process is None or process.poll() is None:
                continue
            if time.monotonic() - self._started > HEALTHY_AFTER:
                failures = 0
            delay = RESTART_DELAYS[min(failures, len(RESTART_DELAYS) - 1)]
            self.stderr.write(
                _("Pekerja latar berhenti (kode %(code)s); dijalankan ulang dalam %(s)d detik.")
                % {"code": process.returncode, "s": delay}
                + "\n"
            )
            self.stderr.flush()
            if self._stopping.wait(delay):
                return
            failures += 1
            self.restarts += 1
            self._spawn()

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        with self._lock:
            self._stopping.set()
            process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None
