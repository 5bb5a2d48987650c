from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from pilkada.core.command import PilkadaCommand
from pilkada.core.output import table, to_json
from pilkada.elections.models import ElectionKind, VoterSchemeCode
from pilkada.elections.selectors import list_elections
from pilkada.elections.services import ElectionError, create_election


class Command(PilkadaCommand):
    help = _("Buat pemilihan baru atau tampilkan daftar pemilihan.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="create|list")
        create = sub.add_parser("create", help=_("buat pemilihan baru"))
        create.add_argument("--name", required=True, help=_("nama pemilihan"))
        create.add_argument(
            "--kind", required=True, choices=ElectionKind.values, help=_("jenis pemilihan")
        )
        create.add_argument(
            "--region",
            default="",
            metavar="KODE",
            help=_(
                "kode wilayah Kemendagri, misalnya 62.10 (wajib, kecuali pemilihan presiden "
                "yang meliputi seluruh Indonesia)"
            ),
        )
        create.add_argument("--date", required=True, help=_("hari pemungutan suara, TTTT-BB-HH"))
        create.add_argument(
            "--scheme",
            default=VoterSchemeCode.Y2024,
            choices=VoterSchemeCode.values,
            help=_("skema kategori pemilih: 2018 (DPT/DPPh/DPTb) atau 2024 (DPT/DPTb/DPK)"),
        )
        create.add_argument(
            "--voter-limit", type=int, default=600, help=_("batas pemilih per TPS (bawaan 600)")
        )
        create.add_argument(
            "--reserve", default="2.5", help=_("persen surat suara cadangan (bawaan 2,5)")
        )
        create.add_argument("--code", default="", help=_("kode singkat pemilihan (opsional)"))
        lst = sub.add_parser("list", help=_("daftar pemilihan"))
        lst.add_argument("--format", choices=("table", "json"), default="table")

    def handle(self, *args, **opts):
        if opts["action"] == "create":
            try:
                election = create_election(
                    name=opts["name"],
                    kind=opts["kind"],
                    region_code=opts["region"],
                    polling_date=opts["date"],
                    voter_scheme=opts["scheme"],
                    voter_limit=opts["voter_limit"],
                    reserve_percent=opts["reserve"],
                    code=opts["code"],
                )
            except ElectionError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(
                _("Pemilihan dibuat: %(name)s (kode %(code)s)")
                % {"name": election.name, "code": election.code}
            )
            return
        elections = list(list_elections())
        if opts["format"] == "json":
            self.stdout.write(
                to_json(
                    [
                        {
                            "kode": e.code,
                            "nama": e.name,
                            "jenis": e.kind,
                            "wilayah": e.area_code,
                            "nama_wilayah": e.area_name,
                            "tanggal": e.polling_date.isoformat(),
                            "skema": e.voter_scheme,
                            "batas_pemilih_tps": e.voter_limit,
                            "persen_cadangan": str(e.reserve_percent),
                            "simulasi": e.is_simulated,
                        }
                        for e in elections
                    ]
                ),
                ending="",
            )
            return
        self.stdout.write(
            table(
                [_("Kode"), _("Nama"), _("Wilayah"), _("Tanggal"), _("Skema")],
                [
                    (
                        e.code,
                        e.name,
                        f"{e.area_code} {e.area_name}".strip(),
                        e.polling_date.isoformat(),
                        e.voter_scheme,
                    )
                    for e in elections
                ],
            ),
            ending="",
        )
