"""Generated docking events for the meeting-scheduler benchmark.

The shape follows the events ClusterLink models (brands meeting OEM factories): about a
quarter of the participants are buyers, each sends 20 requests to suppliers, popular
factories draw far more requests than others, some suppliers ask for buyers back and a few
ask other suppliers (component makers meeting shoe factories), people arrive late or leave
early, and everyone has a cap on meetings.

    python -m bench.scheduling_generator --participants 1000 --seed 1 --out event.json
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

SLOTS = 16
REQUESTS_PER_BUYER = 20


def _availability(rng: random.Random, slots: int) -> list[int]:
    """Half the people stay all day; the others miss a block at the start or end (late
    arrival, early departure) or a block in the middle (a speech, a factory visit)."""
    roll = rng.random()
    if roll < 0.5:
        return list(range(slots))
    gap = rng.randint(2, slots // 2)
    if roll < 0.7:
        return list(range(gap, slots))
    if roll < 0.9:
        return list(range(slots - gap))
    start = rng.randint(1, slots - gap - 1)
    return [s for s in range(slots) if not start <= s < start + gap]


def _preference(rng: random.Random, must: float, no: float) -> str:
    roll = rng.random()
    if roll < must:
        return "must"
    if roll < must + no:
        return "no"
    return "meet"


def generate(participants: int, seed: int) -> dict[str, Any]:
    """An instance in the CLI's JSON format with `participants` people."""
    rng = random.Random(seed)
    buyers = [f"B{i:04d}" for i in range(participants // 4)]
    suppliers = [f"S{i:04d}" for i in range(participants - len(buyers))]
    people: list[dict[str, Any]] = []
    for buyer in buyers:
        people.append(
            {
                "id": buyer,
                "available": _availability(rng, SLOTS),
                "max_meetings": rng.randint(12, 16),
            }
        )
    for supplier in suppliers:
        people.append(
            {
                "id": supplier,
                "available": _availability(rng, SLOTS),
                "max_meetings": rng.randint(8, 14),
            }
        )
    # Zipf-like popularity: a few well-known factories attract many buyers.
    popularity = [1.0 / (rank + 1) ** 0.8 for rank in range(len(suppliers))]
    rng.shuffle(popularity)
    requests: list[dict[str, str]] = []
    asked: dict[str, list[str]] = {s: [] for s in suppliers}
    taken: set[tuple[str, str]] = set()
    for buyer in buyers:
        chosen: set[str] = set()
        while len(chosen) < min(REQUESTS_PER_BUYER, len(suppliers)):
            chosen.update(rng.choices(suppliers, weights=popularity, k=REQUESTS_PER_BUYER))
        for supplier in sorted(chosen)[:REQUESTS_PER_BUYER]:
            requests.append(
                {"from": buyer, "to": supplier, "preference": _preference(rng, 0.25, 0.05)}
            )
            asked[supplier].append(buyer)
            taken.add((buyer, supplier))
    for supplier in suppliers:
        # Suppliers answer some of the buyers who asked them and court a few others.
        for buyer in asked[supplier]:
            if rng.random() < 0.5:
                requests.append(
                    {"from": supplier, "to": buyer, "preference": _preference(rng, 0.3, 0.1)}
                )
                taken.add((supplier, buyer))
        for _ in range(rng.randint(0, 4)):
            target = rng.choice(buyers if rng.random() < 0.8 else suppliers)
            if target != supplier and (supplier, target) not in taken:
                requests.append(
                    {"from": supplier, "to": target, "preference": _preference(rng, 0.2, 0.05)}
                )
                taken.add((supplier, target))
    rng.shuffle(requests)  # arrival order, which first-come-first-served booking follows
    met_before: list[list[str]] = []
    for request in rng.sample(requests, k=len(requests) // 50):
        met_before.append([request["from"], request["to"]])
    return {
        "slots": SLOTS,
        "tables": participants // 4,
        "participants": people,
        "requests": requests,
        "met_before": met_before,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.write_text(json.dumps(generate(args.participants, args.seed)))


if __name__ == "__main__":
    main()
