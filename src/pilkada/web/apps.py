from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "pilkada.web"
    label = "web"
