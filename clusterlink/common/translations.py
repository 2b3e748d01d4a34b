"""Where the message catalogs live.

The project catalog sits in ``clusterlink/locale``; an app may keep its own catalog in
``clusterlink/<app>/locale`` (run ``makemessages`` inside the app), which Django finds by itself.
Compiling and the completeness tests walk the same list.
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.conf import settings


def catalog_dirs() -> list[Path]:
    """Every locale directory of the project: LOCALE_PATHS first, then the apps' own."""
    project = Path(settings.BASE_DIR) / "clusterlink"
    dirs = [Path(path) for path in settings.LOCALE_PATHS]
    for config in apps.get_app_configs():
        locale = Path(config.path) / "locale"
        if locale.is_dir() and project in locale.parents and locale not in dirs:
            dirs.append(locale)
    return dirs
