"""Forms of the web app."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilkada.web.files import upload_problem

MAX_FILES = 50
ACCEPT = ".xlsx,.xls,.ods,.csv"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; cleans to a list (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        if not files:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class DptUploadForm(forms.Form):
    berkas = MultipleFileField(
        label=gettext_lazy("Berkas DPT"),
        error_messages={"required": gettext_lazy("Pilih berkas DPT yang akan diunggah.")},
    )
    accept_valid = forms.BooleanField(
        required=False, label=gettext_lazy("Impor baris yang sah saja")
    )
    replace = forms.BooleanField(
        required=False, label=gettext_lazy("Ganti seluruh DPT TPS dalam berkas")
    )

    def clean_berkas(self):
        files = self.cleaned_data["berkas"]
        if len(files) > MAX_FILES:
            raise ValidationError(_("Paling banyak %(n)d berkas sekali unggah.") % {"n": MAX_FILES})
        problems = [p for p in (upload_problem(f) for f in files) if p]
        names = [Path(f.name).name for f in files]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            problems.append(
                _("Dua berkas bernama sama (%(f)s): ganti nama salah satunya agar pesan "
                  "kesalahan menunjuk berkas yang benar.") % {"f": ", ".join(twice)}
            )  # fmt: skip
        if problems:
            raise ValidationError(problems)
        return files
