"""`python manage.py expire_proposals`: marks open proposals past their expiry as expired.

Deciding on a lapsed proposal is refused whenever it happens; this command (run from cron, e.g.
hourly) also records the lapse, so lists and repair runs see the proposal as expired.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from clusterlink.matching.services import proposals_expire


class Command(BaseCommand):
    help = "Mark open proposals past their expiry as expired."

    def handle(self, *args: Any, **options: Any) -> None:
        count = proposals_expire()
        self.stdout.write(f"{count} proposal(s) expired")
