from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from clusterlink.directory.imports.cli import ImportCommand, enterprise_by_id
from clusterlink.directory.imports.service import import_capacity


class Command(ImportCommand):
    help = (
        "Import the capacity rows of one firm from an .xlsx/.csv file (see the capacity template)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--enterprise", type=int, required=True, help="Id of the firm the rows belong to."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        enterprise = enterprise_by_id(options["enterprise"])
        path = options["file"]
        self.run_with_progress(
            options,
            lambda progress: import_capacity(
                source=path,
                file_name=path.name,
                enterprise=enterprise,
                good_rows_only=options["good_rows_only"],
                progress=progress,
            ),
        )
