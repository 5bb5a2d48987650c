from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "pilkada.audit"
    verbose_name = _("Catatan perubahan")

    def ready(self):
        from pilkada.audit import seal

        seal.connect()
