"""Mark failed the schedule runs whose worker stopped (still queued or running past their time
limit plus a margin), so that their events are free for a new run. Safe to run often (cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from clusterlink.events.scheduling import schedule_runs_reap


class Command(BaseCommand):
    help = "Mark failed the schedule runs left queued or running by a worker that stopped."

    def handle(self, *args: Any, **options: Any) -> None:
        reaped = schedule_runs_reap()
        if options["verbosity"] >= 1:
            self.stdout.write(f"{reaped} stale schedule run(s) marked failed.")
