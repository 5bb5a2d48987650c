"""The change log: one append-only, hash-chained entry per change to election data.

An entry names who (user id and name as they were), when, what (entity, its id and a label, the
old and new values) and from where (channel; file with its SHA-256, sheet and row; or the
request). ``hash`` is the SHA-256 of the previous entry's hash and this entry's content (see
:mod:`pilkada.audit.chain`), so changing or removing any entry breaks every later link. The
database refuses UPDATE and DELETE on this table (triggers, migration 0002). Nothing points
into it and it points nowhere (plain ids, no foreign keys): deleting a user or an election
never touches the log.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATE = "create", _("dibuat")
    UPDATE = "update", _("diubah")
    DELETE = "delete", _("dihapus")


class ChangeLogEntry(models.Model):
    created_at = models.DateTimeField(_("waktu"))
    user_id = models.BigIntegerField(_("id pengguna"), null=True, blank=True)
    username = models.CharField(_("pengguna"), max_length=150, blank=True)
    action = models.CharField(_("tindakan"), max_length=10, choices=Action.choices)
    entity = models.CharField(_("jenis data"), max_length=60)
    entity_id = models.CharField(_("id data"), max_length=100)
    label = models.CharField(_("data"), max_length=255, blank=True)
    old = models.JSONField(_("nilai lama"), null=True, blank=True)
    new = models.JSONField(_("nilai baru"), null=True, blank=True)
    source = models.CharField(_("sumber"), max_length=10)
    source_file = models.CharField(_("berkas"), max_length=255, blank=True)
    source_sha256 = models.CharField(_("SHA-256 berkas"), max_length=64, blank=True)
    source_sheet = models.CharField(_("lembar"), max_length=100, blank=True)
    source_row = models.PositiveIntegerField(_("baris"), null=True, blank=True)
    request = models.CharField(_("permintaan"), max_length=255, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    prev_hash = models.CharField(_("hash sebelumnya"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("catatan perubahan")
        verbose_name_plural = _("catatan perubahan")

    def __str__(self):
        return f"#{self.pk} {self.action} {self.entity} {self.entity_id}"


class ChainHead(models.Model):
    """The last entry's id and hash (one row): the lock every append takes, and the value to
    publish. The chain itself is the proof; this row only says where it ends."""

    last_id = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ujung rantai")
        verbose_name_plural = _("ujung rantai")

    def __str__(self):
        return f"#{self.last_id} {self.hash}"


class AccessRecord(models.Model):
    """A record that someone saw or exported personal data in full (NIK/NKK unmasked): who,
    when, through which channel, what (a description and how many people's data). Kept apart
    from the change log because nothing changed, but just as permanent: Pilkada never edits
    or deletes these rows, and the admin shows them read-only."""

    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)
    user_id = models.BigIntegerField(_("id pengguna"), null=True, blank=True)
    username = models.CharField(_("pengguna"), max_length=150, blank=True)
    source = models.CharField(_("saluran"), max_length=10)
    action = models.CharField(_("tindakan"), max_length=60)
    subject = models.CharField(_("data"), max_length=255)
    rows = models.PositiveIntegerField(_("jumlah orang"), default=0)
    request = models.CharField(_("permintaan"), max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("akses data pribadi")
        verbose_name_plural = _("akses data pribadi")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.action}"
