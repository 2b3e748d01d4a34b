"""What the import/export management commands share: a progress bar, the printed report, the
exit code (non-zero when the file was rejected), and the viewer a command acts as."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clusterlink.accounts.access import Viewer
from clusterlink.directory.models import Enterprise, ImportJob

# Commands run with the rights of the server's administrator.
COMMAND_VIEWER = Viewer(user_id=0, is_platform_admin=True)


class ImportCommand(BaseCommand):
    """Base of import_enterprises, import_capacity and import_demands."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The .xlsx or .csv file.")
        parser.add_argument(
            "--good-rows-only",
            action="store_true",
            help="Write the valid rows even when others have errors (the report says so).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def run_with_progress(
        self, options: dict[str, Any], run: Callable[[Callable[[int], None] | None], ImportJob]
    ) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        if options["no_progress"]:
            job = run(None)
        else:
            from tqdm import tqdm

            with tqdm(unit=" rows", desc=path.name, file=sys.stderr, mininterval=0.5) as bar:
                job = run(bar.update)
        self.print_report(job)
        if job.status == ImportJob.Status.REJECTED:
            raise CommandError(
                f"{path.name}: rejected, nothing was written ({len(job.report.get('errors', []))} errors)",
                returncode=2,
            )

    def print_report(self, job: ImportJob) -> None:
        report = job.report
        for error in report.get("errors", []):
            where = f"row {error['row']}" if error["row"] is not None else "file"
            column = f", {error['column']}" if error["column"] else ""
            cell = f" ({error['cell']})" if error.get("cell") else ""
            self.stderr.write(f"{where}{column}{cell}: {error['reason']}")
        if report.get("ignored_blank_rows"):
            self.stdout.write(
                f"blank rows ignored: {', '.join(map(str, report['ignored_blank_rows']))}"
            )
        if report.get("good_rows_only") and report.get("skipped_rows"):
            self.stdout.write(
                f"only the good rows were imported; rows left out: {', '.join(map(str, report['skipped_rows']))}"
            )
        self.stdout.write(
            f"{job.get_status_display()}: {job.rows_total} rows read, {report.get('created', 0)} created, "
            f"{report.get('updated', 0)} updated, {report.get('unchanged', 0)} unchanged, "
            f"{len(report.get('existing', []))} already there, {len(report.get('duplicates', []))} possible duplicates queued "
            f"(import #{job.pk})"
        )


def enterprise_by_id(value: int) -> Enterprise:
    try:
        return Enterprise.objects.select_related("cluster").get(pk=value)
    except Enterprise.DoesNotExist as exc:
        raise CommandError(f"no enterprise with id {value}") from exc


class ExportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            help="File to write (default: clusterlink-<kind>.<format> here).",
        )
        parser.add_argument(
            "--language",
            default="zh-hans",
            choices=["zh-hans", "en", "ja"],
            help="Language of the header row.",
        )

    def write(self, options: dict[str, Any], **kwargs: Any) -> None:
        from clusterlink.directory.imports.exports import export_file

        content = export_file(
            self.kind,
            viewer=COMMAND_VIEWER,
            file_format=options["format"],
            language=options["language"],
            **kwargs,
        )
        output: Path = options["output"] or Path(f"clusterlink-{self.kind}.{options['format']}")
        output.write_bytes(content)
        self.stdout.write(f"wrote {output} ({len(content):,} bytes)")
