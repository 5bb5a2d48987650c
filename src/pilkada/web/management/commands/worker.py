"""``pilkada worker``: runs the web app's background tasks (the DPT upload's check and store).

``pilkada serve`` starts one as its child (``--parent``), so a desk needs no second command;
run it alone only beside ``pilkada serve --no-worker`` (e.g. several web servers, one
PostgreSQL). It is django-tasks' ``db_worker``, plus, under ``--parent``, two duties of a
worker that is the installation's only one: end the jobs its predecessor left half done, and
stop when the web server that started it is gone.
"""

import argparse
import os
import signal
import threading

from django.core.management import call_command
from django.utils.translation import gettext as _

from pilkada.core.command import PilkadaCommand

PARENT_CHECK_SECONDS = 1.0


class Command(PilkadaCommand):
    help = _(
        "Jalankan pekerja latar (pemeriksaan dan penyimpanan unggahan DPT). 'pilkada serve' "
        "sudah menjalankannya sendiri; perintah ini hanya untuk server yang dijalankan dengan "
        "--no-worker."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help=_("jeda memeriksa antrean bila kosong, dalam detik (bawaan 1)"),
        )
        parser.add_argument("--parent", type=int, default=None, help=argparse.SUPPRESS)

    def handle(self, *args, **opts):
        if opts["parent"]:
            from pilkada.web.services import fail_interrupted_jobs

            fail_interrupted_jobs()
            _stop_with_parent(opts["parent"])
        call_command(
            "db_worker",
            interval=opts["interval"],
            reload=False,
            startup_delay=False,
            verbosity=opts["verbosity"],
            stdout=self.stdout,
        )


def _stop_with_parent(parent: int) -> None:
    """SIGTERM this process once ``parent`` has exited (the worker then finishes the task at
    hand and stops), so that a web server killed outright leaves no worker behind."""

    def watch():
        while os.getppid() == parent:
            threading.Event().wait(PARENT_CHECK_SECONDS)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="pilkada-parent-watch", daemon=True).start()
