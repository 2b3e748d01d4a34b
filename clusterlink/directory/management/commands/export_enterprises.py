from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from clusterlink.directory.imports.cli import ExportCommand
from clusterlink.directory.selectors import EnterpriseFilters


class Command(ExportCommand):
    help = "Export every firm (optionally of one cluster) to .xlsx or CSV in the columns of the import template."
    kind = "enterprises"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--cluster", help="Slug of one cluster.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.write(options, filters=EnterpriseFilters(cluster=options["cluster"]))
