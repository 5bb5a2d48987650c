"""Master data edited in the admin is logged like every other change, and never overwrites
an edit made since the page was read; the log itself is shown read-only.

Optimistic locking (:class:`LoggedAdminMixin`): a change page carries, in a hidden field, the
stored state of the object and of its inline rows as read (signed with the secret key, so it
cannot be forged to pass the check). Saving re-reads them under ``SELECT … FOR UPDATE`` inside
the save's transaction; if anything differs, the form is refused with the fields that changed
(value read → value now) and nothing is written. The delete confirmation page and the
changelist's "delete selected" confirmation carry the same state, so a deletion confirmed on a
page that no longer shows the stored data is refused too. A POST without the field (not sent by
an admin page, e.g. a script) is not checked.
"""

from __future__ import annotations

import json

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.admin.utils import unquote
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router, transaction
from django.forms.models import _get_foreign_key, model_to_dict
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from pilkada.audit.chain import Change, record
from pilkada.audit.models import AccessRecord, Action, ChangeLogEntry
from pilkada.core.admin import ReadOnlyAdminMixin

VERSION_FIELD = "_pilkada_versi"  # the hidden field's name
VERSION_CONTEXT = "pilkada_version"  # the template variable holding its value
_SALT = "pilkada.audit.admin.version"
_SHOWN_CHANGES = 10
_SHOWN_VALUE = 80


def _state(obj) -> dict:
    return json.loads(json.dumps(model_to_dict(obj), cls=DjangoJSONEncoder))


def _stored(obj) -> dict:
    """Every stored column of ``obj`` (``desa_id`` rather than ``desa``), as JSON values."""
    values = {f.attname: f.value_from_object(obj) for f in obj._meta.concrete_fields}
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def _shown(field, value) -> str:
    """A stored value as a person reads it: the related object's name, a choice's label."""
    if value is None or value == "":
        return _("(kosong)")
    if field is not None and field.is_relation and field.related_model is not None:
        related = field.related_model._default_manager.filter(pk=value).first()
        if related is not None:
            value = str(related)
    elif field is not None and field.flatchoices:
        value = dict(field.flatchoices).get(value, value)
    elif isinstance(value, bool):
        value = _("ya") if value else _("tidak")
    elif isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return f"'{text[:_SHOWN_VALUE]}…'" if len(text) > _SHOWN_VALUE else f"'{text}'"


def _row_changes(model, before: dict, after: dict) -> list[str]:
    """``nama 'X' → 'Y'`` for every stored column that differs, in the model's order."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    names = [*fields, *sorted((set(before) | set(after)) - set(fields))]
    changes = []
    for name in names:
        old, new = before.get(name), after.get(name)
        if old != new:
            field = fields.get(name)
            label = field.verbose_name if field is not None else name
            changes.append(f"{label} {_shown(field, old)} → {_shown(field, new)}")
    return changes


def _labels(before: dict, after: dict):
    for label in sorted(set(before) | set(after)):
        yield label, apps.get_model(label)


def _inline_changes(model, before: dict, after: dict) -> list[str]:
    """Rows of an inline added, removed or changed: ``pasangan calon '01. A – B': …``."""
    kind = model._meta.verbose_name
    changes = []
    for pk in sorted(set(before) | set(after), key=lambda k: (len(k), k)):
        if pk not in after:
            changes.append(
                _("%(kind)s '%(label)s' dihapus") % {"kind": kind, "label": before[pk][0]}
            )
        elif pk not in before:
            changes.append(
                _("%(kind)s '%(label)s' ditambahkan") % {"kind": kind, "label": after[pk][0]}
            )
        else:
            changes += [
                f"{kind} '{before[pk][0]}': {c}"
                for c in _row_changes(model, before[pk][1], after[pk][1])
            ]
    return changes


@admin.action(permissions=["delete"])  # its description stays Django's (get_actions)
def _versioned_delete_selected(modeladmin, request, queryset):
    """Django's "delete selected" action, with the confirmation page's state checked."""
    token = request.POST.get(VERSION_FIELD)
    if not request.POST.get("post"):
        response = delete_selected(modeladmin, request, queryset)
        if isinstance(response, TemplateResponse):
            pks = list(queryset.values_list("pk", flat=True))
            response.context_data[VERSION_CONTEXT] = modeladmin._version_token(request, pks)
        return response
    with transaction.atomic(using=router.db_for_write(modeladmin.model)):
        if token:
            pks = list(queryset.values_list("pk", flat=True))
            stale = modeladmin._stale(request, pks, token)
            if stale:
                modeladmin.message_user(request, stale, messages.ERROR)
                return None  # back to the list, nothing deleted
        return delete_selected(modeladmin, request, queryset)


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
    """Records every save and delete made through this admin (and its inlines), and refuses a
    save or delete based on a stale read (see the module docstring)."""

    change_form_template = "admin/audit/versioned_change_form.html"
    delete_confirmation_template = "admin/audit/versioned_delete_confirmation.html"
    delete_selected_confirmation_template = "admin/audit/versioned_delete_selected.html"

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
            old, new = before.get(obj.pk), _state(obj)
            if old != new:  # a JSON field's form reports a change whenever it is sent
                _log(request, obj, Action.UPDATE, old, new)
        for obj in formset.deleted_objects:
            _log(request, obj, Action.DELETE, before.get(obj.pk), None)

    # --- optimistic locking

    def _inline_models(self, request, obj):
        """(model, foreign key) of every inline edited on this object's page."""
        for inline in self.get_inlines(request, obj):
            try:
                fk = _get_foreign_key(self.model, inline.model, fk_name=inline.fk_name)
            except ValueError:  # not a plain foreign-key inline
                continue
            yield inline.model, fk

    def _stored_objects(self, request, pks, *, lock: bool) -> dict:
        """``{pk: {"label", "row", "inlines": {model: {pk: [label, row]}}}}`` as stored now,
        locked until the end of the transaction when ``lock``."""
        rows = self.model._default_manager.filter(pk__in=list(pks)).order_by("pk")
        lock = lock and connections[router.db_for_write(self.model)].in_atomic_block
        if lock:
            rows = rows.select_for_update()
        found = {}
        for obj in rows:
            inlines = {}
            for model, fk in self._inline_models(request, obj):
                children = model._default_manager.filter(**{fk.name: obj}).order_by("pk")
                if lock:
                    children = children.select_for_update()
                inlines[model._meta.label_lower] = {
                    str(child.pk): [str(child), _stored(child)] for child in children
                }
            found[str(obj.pk)] = {"label": str(obj), "row": _stored(obj), "inlines": inlines}
        return found

    def _version_token(self, request, pks) -> str:
        payload = {
            "model": self.model._meta.label_lower,
            "objects": self._stored_objects(request, pks, lock=False),
        }
        return signing.dumps(payload, salt=_SALT, compress=True)

    def _stale(self, request, pks, token: str) -> str | None:
        """The refusal message when the objects ``pks`` changed since ``token`` was issued
        (read under lock), else ``None``."""
        try:
            read = signing.loads(token, salt=_SALT)
        except signing.BadSignature:
            read = None
        wanted = {str(pk) for pk in pks}
        if (
            not isinstance(read, dict)
            or read.get("model") != self.model._meta.label_lower
            or not wanted <= set(read.get("objects", {}))
        ):
            return _("Versi data pada formulir ini tidak sah. Muat ulang halaman lalu ulangi.")
        now = self._stored_objects(request, wanted, lock=True)
        changes = []
        for pk in sorted(wanted, key=lambda k: (len(k), k)):
            before, after = read["objects"][pk], now.get(pk)
            prefix = f"{before['label']}: " if len(wanted) > 1 else ""
            if after is None:
                changes.append(prefix + _("sudah dihapus"))
                continue
            changes += [prefix + c for c in _row_changes(self.model, before["row"], after["row"])]
            for label, model in _labels(before["inlines"], after["inlines"]):
                changes += [
                    prefix + c
                    for c in _inline_changes(
                        model, before["inlines"].get(label, {}), after["inlines"].get(label, {})
                    )
                ]
        if not changes:
            return None
        if len(changes) > _SHOWN_CHANGES:
            more = len(changes) - _SHOWN_CHANGES
            changes = changes[:_SHOWN_CHANGES] + [_("dan %(n)d perubahan lain") % {"n": more}]
        return _(
            "Data ini sudah diubah orang lain sejak Anda membukanya: %(changes)s. Muat ulang "
            "halaman lalu ulangi."
        ) % {"changes": "; ".join(changes)}

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        token = request.POST.get(VERSION_FIELD) if request.method == "POST" else None
        if not change or obj is None or not token:
            return form
        model_admin = self

        class VersionCheckedForm(form):
            def clean(self):
                cleaned = super().clean()
                # inside changeform_view's transaction: the rows stay locked until the save
                stale = model_admin._stale(request, [self.instance.pk], token)
                if stale:
                    raise ValidationError(stale, code="stale")
                return cleaned

        VersionCheckedForm.__name__ = form.__name__
        return VersionCheckedForm

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and obj.pk is not None:
            # a form shown again after a refused save keeps the state first read: saving it
            # again is refused again until the page is reloaded
            sent = request.POST.get(VERSION_FIELD) if request.method == "POST" else None
            context[VERSION_CONTEXT] = sent or self._version_token(request, [obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def delete_view(self, request, object_id, extra_context=None):
        to_field = request.POST.get(TO_FIELD_VAR, request.GET.get(TO_FIELD_VAR))
        if to_field and not self.to_field_allowed(request, to_field):
            return super().delete_view(request, object_id, extra_context)  # refuses it
        if request.method != "POST":
            obj = self.get_object(request, unquote(object_id), to_field)
            if obj is not None:
                token = self._version_token(request, [obj.pk])
                extra_context = {**(extra_context or {}), VERSION_CONTEXT: token}
            return super().delete_view(request, object_id, extra_context)
        token = request.POST.get(VERSION_FIELD)
        with transaction.atomic(using=router.db_for_write(self.model)):
            obj = self.get_object(request, unquote(object_id), to_field)
            if token and obj is not None and self.has_delete_permission(request, obj):
                stale = self._stale(request, [obj.pk], token)
                if stale:
                    self.message_user(request, stale, messages.ERROR)
                    return HttpResponseRedirect(request.get_full_path())  # confirm again
            return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _func, name, description = actions["delete_selected"]
            actions["delete_selected"] = (_versioned_delete_selected, name, description)
        return actions


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
