"""The voter list in the admin: read-only (it changes only through imports, which keep the
versions and the change log) and with NIK/NKK masked, like everywhere else."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from pilkada.core.admin import ReadOnlyAdminMixin
from pilkada.voters.models import StationVoterList, Voter, VoterListImport
from pilkada.voters.privacy import mask


@admin.register(VoterListImport)
class VoterListImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "election", "file_name", "user", "source", "stations", "voters",
                    "rejected")  # fmt: skip
    list_filter = ("election", "source")


@admin.register(StationVoterList)
class StationVoterListAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("polling_station", "election", "version", "voters", "men", "women",
                    "updated_at")  # fmt: skip
    list_filter = ("election",)
    list_select_related = ("polling_station__desa", "election")


@admin.register(Voter)
class VoterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "masked_nik", "birth_date", "sex", "polling_station", "election")
    list_filter = ("election", "sex", "disability")
    search_fields = ("name",)
    list_select_related = ("polling_station__desa", "election")
    exclude = ("nik", "nkk")
    readonly_fields = ("masked_nik", "masked_nkk")

    def lookup_allowed(self, lookup, value, request=None):
        # a filter in the URL (?nik__startswith=…) would reveal the masked digits one by one
        if lookup.split("__")[0] in ("nik", "nkk"):
            return False
        return super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("NIK"))
    def masked_nik(self, voter):
        return mask(voter.nik)

    @admin.display(description=_("NKK"))
    def masked_nkk(self, voter):
        return mask(voter.nkk)
