"""Who may do what where: a user's roles, each with its region or TPS.

An administrator is a Django superuser and may do everything. Every other user gets rights
only through :class:`Assignment` rows (deny by default): an operator or a supervisor
(pengawas) of one region, a witness (saksi) of one TPS. A user may hold several rows, e.g. a
witness of three TPS. What each role may do is in :mod:`pilkada.access.policy`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pilkada.regions.models import PollingStation, Region


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    SUPERVISOR = "pengawas", _("Pengawas")
    WITNESS = "saksi", _("Saksi")


class Assignment(models.Model):
    """One role of one user: in a region (operator, supervisor) or at a TPS (witness)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("pengguna"),
    )
    role = models.CharField(_("peran"), max_length=10, choices=Role.choices)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wilayah"),
        help_text=_("Untuk operator dan pengawas: kabupaten/kota, kecamatan, atau desa."),
    )
    polling_station = models.ForeignKey(
        PollingStation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("TPS"),
        help_text=_("Untuk saksi: TPS yang hasilnya ia masukkan."),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )

    class Meta:
        verbose_name = _("wilayah tugas")
        verbose_name_plural = _("wilayah tugas")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role="saksi", polling_station__isnull=False, region__isnull=True)
                    | Q(
                        role__in=["operator", "pengawas"],
                        region__isnull=False,
                        polling_station__isnull=True,
                    )
                ),
                name="assignment_scope_fits_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=Q(region__isnull=False),
                name="assignment_unique_region",
            ),
            models.UniqueConstraint(
                fields=["user", "polling_station"],
                condition=Q(polling_station__isnull=False),
                name="assignment_unique_station",
            ),
        ]

    def __str__(self):
        where = self.polling_station if self.polling_station_id else self.region
        return f"{self.get_role_display()} {where}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.role == Role.WITNESS:
            if not self.polling_station_id or self.region_id:
                raise ValidationError(_("Saksi ditugaskan pada satu TPS, bukan wilayah."))
        elif not self.region_id or self.polling_station_id:
            raise ValidationError(_("Operator dan pengawas ditugaskan pada satu wilayah."))


class Profile(models.Model):
    """What Pilkada keeps about a person beyond the login: a phone number to reach them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("profil")
        verbose_name_plural = _("profil")

    def __str__(self):
        return self.phone


class Refusal(models.Model):
    """One refused request (HTTP 403): who asked for what, and why it was refused."""

    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pengguna"),
    )
    method = models.CharField(_("metode"), max_length=10)
    path = models.CharField(_("alamat"), max_length=500)
    address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    reason = models.CharField(_("alasan"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("penolakan akses")
        verbose_name_plural = _("penolakan akses")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.method} {self.path}"
