"""The base of Pilkada's own management commands."""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

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

    def execute(self, *args, **options):
        # Django prints "CommandError: …" for a refused command; a desk reads Indonesian.
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            if not getattr(self, "_called_from_command_line", False) or options.get("traceback"):
                raise
            self.stderr.write(_("Kesalahan: %(m)s") % {"m": exc})
            sys.exit(exc.returncode)

    def create_parser(self, prog_name, subcommand, **kwargs):
        argparse_id.install(translation.get_language() or settings.LANGUAGE_CODE)
        return super().create_parser(prog_name, subcommand, **kwargs)


def add_area_arguments(parser, *, levels=None, election_required=True) -> None:
    """``--election`` and ``--region`` (and ``--level`` when ``levels`` is given)."""
    parser.add_argument(
        "--election", required=election_required, metavar="KODE", help=_("kode pemilihan")
    )
    parser.add_argument(
        "--region",
        default=None,
        metavar="KODE",
        help=_("hanya wilayah dengan kode ini (bawaan: seluruh wilayah pemilihan)"),
    )
    if levels:
        parser.add_argument(
            "--level",
            required=True,
            choices=levels,
            help=_("tingkat rincian: %(levels)s") % {"levels": ", ".join(levels)},
        )


def election_and_area(opts) -> tuple:
    """The election and region code named by ``add_area_arguments``, or a CommandError."""
    from pilkada.elections.selectors import ElectionNotFound, get_election
    from pilkada.recap.selectors import RecapError, validate_area

    try:
        election = get_election(opts["election"])
        return election, validate_area(election, opts["region"])
    except (ElectionNotFound, RecapError) as exc:
        raise CommandError(str(exc)) from None


def election_and_recap(opts) -> tuple:
    """The election and its recap for ``--region``/``--level``, or a CommandError."""
    from pilkada.elections.selectors import ElectionNotFound, get_election
    from pilkada.recap.selectors import RecapError, election_recap

    try:
        election = get_election(opts["election"])
        return election, election_recap(election, within=opts["region"], level=opts["level"])
    except (ElectionNotFound, RecapError) as exc:
        raise CommandError(str(exc)) from None


def user_named(username: str | None):
    """The Pilkada user a command acts for (``--user``), or None; a CommandError if unknown."""
    if not username:
        return None
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("Pengguna '%(u)s' tidak ada.") % {"u": username})
    return user
