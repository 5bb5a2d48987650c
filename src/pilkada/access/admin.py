"""Users with their roles and regions, edited by an administrator; refusals, read-only."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from pilkada.access.models import Assignment, Profile, Refusal
from pilkada.core.admin import ReadOnlyAdminMixin

User = get_user_model()


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fk_name = "user"
    extra = 1
    fields = ["role", "region", "polling_station"]
    autocomplete_fields = ["region", "polling_station"]


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    extra = 0


class PilkadaUserAdmin(UserAdmin):
    inlines = [ProfileInline, AssignmentInline]
    list_display = ["username", "first_name", "is_active", "is_superuser", "roles"]
    list_filter = ["is_active", "is_superuser", "assignments__role"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("assignments")

    @admin.display(description=_("peran"))
    def roles(self, obj):
        return ", ".join(sorted({a.get_role_display() for a in obj.assignments.all()}))

    def save_formset(self, request, form, formset, change):
        for item in formset.save(commit=False):
            if isinstance(item, Assignment) and item.pk is None:
                item.created_by = request.user
            item.save()
        for gone in formset.deleted_objects:
            gone.delete()
        formset.save_m2m()


admin.site.unregister(User)
admin.site.register(User, PilkadaUserAdmin)


@admin.register(Refusal)
class RefusalAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "user", "method", "path", "address", "reason"]
    list_filter = ["at"]
    search_fields = ["path", "user__username"]
