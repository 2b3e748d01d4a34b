from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from clusterlink.directory.demo import DEMO_PASSWORD, DemoLoader


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
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD}):"))
        for who, username in logins.items():
            self.stdout.write(f"  {username:<12} {who}")
