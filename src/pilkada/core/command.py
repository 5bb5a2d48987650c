"""The base of Pilkada's own management commands."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from pilkada.core import argparse_id


class PilkadaCommand(BaseCommand):
    """A command whose ``--help`` shows only its own options, in the user's language.

    Django's developer options (settings module, Python path, traceback, colours) still
    work but are hidden from the help of commands meant for election desks.
    """

    suppressed_base_arguments = {
        "--version",
        "--settings",
        "--pythonpath",
        "--traceback",
        "--no-color",
        "--force-color",
        "--skip-checks",
        "--verbosity",
    }

    def create_parser(self, prog_name, subcommand, **kwargs):
        argparse_id.install(translation.get_language() or settings.LANGUAGE_CODE)
        return super().create_parser(prog_name, subcommand, **kwargs)
