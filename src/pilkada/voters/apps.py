from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotersConfig(AppConfig):
    name = "pilkada.voters"
    label = "voters"
    verbose_name = _("Daftar pemilih (DPT)")
