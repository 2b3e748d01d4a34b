from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from clusterlink.directory.imports.cli import ExportCommand


class Command(ExportCommand):
    help = "Export capacity rows (all, or of one firm) to .xlsx or CSV in the columns of the import template."
    kind = "capacity"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--enterprise", type=int, help="Id of one firm.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.write(options, enterprise_id=options["enterprise"])
