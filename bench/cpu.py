"""CPU time a process group or a process has used, read from /proc (Linux): a measure of cost per message that
the machine's noise moves far less than throughput does (another process taking a core slows every request,
but does not add to the CPU each one uses)."""

from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (which may hold spaces), or None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw.rsplit(")", 1)[1].split()


def process_seconds(pid: int) -> float:
    """User plus system CPU seconds of one process (0 if it is gone)."""
    fields = _stat(str(pid))
    return (int(fields[11]) + int(fields[12])) / TICKS if fields else 0.0


def group_seconds(group: int) -> float:
    """User plus system CPU seconds of every live process in process group `group` (a server and its workers)."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(entry)
            if fields and int(fields[2]) == group:  # field 5 of stat, the process group
                total += (int(fields[11]) + int(fields[12])) / TICKS
    return total
