from django.contrib import admin

from pilkada.audit.admin import LoggedAdminMixin
from pilkada.regions.models import PollingStation, Region


@admin.register(Region)
class RegionAdmin(LoggedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "level")
    list_filter = ("level",)
    search_fields = ("code", "name")


@admin.register(PollingStation)
class PollingStationAdmin(LoggedAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "desa", "number", "registered_men", "registered_women")
    search_fields = ("desa__code", "desa__name", "number")
    list_select_related = ("desa",)
    autocomplete_fields = ("desa",)
