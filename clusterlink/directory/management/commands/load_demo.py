from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from clusterlink.agreements.demo import load_agreements_demo
from clusterlink.directory.demo import DEMO_PASSWORD, DemoLoader
from clusterlink.events.demo import load_events_demo
from clusterlink.matching.demo import load_matching_demo


class Command(BaseCommand):
    help = "Load the demo data set (three clusters, Open Supply Hub facilities, generated firms, capacity, demands, logins)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args: Any, seed: int, **options: Any) -> None:
        loader = DemoLoader(seed=seed, progress=lambda line: self.stdout.write(f"  {line}"))
        if loader.already_loaded():
            self.stdout.write("Demo data already loaded.")
            logins = {
                "operator": "operator",
                "brand": "brand",
                "factory": "factory",
                "sock factory": "sockfactory",
                "platform admin": "admin",
            }
        else:
            self.stdout.write("Loading the demo data…")
            logins = loader.load()
        load_events_demo(progress=lambda line: self.stdout.write(f"  {line}"))
        load_agreements_demo(progress=lambda line: self.stdout.write(f"  {line}"))
        load_matching_demo(progress=lambda line: self.stdout.write(f"  {line}"))
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD}):"))
        for who, username in logins.items():
            self.stdout.write(f"  {username:<12} {who}")
