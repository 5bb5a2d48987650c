from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pilkada.core"
    label = "core"
