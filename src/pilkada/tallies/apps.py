from django.apps import AppConfig


class TalliesConfig(AppConfig):
    name = "pilkada.tallies"
    label = "tallies"
