from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "clusterlink.directory"
    label = "directory"
    verbose_name = _("directory")

    def ready(self) -> None:
        from clusterlink.directory.public_cache import connect_signals

        connect_signals()
