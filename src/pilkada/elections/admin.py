from django.contrib import admin

from pilkada.audit.admin import LoggedAdminMixin
from pilkada.elections.models import CandidatePair, Election


class CandidatePairInline(admin.TabularInline):
    model = CandidatePair
    extra = 0


@admin.register(Election)
class ElectionAdmin(LoggedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "kind", "region", "polling_date", "is_simulated")
    list_filter = ("kind", "voter_scheme", "is_simulated")
    search_fields = ("code", "name")
    autocomplete_fields = ("region",)
    inlines = [CandidatePairInline]
