"""Serving the web application with waitress, after bringing the database schema up to date,
with the background worker (``core.worker``) beside it."""

from __future__ import annotations

import signal
import threading

from django.core.management import call_command
from django.utils.translation import gettext as _


def serve(*, host: str, port: int, threads: int = 8, stdout=None, worker: bool = True) -> None:
    from waitress import serve as waitress_serve

    from pilkada.core.worker import WorkerProcess
    from pilkada.wsgi import application

    call_command("migrate", interactive=False, verbosity=0)
    background = WorkerProcess() if worker else None
    if threading.current_thread() is threading.main_thread():
        # SIGTERM (a service manager, `kill`) stops like Ctrl+C: waitress returns, and the
        # worker is stopped below instead of being left behind.
        signal.signal(signal.SIGTERM, _raise_system_exit)
    try:
        if background is not None:
            background.start()
        if stdout is not None:
            stdout.write(
                _("Pilkada berjalan di http://%(host)s:%(port)d/ — hentikan dengan Ctrl+C.")
                % {"host": host, "port": port}
            )
            if background is None:
                stdout.write(
                    _(
                        "Tanpa pekerja latar: jalankan 'pilkada worker' agar unggahan berkas "
                        "(hasil dan DPT) diproses."
                    )
                )
            stdout.flush()
        waitress_serve(application, host=host, port=port, threads=threads, ident="pilkada")
    finally:
        if background is not None:
            background.stop()


def _raise_system_exit(signum, frame):
    raise SystemExit(128 + signum)
