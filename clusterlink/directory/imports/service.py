"""Import services: read a file, validate every row, write all or nothing (or, when the user
chose it, only the good rows), record an ImportJob with the report.

Public entry points (keyword-only, each returns the ImportJob; `job.report` is the report):

* import_enterprises(source=, file_name=, cluster=, actor=, viewer=, good_rows_only=, osh=, progress=)
* import_capacity(source=, file_name=, enterprise=, actor=, viewer=, good_rows_only=, progress=)
* import_demands(source=, file_name=, enterprise=, actor=, viewer=, good_rows_only=, progress=)
* import_osh_facilities(path=, cluster_for=, cluster=, actor=, progress=) — for the demo loader

`source` is a Path, bytes, or a binary file object (an UploadedFile); `viewer` (when given)
is checked: operators (and the platform admin) import firms into clusters they operate; a
firm's members and its cluster's operators import its capacity weeks and demands.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from clusterlink.accounts.access import Viewer
from clusterlink.common.errors import NotFoundError, PermissionError_
from clusterlink.directory.imports.capacity import CapacityHandler
from clusterlink.directory.imports.demands import DemandHandler
from clusterlink.directory.imports.enterprises import ClusterFor, EnterpriseHandler, OshHandler
from clusterlink.directory.imports.pipeline import RowHandler, read_rows
from clusterlink.directory.imports.readers import FileRejected, SourceType, open_table
from clusterlink.directory.imports.report import ImportReport
from clusterlink.directory.models import Cluster, Enterprise, ImportJob

Progress = Callable[[int], None]


def run_import(
    *, handler: RowHandler[Any], kind: str, source: SourceType, file_name: str, actor: Any = None,
    cluster: Cluster | None = None, good_rows_only: bool = False, progress: Progress | None = None,
) -> ImportJob:  # fmt: skip
    """Read, validate, then write in one transaction; the ImportJob records the outcome."""
    report = ImportReport(kind=kind, file_name=file_name, good_rows_only=good_rows_only)
    rows: list[tuple[int, Any]] = []
    started = time.perf_counter()
    try:
        table = open_table(
            source, file_name=file_name, max_bytes=settings.CLUSTERLINK_MAX_UPLOAD_BYTES
        )
        report.encoding = table.encoding
        rows = read_rows(table, handler, report, progress=progress)
    except FileRejected as exc:
        report.add(None, "", exc.reason)
    report.timed("read", started)
    started = time.perf_counter()
    if not _file_level(report):
        handler.check_all(rows, report)
    report.timed("check", started)
    started = time.perf_counter()
    bad = set(report.error_rows)
    if not report.errors or (good_rows_only and not _file_level(report)):
        good = [(n, r) for n, r in rows if n not in bad]
        report.skipped_rows = sorted(bad)
        try:
            with transaction.atomic():
                handler.write(good, report)
                report.written = True
        except IntegrityError:
            report.created = report.updated = report.unchanged = 0
            report.existing.clear()
            report.duplicates.clear()
            report.add(
                None,
                "",
                _(
                    "The directory changed while the file was imported; nothing was written. Please import it again."
                ),
            )
    report.timed("write", started)
    report.sort()
    if not report.written:
        status = ImportJob.Status.REJECTED
    elif report.errors:
        status = ImportJob.Status.PARTIAL
    else:
        status = ImportJob.Status.IMPORTED
    return ImportJob.objects.create(
        kind=kind, file_name=file_name[:255], uploaded_by=actor if getattr(actor, "pk", None) else None, cluster=cluster,
        status=status, rows_total=report.rows_total, rows_written=report.rows_written, report=report.as_dict(),
    )  # fmt: skip


def _file_level(report: ImportReport) -> bool:
    """Errors of the file or its header row: no row can be trusted, so nothing is written."""
    return any(e.row is None or e.row == 1 for e in report.errors)


def check_may_import_into(viewer: Viewer | None, cluster: Cluster | None) -> None:
    if viewer is None or viewer.is_platform_admin:
        return
    if cluster is None or not viewer.operates(cluster.pk):
        raise PermissionError_(_("Only the operators of a cluster may import firms into it."))


def check_may_import_for(viewer: Viewer | None, enterprise: Enterprise) -> None:
    if viewer is None:
        return
    if not (viewer.is_member_of(enterprise.pk) or viewer.operates(enterprise.cluster_id)):
        raise NotFoundError()


def import_enterprises(
    *, source: SourceType, file_name: str, cluster: Cluster | None, actor: Any = None, viewer: Viewer | None = None,
    good_rows_only: bool = False, osh: bool = False, progress: Progress | None = None,
) -> ImportJob:  # fmt: skip
    """Firms from the enterprise template (or an OSH facility list with `osh=True`) into `cluster`."""
    check_may_import_into(viewer, cluster)
    handler = (
        OshHandler(cluster=cluster, actor=actor)
        if osh
        else EnterpriseHandler(cluster=cluster, actor=actor)
    )
    kind = ImportJob.Kind.OSH if osh else ImportJob.Kind.ENTERPRISES
    return run_import(
        handler=handler,
        kind=kind,
        source=source,
        file_name=file_name,
        actor=actor,
        cluster=cluster,
        good_rows_only=good_rows_only,
        progress=progress,
    )


def import_capacity(
    *, source: SourceType, file_name: str, enterprise: Enterprise, actor: Any = None, viewer: Viewer | None = None,
    good_rows_only: bool = False, progress: Progress | None = None,
) -> ImportJob:  # fmt: skip
    check_may_import_for(viewer, enterprise)
    return run_import(
        handler=CapacityHandler(enterprise=enterprise), kind=ImportJob.Kind.CAPACITY, source=source, file_name=file_name,
        actor=actor, cluster=enterprise.cluster, good_rows_only=good_rows_only, progress=progress,
    )  # fmt: skip


def import_demands(
    *, source: SourceType, file_name: str, enterprise: Enterprise, actor: Any = None, viewer: Viewer | None = None,
    good_rows_only: bool = False, progress: Progress | None = None,
) -> ImportJob:  # fmt: skip
    check_may_import_for(viewer, enterprise)
    return run_import(
        handler=DemandHandler(enterprise=enterprise, actor=actor), kind=ImportJob.Kind.DEMANDS, source=source,
        file_name=file_name, actor=actor, cluster=enterprise.cluster, good_rows_only=good_rows_only, progress=progress,
    )  # fmt: skip


def import_osh_facilities(
    *, path: Path, cluster_for: ClusterFor | None = None, cluster: Cluster | None = None, actor: Any = None,
    progress: Progress | None = None,
) -> ImportJob:  # fmt: skip
    """Load one Open Supply Hub facility list (.csv or .xlsx) as firms with source "osh".

    `cluster_for(facility)` picks each firm's cluster from its OshFacility (country, name,
    address, sector, lat, lng) and may return None; otherwise every firm goes to `cluster`.
    Facilities already in the directory (same name and address) are not created again, so
    loading a list twice is harmless; near-duplicates are queued for review. No access check:
    this is for the demo loader and commands.
    """
    handler = OshHandler(cluster=cluster, actor=actor, cluster_for=cluster_for)
    return run_import(
        handler=handler,
        kind=ImportJob.Kind.OSH,
        source=Path(path),
        file_name=Path(path).name,
        actor=actor,
        cluster=cluster,
        progress=progress,
    )
