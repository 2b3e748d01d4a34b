from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from clusterlink.directory.imports.cli import ImportCommand
from clusterlink.directory.imports.service import import_enterprises
from clusterlink.directory.models import Cluster


class Command(ImportCommand):
    help = "Import firms from an .xlsx/.csv file (the enterprise template, or an Open Supply Hub list with --format osh)."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--cluster", help="Slug of the cluster the firms join.")
        parser.add_argument(
            "--format",
            choices=["template", "osh"],
            default="template",
            help="Column layout of the file.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cluster = None
        if options["cluster"]:
            cluster = Cluster.objects.filter(slug=options["cluster"]).first()
            if cluster is None:
                raise CommandError(f"no cluster with slug {options['cluster']!r}")
        path = options["file"]
        self.run_with_progress(
            options,
            lambda progress: import_enterprises(
                source=path,
                file_name=path.name,
                cluster=cluster,
                good_rows_only=options["good_rows_only"],
                osh=options["format"] == "osh",
                progress=progress,
            ),
        )
