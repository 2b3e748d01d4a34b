"""Background work of the events app (django-tasks; the db backend runs it on `db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_schedule(*, run_id: int) -> str:
    """Solve one queued ScheduleRun and write its meetings; safe to run twice (idempotent)."""
    from clusterlink.events.scheduling import schedule_run_execute

    return str(schedule_run_execute(run_id=run_id).status)
