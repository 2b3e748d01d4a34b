"""What every benchmark records beside its figures: the machine and the date."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def write_results(name: str, figures: dict[str, Any], markdown: str) -> Path:
    """Write bench/results/<name>-<date>.{json,md}; return the Markdown path."""
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    payload = {
        "benchmark": name,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        **figures,
    }
    (RESULTS / f"{name}-{stamp}.json").write_text(
        json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n"
    )
    header = f"# {name} — {payload['date']}\n\nMachine: {payload['machine']['cores']} cores, {payload['machine']['cpu']}, Python {payload['machine']['python']}\n\n"
    path = RESULTS / f"{name}-{stamp}.md"
    path.write_text(header + markdown.rstrip() + "\n")
    return path
