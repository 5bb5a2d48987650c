from django.contrib import admin

from pilkada.core.admin import ReadOnlyAdminMixin
from pilkada.tallies.models import TallySheet, TallySheetRevision


class RevisionInline(admin.TabularInline):
    model = TallySheetRevision
    extra = 0
    can_delete = False
    fields = (
        "version",
        "created_at",
        "created_by",
        "source",
        "source_file",
        "source_sheet",
        "source_row",
        "status",
        "note",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TallySheet)
class TallySheetAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only here: numbers change only through the versioned services (form, file, API)."""

    list_display = ("polling_station", "election", "status", "version", "updated_at")
    list_filter = ("election", "status")
    search_fields = ("polling_station__desa__code", "polling_station__desa__name")
    list_select_related = ("polling_station__desa", "election")
    inlines = [RevisionInline]
