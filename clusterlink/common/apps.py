from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "clusterlink.common"
    label = "common"
