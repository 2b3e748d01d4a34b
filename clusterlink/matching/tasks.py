"""Background work of match runs (django-tasks; the db backend runs it on `db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_match(*, run_id: int) -> str:
    """Solve one queued MatchRun and write its result; safe to run twice (idempotent)."""
    from clusterlink.matching.services import match_run_execute

    return str(match_run_execute(run_id=run_id).status)
