from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "pilkada.regions"
    label = "regions"
