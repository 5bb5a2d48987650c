"""Serving the web application with waitress, after bringing the database schema up to date."""

from __future__ import annotations

from django.core.management import call_command
from django.utils.translation import gettext as _


def serve(*, host: str, port: int, threads: int = 8, stdout=None) -> None:
    from waitress import serve as waitress_serve

    from pilkada.wsgi import application

    call_command("migrate", interactive=False, verbosity=0)
    if stdout is not None:
        stdout.write(
            _("Pilkada berjalan di http://%(host)s:%(port)d/ — hentikan dengan Ctrl+C.")
            % {"host": host, "port": port}
        )
        stdout.flush()
    waitress_serve(application, host=host, port=port, threads=threads, ident="pilkada")
