"""Master data edited in the admin is logged like every other change; the log itself is
shown read-only."""

from __future__ import annotations

import json

from django.contrib import admin
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.forms.models import model_to_dict

from pilkada.audit.chain import Change, record
from pilkada.audit.models import AccessRecord, Action, ChangeLogEntry
from pilkada.core.admin import ReadOnlyAdminMixin


def _state(obj) -> dict:
    return json.loads(json.dumps(model_to_dict(obj), cls=DjangoJSONEncoder))


def _request_text(request) -> str:
    return f"{request.method} {request.path} {request.META.get('REMOTE_ADDR', '')}".strip()


def _log(request, obj, action, old, new) -> None:
    meta = obj._meta
    record(
        [
            Change(
                action=action,
                entity=f"{meta.app_label}.{meta.model_name}",
                entity_id=str(obj.pk),
                label=str(obj),
                old=old,
                new=new,
                source="admin",
                request=_request_text(request),
            )
        ],
        user=request.user,
    )


class LoggedAdminMixin:
    """Records every save and delete made through this admin (and its inlines)."""

    def save_model(self, request, obj, form, change):
        old = _state(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        new = _state(obj)
        if old != new:
            _log(request, obj, Action.UPDATE if change else Action.CREATE, old, new)

    def delete_model(self, request, obj):
        old = _state(obj)
        super().delete_model(request, obj)
        obj.pk = old.get("id", obj.pk)
        _log(request, obj, Action.DELETE, old, None)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():  # the changelist's delete action runs outside one
            for obj in queryset:
                self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        before = {
            f.instance.pk: _state(type(f.instance).objects.get(pk=f.instance.pk))
            for f in formset.forms
            if f.instance.pk
        }
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            _log(request, obj, Action.CREATE, None, _state(obj))
        for obj, _fields in formset.changed_objects:
            _log(request, obj, Action.UPDATE, before.get(obj.pk), _state(obj))
        for obj in formset.deleted_objects:
            _log(request, obj, Action.DELETE, before.get(obj.pk), None)


@admin.register(ChangeLogEntry)
class ChangeLogEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "created_at", "username", "action", "entity", "label", "source")
    list_filter = ("action", "entity", "source")
    search_fields = ("label", "entity_id", "username", "source_file")


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "username", "source", "action", "subject", "rows")
    list_filter = ("action", "source")
    search_fields = ("username", "subject")
