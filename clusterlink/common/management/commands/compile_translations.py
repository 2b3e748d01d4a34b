"""Compile the .po catalogs to .mo with Babel (pure Python), so no GNU gettext is needed to run."""

from __future__ import annotations

from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.core.management.base import BaseCommand, CommandError

from clusterlink.common.translations import catalog_dirs


class Command(BaseCommand):
    help = "Compile every django.po of the project and its apps into django.mo (fuzzy entries are left out)."

    def handle(self, *args: Any, **options: Any) -> None:
        compiled = 0
        for locale_dir in catalog_dirs():
            for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
                with po_path.open("rb") as handle:
                    catalog = read_po(handle, locale=None)
                errors = list(catalog.check())
                if errors:
                    message, problems = errors[0]
                    raise CommandError(f"{po_path}: {message.id!r}: {problems[0]}")
                with po_path.with_suffix(".mo").open("wb") as handle:
                    write_mo(handle, catalog, use_fuzzy=False)
                compiled += 1
        self.stdout.write(f"compiled {compiled} catalogs")
