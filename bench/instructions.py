"""Benchmark: CPU instructions per message, the bot against the floor, counted by valgrind (callgrind).

    .venv/bin/python -m bench.instructions [--messages 400]

Time on a shared machine swings by tens of percent from one run to the next; an instruction count does not
(the same program on the same input gives nearly the same count, whatever else the machine is doing). So
this counts, for the bot's and the floor's WSGI apps called in process, the instructions the web side spends
on each message of bench.traffic's signed conversations (one at a time, against a private redis-server, which
is not counted), and prints both and their ratio. It is the figure to watch while trimming the per-message
path; `bench.http` remains the measure of throughput. Counting runs the app about 50 times slower: a few
hundred messages take a minute or two. Needs Debian's valgrind (callgrind_control comes with it).

Not counted: the kernel's side of system calls and gunicorn's HTTP handling (the same for both apps).

`--caches` also simulates this machine's caches (callgrind's model, its geometry read from /sys: the first level,
and the second level as callgrind's last): cache misses are what equal instruction counts leave out. Measured on
a 2-core AMD EPYC (1 MB L2 a core): the same instructions a message, but about twice the floor's L2 misses (the
bot runs more distinct code and data per message): the likeliest reason its CPU time a message is
still ~10% above the floor's.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from werkzeug.test import EnvironBuilder

ROOT = Path(__file__).resolve().parent.parent
APPS = {"bot": "bot:create_app", "floor": "bench.floor:create_app"}
WARM_UP = 200  # messages answered before counting starts: caches filled, script loaded, connection open
PORT = 8999  # only part of the signed URL: nothing listens


def main() -> None:
    """Count both apps under callgrind and print instructions per message and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--caches", action="store_true", help="also simulate the caches (a few times slower)")
    parser.add_argument("--inner", choices=sorted(APPS), help=argparse.SUPPRESS)  # the process valgrind runs
    args = parser.parse_args()
    if args.inner:
        answer_under_count(args.inner, args.messages)
        return
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        sys.exit("bench.instructions needs valgrind (Debian: apt-get install valgrind)")
    simulated = cache_options() if args.caches else []
    counts = {name: count(name, args.messages, simulated) for name in ("floor", "bot")}
    print(f"{args.messages} messages each, per message on the web side (callgrind)")
    for measure in counts["bot"]:
        floor, bot = counts["floor"][measure], counts["bot"][measure]
        print(f"{measure:<26}floor {floor:>11,.0f}   bot {bot:>11,.0f}   bot / floor {bot / floor:.3f}")


def count(name: str, messages: int, simulated: list[str]) -> dict[str, float]:
    """Instructions per message of app `name` (and, with `simulated` cache options, its cache misses), from a
    run of this module under callgrind."""
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={folder}/out", *simulated,
             sys.executable, "-m", "bench.instructions", "--inner", name, "--messages", str(messages)],
            cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"callgrind failed for {name}:\n{done.stderr[-2000:]}")

    def counted(label: str) -> float:
        match = re.search(rf"{label}:\s+([\d,]+)", done.stderr)
        if match is None:
            sys.exit(f"callgrind counted nothing for {name}:\n{done.stderr[-2000:]}")
        return int(match.group(1).replace(",", "")) / messages

    counts = {"instructions": counted(r"I\s+refs")}
    if simulated:
        counts["first-level misses (I+D)"] = counted(r"I1\s+misses") + counted(r"D1\s+misses")
        counts["second-level misses"] = counted("LL misses")
    return counts


def cache_options() -> list[str]:
    """callgrind's cache simulation with this machine's first- and second-level geometry (Linux's /sys), so
    its "last level" is the second: a miss there costs tens of cycles, and the bot's working set is larger
    than the floor's. Without /sys's figures, callgrind's own guess (its last level is then the last)."""
    geometry = {}
    for index in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")):
        try:
            level, kind = (index / "level").read_text().strip(), (index / "type").read_text().strip()
            size = int((index / "size").read_text().strip().rstrip("K")) * 1024
            ways, line = (int((index / f).read_text()) for f in ("ways_of_associativity", "coherency_line_size"))
        except (OSError, ValueError):
            continue
        name = {("1", "Data"): "D1", ("1", "Instruction"): "I1", ("2", "Unified"): "LL"}.get((level, kind))
        if name:
            geometry[name] = f"--{name}={size},{ways},{line}"
    if len(geometry) < 3:
        print("(this machine's cache sizes are not in /sys: callgrind guesses them, its last level the last)")
        return ["--cache-sim=yes"]
    return ["--cache-sim=yes", *geometry.values()]


def answer_under_count(name: str, messages: int) -> None:
    """Answer WARM_UP messages, then `messages` more with callgrind counting (switched on and off by
    callgrind_control around the loop); every answer must be a 200."""
    from bench.http import RUN_DIR, TOKEN, env_for
    from bench.traffic import in_turn, signed_requests
    from tests.redis_server import RedisServer

    with RedisServer() as server:
        os.environ.update(env_for(server.url, PORT))  # the settings bench.http runs both apps with
        module, factory = APPS[name].split(":")
        app = getattr(__import__(module, fromlist=[factory]), factory)()
        total = WARM_UP + messages
        conversations = signed_requests(f"http://127.0.0.1:{PORT}/sms", TOKEN, total // 4 + 64, seed=3)
        environs = [EnvironBuilder(path="/sms", method="POST", data=r.body, base_url=f"http://127.0.0.1:{PORT}",
                                   content_type="application/x-www-form-urlencoded",
                                   headers={"X-Twilio-Signature": r.signature}).get_environ()
                    for r in in_turn(conversations, 64)[:total]]
        statuses: list[str] = []

        def start_response(status: str, headers: object, exc_info: object = None) -> None:
            statuses.append(status)

        def answer(batch: list[dict]) -> None:
            for environ in batch:
                body = app(environ, start_response)
                b"".join(body)
                body.close()

        answer(environs[:WARM_UP])
        callgrind("on")
        answer(environs[WARM_UP:])
        callgrind("off")
    shutil.rmtree(RUN_DIR, ignore_errors=True)
    refused = [s for s in statuses if not s.startswith("200")]
    if refused or len(statuses) != total:
        sys.exit(f"{name}: {len(refused)} answers were not 200 (first: {refused[:1]}), {len(statuses)} of {total}")


def callgrind(state: str) -> None:
    """Switch callgrind's counting of this process on or off."""
    subprocess.run(["callgrind_control", "-i", state, str(os.getpid())], check=True, capture_output=True)


if __name__ == "__main__":
    main()
