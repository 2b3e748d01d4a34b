"""Enterprise rows (the ClusterLink template and Open Supply Hub facility lists): parse, check
against the file and the directory, screen for duplicates, write in batches.

Validation reuses the model's field validators (`clean_fields`: lengths, credit-code check
character, e-mail, URL, decimal places) and the model's constraints, restated here only where
the database would otherwise be the first to notice (coordinates given together and in range).
`full_clean()` per row would add one uniqueness query per row; credit codes are instead
checked against the directory in one pass.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterlink.directory.imports import cells
from clusterlink.directory.imports.duplicates import (
    DirectoryIndex,
    directory_index,
    firm_record,
    record_identity,
    remembered_decisions,
    screen,
)
from clusterlink.directory.imports.inserts import insert_enterprises
from clusterlink.directory.imports.pipeline import RowCells, RowHandler
from clusterlink.directory.imports.report import ImportReport
from clusterlink.directory.imports.specs import ENTERPRISES, OSH, Spec, Taxonomy
from clusterlink.directory.models import Cluster, DuplicateCandidate, DuplicateDecision, Enterprise
from clusterlink.directory.search import search_fields
from clusterlink.directory.services import size_for
from clusterlink.directory.validators import normalise_credit_code
from clusterlink.domain.resolution import Confidence, FirmRecord, pair_fingerprint

BATCH_SIZE = 2000
POOL_ROWS = 20_000  # from this many new firms on, search keys are computed by a pool
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_VALIDATED_FIELDS: list[tuple[str, Field[Any, Any]]] = [
    (name, cast("Field[Any, Any]", Enterprise._meta.get_field(name)))
    for name in (
        "legal_name",
        "name_en",
        "credit_code",
        "address",
        "employees",
        "size",
        "description",
        "website",
        "contact_name",
        "contact_phone",
        "contact_email",
        "source",
    )
]
_TEXT_FIELDS = (
    "legal_name",
    "name_en",
    "address",
    "website",
    "contact_name",
    "contact_phone",
    "contact_email",
    "description",
)


@dataclass(slots=True)
class NewFirm:
    """The columns of a firm about to be inserted: cheaper than an unsaved Enterprise (whose
    __init__ dominated the parse of a large file); `as_model()` gives one when the ORM needs it."""

    legal_name: str = ""
    name_en: str = ""
    credit_code: str = ""
    cluster: Cluster | None = None
    address: str = ""
    lat: Decimal | None = None
    lng: Decimal | None = None
    employees: int | None = None
    size: str = ""
    description: str = ""
    website: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    is_listed: bool = True
    # Imports are an operator's act on the operator's cluster: the firms are approved members.
    cluster_status: str = Enterprise.ClusterStatus.APPROVED
    cluster_request_note: str = ""
    cluster_review_reason: str = ""
    source: str = Enterprise.Source.IMPORT
    search_keys: str = ""
    sort_name: str = ""
    pk: int | None = None
    created_at: Any = None
    updated_at: Any = None

    @property
    def cluster_id(self) -> int | None:
        return self.cluster.pk if self.cluster is not None else None

    def as_model(self) -> Enterprise:
        names = [f for f in self.__slots__ if f not in ("pk", "created_at", "updated_at")]
        return Enterprise(**{name: getattr(self, name) for name in names})


@dataclass
class EnterpriseRow:
    enterprise: NewFirm
    roles: list[str] = field(default_factory=list)
    category_ids: list[int] = field(default_factory=list)
    process_ids: list[int] = field(default_factory=list)
    certification_ids: list[int] = field(default_factory=list)
    record: FirmRecord | None = None


@dataclass(frozen=True)
class OshFacility:
    """One row of an Open Supply Hub list, given to `cluster_for` to pick the firm's cluster."""

    country: str
    name: str
    address: str
    sector: str
    lat: Any
    lng: Any


ClusterFor = Callable[[OshFacility], Cluster | None]


class EnterpriseHandler(RowHandler[EnterpriseRow]):
    spec: Spec = ENTERPRISES
    source = Enterprise.Source.IMPORT

    def __init__(self, *, cluster: Cluster | None, actor: Any = None) -> None:
        self.cluster = cluster
        self.actor = actor
        self.taxonomy = Taxonomy()
        self.index: DirectoryIndex | None = None

    # --- one row ----------------------------------------------------------------------------

    def fields(self, row: RowCells) -> dict[str, Any] | None:
        values: dict[str, Any] = {
            name: row.parse(name, cells.text, default="") for name in _TEXT_FIELDS if row.has(name)
        }
        if not values.get("legal_name") and "legal_name" not in row.failed_keys:
            row.error("legal_name", _("This cell is required."))
        values["credit_code"] = normalise_credit_code(
            row.parse("credit_code", cells.text, default="")
        )
        values["lat"] = row.parse("lat", lambda v: cells.coordinate(v, limit=90))
        values["lng"] = row.parse("lng", lambda v: cells.coordinate(v, limit=180))
        values["employees"] = row.parse("employees", lambda v: cells.whole_number(v, minimum=0))
        values["cluster"] = self.cluster
        return values

    def parse(self, row: RowCells) -> EnterpriseRow | None:
        values = self.fields(row)
        if values is None:
            return None
        parsed = EnterpriseRow(
            enterprise=NewFirm(source=self.source, size=size_for(values.get("employees")), **values)
        )
        parsed.roles = self._codes(
            row, "roles", self.taxonomy.roles, gettext_lazy("role"), lambda code: code
        )
        parsed.category_ids = self._codes(
            row,
            "categories",
            self.taxonomy.categories,
            gettext_lazy("product category"),
            lambda c: c.pk,
        )
        parsed.process_ids = self._codes(
            row, "processes", self.taxonomy.processes, gettext_lazy("process"), lambda p: p.pk
        )
        parsed.certification_ids = self._codes(
            row,
            "certifications",
            self.taxonomy.certifications,
            gettext_lazy("certification"),
            lambda c: c.pk,
        )
        self.extra(row, parsed)
        enterprise = parsed.enterprise
        if (enterprise.lat is None) != (enterprise.lng is None) and not {
            "lat",
            "lng",
        } & row.failed_keys:
            # On the missing one's column if the file has it, else on the one that is there.
            missing = "lng" if enterprise.lng is None else "lat"
            given = "lat" if missing == "lng" else "lng"
            row.error(
                missing if row.has(missing) else given,
                _("Give both latitude and longitude, or neither."),
            )
        # The model's own field validators (length, check character, URL, e-mail), run only on
        # filled cells: blank is allowed for every field but the name, checked above.
        for name, model_field in _VALIDATED_FIELDS:
            value = getattr(enterprise, name)
            if value is None or value == "" or name in row.failed_keys:
                continue
            try:
                model_field.clean(value, None)
            except ValidationError as exc:
                for message in exc.messages:
                    row.error(name, message)
        if row.failed:
            return None
        parsed.record = firm_record(
            row.number, legal_name=enterprise.legal_name, name_en=enterprise.name_en,
            address=enterprise.address, lat=enterprise.lat, lng=enterprise.lng,
        )  # fmt: skip
        return parsed

    def extra(self, row: RowCells, parsed: EnterpriseRow) -> None:
        """Hook for formats that derive more from a row (OSH)."""

    def _codes(
        self, row: RowCells, key: str, index: dict[str, Any], kind: Any, value: Callable[[Any], Any]
    ) -> list[Any]:
        found: list[Any] = []
        for word in cells.word_list(row.get(key)) if row.has(key) else []:
            hit = Taxonomy.find(index, word)
            if hit is None:
                row.error(key, _("Unknown %(kind)s: “%(word)s”.") % {"kind": kind, "word": word})
            elif value(hit) not in found:
                found.append(value(hit))
        return found

    # --- all rows ---------------------------------------------------------------------------

    def check_all(self, rows: list[tuple[int, EnterpriseRow]], report: ImportReport) -> None:
        """The same firm twice in one file (by credit code, or by name and address) is an error."""
        first_by_code: dict[str, int] = {}
        first_by_identity: dict[str, int] = {}
        for number, row in rows:
            code = row.enterprise.credit_code
            if code:
                if code in first_by_code:
                    self._duplicate_row(
                        report,
                        number,
                        "credit_code",
                        _("Same unified social credit code as row %(row)s.")
                        % {"row": first_by_code[code]},
                    )
                    continue
                first_by_code[code] = number
            assert row.record is not None
            identity = record_identity(row.record)
            if identity in first_by_identity:
                self._duplicate_row(
                    report,
                    number,
                    "legal_name",
                    _("Same name and address as row %(row)s: the row appears twice.")
                    % {"row": first_by_identity[identity]},
                )
                continue
            first_by_identity[identity] = number

    def _duplicate_row(self, report: ImportReport, number: int, key: str, reason: str) -> None:
        column, cell = self.locate(number, key)
        report.add(number, column, reason, cell)

    def write(self, rows: list[tuple[int, EnterpriseRow]], report: ImportReport) -> None:
        started = time.perf_counter()
        index = self.index or directory_index()
        report.timed("write.directory_index", started)
        new_rows: list[tuple[int, EnterpriseRow]] = []
        for number, row in rows:
            assert row.record is not None
            code = row.enterprise.credit_code
            if code and code in index.by_credit_code:
                report.existing.append(
                    {
                        "row": number,
                        "enterprise_id": index.by_credit_code[code],
                        "reason": _("Same unified social credit code."),
                    }
                )
            elif (identity := record_identity(row.record)) in index.by_identity:
                report.existing.append(
                    {
                        "row": number,
                        "enterprise_id": index.by_identity[identity],
                        "reason": _("Same name and address."),
                    }
                )
            else:
                new_rows.append((number, row))
        by_number = dict(new_rows)
        started = time.perf_counter()
        against_directory, within_file = screen(
            [r.record for _, r in new_rows if r.record is not None], index
        )
        pending = self._settle(against_directory, within_file, by_number, index, report)
        report.timed("write.duplicate_screen", started)
        skipped = report_skipped(report)
        created = self._create([(n, r) for n, r in new_rows if n not in skipped], report)
        started = time.perf_counter()
        self._queue(pending, created, report)
        report.timed("write.queue", started)

    def _settle(
        self, against_directory: list[Any], within_file: list[Any], by_number: dict[int, EnterpriseRow],
        index: DirectoryIndex, report: ImportReport,
    ) -> list[tuple[Any, str, bool]]:  # fmt: skip
        """Apply remembered decisions; return the pairs left for review (pair, fingerprint, within)."""
        records = {n: r.record for n, r in by_number.items() if r.record is not None}
        fingerprints: list[tuple[Any, str, bool]] = []
        for pair in against_directory:
            fingerprints.append(
                (
                    pair,
                    pair_fingerprint(records[pair.incoming_key], index.by_key[pair.existing_key]),
                    False,
                )
            )
        for pair in within_file:
            fingerprints.append(
                (
                    pair,
                    pair_fingerprint(records[pair.incoming_key], records[pair.existing_key]),
                    True,
                )
            )
        decisions = remembered_decisions(fp for _, fp, _ in fingerprints)
        skipped: set[int] = set()
        pending: list[tuple[Any, str, bool]] = []
        for pair, fingerprint, within in fingerprints:
            decision = decisions.get(fingerprint)
            # Within the file, incoming_key is the earlier row: the later one is the copy.
            row_number = pair.existing_key if within else pair.incoming_key
            other = pair.incoming_key if within else pair.existing_key
            if decision == DuplicateDecision.Decision.SAME:
                if row_number not in skipped and not (within and other in skipped):
                    skipped.add(row_number)
                    report.remembered.append(
                        {
                            "row": row_number,
                            "existing_id": None if within else other,
                            "existing_row": other if within else None,
                            "decision": decision,
                        }
                    )
                    report.existing.append(
                        {
                            "row": row_number,
                            "enterprise_id": None if within else other,
                            "reason": _("Decided earlier to be the same firm."),
                        }
                    )
            elif decision == DuplicateDecision.Decision.DIFFERENT:
                report.remembered.append(
                    {
                        "row": row_number,
                        "existing_id": None if within else other,
                        "existing_row": other if within else None,
                        "decision": decision,
                    }
                )
            else:
                pending.append((pair, fingerprint, within))
        return [
            p
            for p in pending
            if p[0].incoming_key not in skipped
            and p[0].existing_key not in (skipped if p[2] else set())
        ]

    def _create(
        self, rows: list[tuple[int, EnterpriseRow]], report: ImportReport
    ) -> dict[int, int]:
        """Insert the firms with their search keys and relations in batches; returns row number
        → new primary key."""
        started = time.perf_counter()
        with search_fields_computed([r.enterprise for _, r in rows]) as fields:
            for start in range(0, len(rows), BATCH_SIZE):
                batch = [r for _, r in rows[start : start + BATCH_SIZE]]
                for row, (search_keys, sort_name) in zip(batch, fields, strict=False):
                    row.enterprise.search_keys, row.enterprise.sort_name = search_keys, sort_name
                self._insert(batch)
        created = {number: cast(int, row.enterprise.pk) for number, row in rows}
        report.created += len(created)
        report.timed("write.insert", started)
        return created

    def _insert(self, batch: list[EnterpriseRow]) -> None:
        insert_enterprises(
            [r.enterprise for r in batch], roles=[r.roles for r in batch], actor=self.actor,
            links={"categories": [r.category_ids for r in batch], "processes": [r.process_ids for r in batch], "certifications": [r.certification_ids for r in batch]},
        )  # fmt: skip

    def _queue(
        self, pending: list[tuple[Any, str, bool]], created: dict[int, int], report: ImportReport
    ) -> None:
        candidates: list[DuplicateCandidate] = []
        seen: set[tuple[int, int]] = set()
        for pair, fingerprint, within in pending:
            if within:
                new_pk, existing_pk, row_number = (
                    created.get(pair.existing_key),
                    created.get(pair.incoming_key),
                    pair.existing_key,
                )
            else:
                new_pk, existing_pk, row_number = (
                    created.get(pair.incoming_key),
                    pair.existing_key,
                    pair.incoming_key,
                )
            if new_pk is None or existing_pk is None or (new_pk, existing_pk) in seen:
                continue
            seen.add((new_pk, existing_pk))
            candidates.append(
                DuplicateCandidate(
                    enterprise_id=new_pk,
                    existing_id=existing_pk,
                    score=round(pair.score, 3),
                    reasons=list(pair.reasons),
                    fingerprint=fingerprint,
                    status=DuplicateCandidate.Status.PENDING,
                )
            )
            report.duplicates.append(
                {
                    "row": row_number,
                    "enterprise_id": new_pk,
                    "existing_id": existing_pk,
                    "existing_row": pair.incoming_key if within else None,
                    "score": round(pair.score, 3),
                    "confidence": str(Confidence.of(pair.score)),
                    "reasons": list(pair.reasons),
                }
            )
        stored = DuplicateCandidate.objects.bulk_create(candidates, batch_size=BATCH_SIZE)
        for entry, candidate in zip(
            report.duplicates[-len(stored) :] if stored else [], stored, strict=True
        ):
            entry["candidate_id"] = candidate.pk


def report_skipped(report: ImportReport) -> set[int]:
    return {e["row"] for e in report.existing}


@contextmanager
def search_fields_computed(enterprises: list[NewFirm]) -> Iterator[Iterator[tuple[str, str]]]:
    """The search keys and sort names of the firms, in order, as they are computed.

    A large list is computed by a pool of processes while the caller consumes the first
    results (inserting them: then the database's work on the index and the pool's overlap).
    """
    jobs = [(e.legal_name, e.name_en, e.address) for e in enterprises]
    workers = max(1, min(4, os.cpu_count() or 1))
    if len(jobs) < POOL_ROWS or workers == 1:
        yield (_keys(job) for job in jobs)
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:  # terminated on leaving
        yield pool.imap(_keys, jobs, chunksize=500)


def _keys(job: tuple[str, str, str]) -> tuple[str, str]:
    legal_name, name_en, address = job
    return search_fields(legal_name=legal_name, name_en=name_en, address=address)


class OshHandler(EnterpriseHandler):
    """Open Supply Hub facility lists (country,name,address,sector,lat,lng); the firm is an OEM
    factory, its Latin name is also its English name, the country and sector go to the description."""

    spec = OSH
    source = Enterprise.Source.OSH

    def __init__(
        self, *, cluster: Cluster | None, actor: Any = None, cluster_for: ClusterFor | None = None
    ) -> None:
        super().__init__(cluster=cluster, actor=actor)
        self.cluster_for = cluster_for

    def fields(self, row: RowCells) -> dict[str, Any] | None:
        name = row.parse("name", cells.text, required=True, default="")
        address = row.parse("address", cells.text, required=True, default="")
        country = row.parse("country", cells.text, required=True, default="")
        sector = row.parse("sector", cells.text, default="")
        lat = row.parse("lat", lambda v: cells.coordinate(v, limit=90))
        lng = row.parse("lng", lambda v: cells.coordinate(v, limit=180))
        if not name:
            return None
        cluster = self.cluster
        if self.cluster_for is not None:
            cluster = self.cluster_for(
                OshFacility(
                    country=country, name=name, address=address, sector=sector, lat=lat, lng=lng
                )
            )
        description = _("Open Supply Hub facility list: %(country)s, sector %(sector)s.") % {
            "country": country,
            "sector": sector or "—",
        }
        return {
            "legal_name": name, "name_en": "" if _CJK_RE.search(name) else name, "address": address,
            "lat": lat, "lng": lng, "cluster": cluster, "description": description,
        }  # fmt: skip

    def extra(self, row: RowCells, parsed: EnterpriseRow) -> None:
        parsed.roles = ["oem_factory"]

    def check_all(self, rows: list[tuple[int, EnterpriseRow]], report: ImportReport) -> None:
        """Published lists repeat a facility now and then: a repeat is left out and listed, not an error."""
        seen: dict[str, int] = {}
        keep: list[tuple[int, EnterpriseRow]] = []
        for number, row in rows:
            assert row.record is not None
            identity = record_identity(row.record)
            if identity in seen:
                report.existing.append(
                    {
                        "row": number,
                        "enterprise_id": None,
                        "reason": _("Same name and address as row %(row)s.")
                        % {"row": seen[identity]},
                    }
                )
                continue
            seen[identity] = number
            keep.append((number, row))
        rows[:] = keep


def write_atomically(
    handler: EnterpriseHandler, rows: list[tuple[int, EnterpriseRow]], report: ImportReport
) -> None:
    with transaction.atomic():
        handler.write(rows, report)
