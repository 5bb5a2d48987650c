"""Admin pieces shared by the apps."""

from __future__ import annotations


class ReadOnlyAdminMixin:
    """Shown in the admin, never added, changed or deleted there: such data changes only
    through the services that version and log it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
