from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "pilkada.elections"
    label = "elections"
