"""`python manage.py reap_stale_runs`: marks failed the match runs whose worker died.

A run still `running` past its time limit plus a margin has lost its worker (killed,
restarted, out of memory); it is marked failed ("the worker stopped"), so that its page stops
polling and its demands can be run again. The run pages and the start of a run reap too; this
command (run from cron, e.g. every five minutes) does it when nobody looks.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from clusterlink.matching.services import match_runs_reap


class Command(BaseCommand):
    help = "Mark failed the match runs still running long after their time limit."

    def handle(self, *args: Any, **options: Any) -> None:
        count = match_runs_reap()
        self.stdout.write(f"{count} stale run(s) reaped")
