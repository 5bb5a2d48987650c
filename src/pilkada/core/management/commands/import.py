from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from pilkada.core.command import PilkadaCommand, user_named
from pilkada.core.imports import ImportRejected
from pilkada.elections.imports import import_pairs_file
from pilkada.elections.selectors import ElectionNotFound, get_election
from pilkada.regions.imports import import_regions_file, import_stations_file
from pilkada.tallies.imports import election_code_in_file, import_results_file
from pilkada.voters.commands.importing import add_voter_arguments, import_voters


class Command(PilkadaCommand):
    help = _(
        "Impor data induk dari berkas .xlsx, .xls, .ods atau .csv. Berkas dengan satu "
        "kesalahan pun tidak ditulis sama sekali; setiap kesalahan disebut dengan lembar, sel "
        "dan kolomnya."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(
            dest="what", required=True, metavar="wilayah|tps|paslon|hasil|dpt"
        )
        for name, text in (
            ("wilayah", _("kode dan nama wilayah Kemendagri (kolom: kode, nama, tingkat)")),
            ("tps", _("TPS (kolom: kode_desa, nomor_tps, dpt_l, dpt_p, alamat, lintang, bujur)")),
            (
                "paslon",
                _("pasangan calon (kolom: nomor_urut, nama_calon, nama_wakil, jenis, partai)"),
            ),
            (
                "hasil",
                _(
                    "hasil formulir C.Hasil, satu baris per TPS (kolom: kode_tps, "
                    "suara_paslon_N, suara_sah, suara_tidak_sah, … lihat docs/format-berkas.md)"
                ),
            ),
            (
                "dpt",
                _(
                    "daftar pemilih tetap (DPT) susunan KPU: NKK, NIK, NAMA LENGKAP, TEMPAT "
                    "LAHIR, TANGGAL LAHIR, STATUS PERKAWINAN, JENIS KELAMIN, … per TPS"
                ),
            ),
        ):
            p = sub.add_parser(name, help=text, description=text)
            if name == "dpt":
                add_voter_arguments(p)
                continue
            p.add_argument("file", metavar="FILE", help=_("berkas yang diimpor"))
            p.add_argument(
                "--dry-run",
                action="store_true",
                help=_("periksa dan laporkan tanpa menulis apa pun"),
            )
            if name == "paslon":
                p.add_argument(
                    "--election", required=True, metavar="KODE", help=_("kode pemilihan")
                )
            if name == "hasil":
                p.add_argument(
                    "--election",
                    metavar="KODE",
                    help=_("kode pemilihan (tidak perlu untuk buku kerja isian buatan Pilkada)"),
                )
                p.add_argument(
                    "--user",
                    metavar="NAMA",
                    help=_("nama pengguna Pilkada yang tercatat sebagai pengubah"),
                )

    def handle(self, *args, **opts):
        if opts["what"] == "dpt":
            return import_voters(self, opts)
        path, dry_run = opts["file"], opts["dry_run"]
        try:
            if opts["what"] == "wilayah":
                summary = import_regions_file(path, dry_run=dry_run, isolated=True)
            elif opts["what"] == "tps":
                summary = import_stations_file(path, dry_run=dry_run, isolated=True)
            elif opts["what"] == "paslon":
                election = get_election(opts["election"])
                summary = import_pairs_file(election, path, dry_run=dry_run, isolated=True)
            else:
                code = opts["election"] or election_code_in_file(path, isolated=True)
                if not code:
                    raise CommandError(
                        _("Berkas %(f)s tidak menyebut pemilihannya; tambahkan --election KODE.")
                        % {"f": path}
                    )
                election = get_election(code)
                summary = import_results_file(
                    election, path, dry_run=dry_run, user=user_named(opts["user"]), isolated=True
                )
                for conflict in summary.conflicts:
                    self.stderr.write(conflict)
                for outcome in summary.outcomes:
                    if outcome.flagged:
                        self.stdout.write(
                            _("TPS %(id)s (%(where)s) ditandai: melanggar %(rules)s")
                            % {
                                "id": outcome.tps_id,
                                "where": outcome.where,
                                "rules": ", ".join(outcome.broken_rules),
                            }
                        )
        except ElectionNotFound as exc:
            raise CommandError(str(exc)) from None
        except ImportRejected as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError(
                _("Berkas %(f)s ditolak: %(n)d kesalahan; tidak ada data yang ditulis.")
                % {"f": path, "n": exc.count}
            ) from None
        prefix = _("Uji coba (tidak ada yang ditulis): ") if dry_run else ""
        self.stdout.write(prefix + summary.describe())
