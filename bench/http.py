"""Benchmark: the whole HTTP path (signed Twilio webhooks through gunicorn and Redis) against its floor.

    .venv/bin/python -m bench.http [--workers N] [--seconds 8] [--rounds 2] [--stored 1000,1000000]
                                   [--client auto|wrk|python] [--json bench-http.json]

It starts its own redis-server and gunicorn (deploy/gunicorn.conf.py, as the Procfile; `--workers` defaults to
the cores this machine has), and in the same run a floor app on the same stack (bench/floor.py: signature check,
GET, SET, TwiML). Traffic is realistic and correctly signed (bench/traffic.py: new conversations, menu walks, Spanish,
ZIP look-ups, free text, Twilio retries; each conversation's messages one at a time, as texters send them), from
wrk when Debian's wrk is installed, else a bounded asyncio client on loopback. It prints, and writes as JSON:

- messages/s at saturation, and p50/p95/p99 at saturation and at a fixed offered load of half of it, for
  the bot and the floor (medians over --rounds), and their ratio: in each round both apps are up side by side
  and saturated in turns, BURSTS short runs each, so a shift in the machine's load meets both; the ratio is the
  median of the rounds' own ratios;
- Redis round trips and commands per message (a counting proxy in a separate pass; INFO commandstats);
- Redis bytes per idle conversation (MEMORY USAGE of its keys, and used_memory per 10,000 conversations);
- the same throughput and p99 with 1,000 and with 1,000,000 stored conversations (loaded with a pipeline);
- CPU time per message at saturation, in gunicorn's processes and in Redis, for the bot and the floor (read
  from /proc: the machine's noise moves it far less than throughput), and Redis commands per message there;
- cold start: a fresh process importing the app and loading the flows and the directory.
Everything it starts is stopped at the end, also on Ctrl-C. The machine is shared and noisy: read ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import redis

from bench.cpu import group_seconds, process_seconds
from bench.load import offered, saturate, wrk_available, wrk_saturate
from bench.redis_proxy import RoundTripProxy
from bench.traffic import in_turn, interleaved, signed_requests
from tests.processes import stop, wait_for_port
from tests.redis_server import RedisServer, free_port

ROOT = Path(__file__).resolve().parent.parent
RUN_DIR = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
TOKEN = "bench-" + secrets.token_hex(16)  # a made-up Twilio auth token, for this run only
PEPPER = secrets.token_urlsafe(32)
TARGETS = {"ratio_to_floor": 0.95, "p99_half_ms": 25.0, "round_trips": 2.0, "bytes_per_conversation": 300,
           "cold_start_s": 1.0}


def env_for(redis_url: str, port: int) -> dict[str, str]:
    """The environment a production deployment would have (development mode off), its metrics and spool in
    this run's own folders."""
    (RUN_DIR / f"metrics-{port}").mkdir(parents=True, exist_ok=True)
    return {**os.environ, "HOTLINE_ENV": "production", "REDIS_URL": redis_url, "TWILIO_AUTH_TOKEN": TOKEN,
            "HOTLINE_PEPPER": PEPPER, "HOTLINE_PUBLIC_URL": f"http://127.0.0.1:{port}", "PYTHONPATH": str(ROOT),
            "PROMETHEUS_MULTIPROC_DIR": str(RUN_DIR / f"metrics-{port}"), "HOTLINE_SPOOL_DIR": str(RUN_DIR / "spool")}


@contextlib.contextmanager
def gunicorn(app: str, redis_url: str, workers: int) -> Iterator[tuple[int, int]]:
    """`app` under gunicorn as the Procfile runs it, on a free port; yields the port once it answers, and the
    process group of gunicorn and its workers."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app],
        env=env_for(redis_url, port), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True)
    try:
        wait_for_port(port, process, app, lambda: process.stderr.read().decode(errors="replace"))
        yield port, process.pid  # started in a session of its own: its pid is the group's id
    finally:
        stop(process)
        shutil.rmtree(RUN_DIR / f"metrics-{port}", ignore_errors=True)


FLOOR, BOT = "bench.floor:create_app()", "bot:create_app()"
BURSTS = 4  # saturation bursts per app and round, the apps taking turns: a shift in the machine's load meets both


def measure_round(server: RedisServer, workers: int, seconds: float, client: str, floor_first: bool
                  ) -> dict[str, dict[str, dict[str, float]]]:
    """One round: the floor and the bot up side by side, saturated in turns (BURSTS short runs each, so both meet
    the same moments of a noisy machine), then each at a fixed load of half its own saturation."""
    apps = (FLOOR, BOT) if floor_first else (BOT, FLOOR)
    redis.Redis(port=server.port).flushall()
    with gunicorn(apps[0], server.url, workers) as first, gunicorn(apps[1], server.url, workers) as second:
        loads = {app: _Load(port, group, server, seconds, runs=BURSTS)
                 for app, (port, group) in zip(apps, (first, second), strict=True)}
        burst = max(1.0, round(seconds / BURSTS))
        for n in range(BURSTS):
            for app in apps if n % 2 == 0 else apps[::-1]:
                loads[app].saturate(burst, client)
        return {"floor" if app == FLOOR else "bot": loads[app].report() for app in apps}


def measure(app: str, server: RedisServer, workers: int, seconds: float, client: str, rate: float) -> dict[str, dict]:
    """`app` alone, freshly started: saturated for `seconds`, then at a fixed load of `rate` messages/s."""
    with gunicorn(app, server.url, workers) as (port, group):
        load = _Load(port, group, server, seconds, runs=1)
        load.saturate(seconds, client)
        return load.report(rate)


class _Load:
    """One app under gunicorn and the traffic meant for it: saturation runs (added up, with the CPU they cost in
    the web processes and in Redis), then one run at a fixed load."""

    def __init__(self, port: int, group: int, server: RedisServer, seconds: float, runs: int) -> None:
        """Traffic for an app on `port` (process group `group`) that will be saturated `runs` times, `seconds` in
        all, then run at a fixed load for `seconds`."""
        self.port, self.group, self.server, self.seconds = port, group, server, seconds
        # Enough messages that no run sends one twice (~5 a conversation, well above this machine's rate), the
        # first half for the fixed load, the second shared out to the saturation runs.
        conversations = signed_requests(f"http://127.0.0.1:{port}/sms", TOKEN, max(6000, int(seconds * 2000)),
                                        seed=port)
        self.half_way = len(conversations) // 2
        self.conversations = conversations
        self.unused = [conversations[self.half_way + n::runs] for n in range(runs)]
        self.runs: list[dict[str, float]] = []
        self.web_s = self.redis_s = 0.0
        self.commands = 0
        saturate("127.0.0.1", port, interleaved(conversations[:100], 8), 1.0)  # warm up every worker

    def saturate(self, seconds: float, client: str) -> None:
        """Run at saturation for `seconds` on conversations no run has used."""
        mine = self.unused.pop()
        redis_client = redis.Redis(port=self.server.port)
        commands_before = _commands(redis_client)
        web_before, redis_before = group_seconds(self.group), process_seconds(self.server.pid)
        if client == "wrk":
            run = wrk_saturate("127.0.0.1", self.port, in_turn(mine, 64), seconds, 16, 2)
        else:
            run = saturate("127.0.0.1", self.port, interleaved(mine, 16), seconds).summary()
        self.web_s += group_seconds(self.group) - web_before
        self.redis_s += process_seconds(self.server.pid) - redis_before
        self.commands += _commands(redis_client) - commands_before - 1  # less the INFO that counted them
        self.runs.append(run)

    def report(self, rate: float | None = None) -> dict[str, dict[str, float]]:
        """Saturation (runs added up; latencies the median of the runs'), the CPU each message cost there, and a
        run at a fixed load of `rate` messages/s (default: half of saturation)."""
        answered = max(sum(r["answered"] for r in self.runs), 1)
        seconds = sum(r["seconds"] for r in self.runs)
        saturated = {"messages_per_s": round(answered / seconds, 1),
                     **{p: statistics.median(r[p] for r in self.runs) for p in ("p50_ms", "p95_ms", "p99_ms")},
                     "answered": answered, "errors": sum(r["errors"] for r in self.runs), "seconds": round(seconds, 2)}
        cpu = {"web_us": round(self.web_s / answered * 1e6), "redis_us": round(self.redis_s / answered * 1e6),
               # Commands, not CPU: shows whether messages raced (a compare-and-set retry costs two more).
               "redis_commands": round(self.commands / answered, 2)}
        target = rate or saturated["messages_per_s"] / 2
        half = offered("127.0.0.1", self.port, in_turn(self.conversations[100:self.half_way], 64), target,
                       self.seconds).summary()
        half["offered_per_s"] = round(target, 1)
        return {"saturation": saturated, "half": half, "cpu_per_message": cpu}


def round_trips_and_commands(server: RedisServer, workers: int, messages: int = 600) -> dict[str, float]:
    """Per message: round trips to Redis (counted by a proxy) and commands (INFO commandstats)."""
    client = redis.Redis(port=server.port)
    with RoundTripProxy(server.port) as proxy, gunicorn("bot:create_app()", f"redis://127.0.0.1:{proxy.port}/0",
                                                         workers) as (port, _):
        conversations = signed_requests(f"http://127.0.0.1:{port}/sms", TOKEN, 400, seed=7)
        saturate("127.0.0.1", port, interleaved(conversations[:50], 4), 1.0)  # connections opened, scripts loaded
        before_trips, before_commands = proxy.round_trips, _commands(client)
        lanes = interleaved(conversations[50:], 4)
        run = saturate("127.0.0.1", port, [lane[: messages // 4] for lane in lanes], 60)
        trips, commands = proxy.round_trips - before_trips, _commands(client) - before_commands - 1
    return {"messages": run.answered, "round_trips_per_message": round(trips / run.answered, 2),
            "commands_per_message": round(commands / run.answered, 2)}


def _commands(client: redis.Redis) -> int:
    stats = client.info("commandstats")
    return sum(v["calls"] for k, v in stats.items() if k != "cmdstat_info")


def memory_per_conversation(server: RedisServer, conversations: int = 10_000) -> dict[str, float]:
    """Bytes Redis holds per idle conversation of two messages ("hi", then "1"), replay records included."""
    from bot import build_hotline, settings

    client = redis.Redis(port=server.port)
    client.flushall()
    before = client.info("memory")["used_memory"]
    hotline = build_hotline(settings.read(env_for(server.url, 1)))
    now = int(time.time())
    for n in range(conversations):
        sender = f"+1555{2000000 + n:07d}"
        hotline.answer(sender, "SM" + secrets.token_hex(16), "hi", now)
        hotline.answer(sender, "SM" + secrets.token_hex(16), "1", now + 5)
    used = client.info("memory")["used_memory"] - before
    keys = [k for _, k in zip(range(2000), client.scan_iter(count=1000), strict=False)]
    per_key = statistics.mean(client.memory_usage(k, samples=0) for k in keys)
    keys_per_conversation = client.dbsize() / conversations
    return {"conversations": conversations, "keys_per_conversation": round(keys_per_conversation, 2),
            "memory_usage_bytes": round(per_key * keys_per_conversation),
            "used_memory_bytes": round(used / conversations)}


def seed(server: RedisServer, count: int) -> float:
    """Store `count` idle conversations through the store's own compare-and-set, pipelined; seconds taken."""
    from bot.identity import pseudonym
    from bot.state import State
    from bot.store import _COMMIT as COMMIT_SCRIPT
    from bot.store import RedisStore, Snapshot

    client = redis.Redis(port=server.port)
    client.flushall()
    client.script_load(COMMIT_SCRIPT)  # pipelined EVALSHAs need the script already there
    start, now = time.perf_counter(), int(time.time())
    for first in range(0, count, 2000):
        pipe = client.pipeline(transaction=False)
        store = RedisStore(pipe, 3600, 31536000)
        for n in range(first, min(count, first + 2000)):
            pid = pseudonym(PEPPER.encode(), f"+1555{(3000000 + n) % 10_000_000:07d}{n // 10_000_000}")
            store.commit(pid, Snapshot(None, 0), "SM" + f"{n:032x}", State(node="menu", lang="en", last_seen=now), now)
        pipe.execute()
    return time.perf_counter() - start


def cold_start(redis_url: str, runs: int = 3) -> float:
    """Median seconds for a fresh process to import the app and load the flows and directory."""
    code = "from bot import create_app; create_app()"
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], env=env_for(redis_url, 1), cwd=ROOT, check=True,
                       capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def main() -> None:
    """Run the benchmark, print the tables, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seconds", type=float, default=8.0, help="per load run")
    parser.add_argument("--rounds", type=int, default=2, help="floor and bot, alternating which goes first")
    parser.add_argument("--stored", default="1000,1000000", help="stored conversations to compare ('' skips)")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--json", default="bench-http.json")
    args = parser.parse_args()
    client = "wrk" if args.client == "wrk" or (args.client == "auto" and wrk_available()) else "python"
    report: dict[str, object] = {"cores": os.cpu_count(), "workers": args.workers, "client": client,
                                 "seconds_per_run": args.seconds, "targets": TARGETS}
    threads = os.environ.get("WEB_THREADS", "4")  # as deploy/gunicorn.conf.py reads it
    print(f"{os.cpu_count()} cores, {args.workers} gunicorn workers x {threads} threads, load from {client}, "
          f"{args.seconds:.0f} s per run, {args.rounds} rounds (medians)")
    with RedisServer() as server:
        report["cold_start_s"] = round(cold_start(server.url), 2)
        rounds = [measure_round(server, args.workers, args.seconds, client, floor_first=n % 2 == 0)
                  for n in range(args.rounds)]
        for name in ("floor", "bot"):
            report[name] = {part: _median([r[name][part] for r in rounds])
                            for part in ("saturation", "half", "cpu_per_message")}
        # Each round's own ratio (the apps saturated in turns, moments apart); the median of them is the figure.
        report["ratio_per_round"] = [round(r["bot"]["saturation"]["messages_per_s"]
                                           / r["floor"]["saturation"]["messages_per_s"], 3) for r in rounds]
        report["ratio_to_floor"] = round(statistics.median(report["ratio_per_round"]), 3)
        report["redis"] = round_trips_and_commands(server, args.workers)
        report["memory"] = memory_per_conversation(server)
        growth = {}
        rate = report["bot"]["half"]["offered_per_s"]
        for stored in [int(s) for s in args.stored.split(",") if s]:
            seconds = seed(server, stored)
            growth[str(stored)] = {"seed_s": round(seconds, 1), **measure(
                BOT, server, args.workers, args.seconds, client, rate=rate)}
        report["growth"] = growth
    shutil.rmtree(RUN_DIR, ignore_errors=True)
    _print(report)
    Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwritten to {args.json}")


def _print(report: dict) -> None:
    floor, bot = report["floor"], report["bot"]
    print(f"\n{'':26}{'messages/s':>11}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}   (at saturation)")
    for name, data in (("floor", floor), ("bot", bot)):
        s = data["saturation"]
        print(f"{name:26}{s['messages_per_s']:>11.0f}{s['p50_ms']:>9.1f}{s['p95_ms']:>9.1f}{s['p99_ms']:>9.1f}")
    print(f"\n{'':26}{'offered/s':>11}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}   (fixed load: half of saturation)")
    for name, data in (("floor", floor), ("bot", bot)):
        h = data["half"]
        print(f"{name:26}{h['offered_per_s']:>11.0f}{h['p50_ms']:>9.1f}{h['p95_ms']:>9.1f}{h['p99_ms']:>9.1f}")
    t, redis_, memory = report["targets"], report["redis"], report["memory"]
    rounds = ", ".join(f"{r:.2f}" for r in report["ratio_per_round"])
    print(f"\nthroughput, bot / floor: {report['ratio_to_floor']:.2f} (target >= {t['ratio_to_floor']}; "
          f"each round: {rounds})")
    cpu_bot, cpu_floor = bot["cpu_per_message"], floor["cpu_per_message"]
    print(f"CPU per message at saturation: web {cpu_bot['web_us']:.0f} us (floor {cpu_floor['web_us']:.0f}, "
          f"x{cpu_bot['web_us'] / max(cpu_floor['web_us'], 1):.2f}), Redis {cpu_bot['redis_us']:.0f} us (floor "
          f"{cpu_floor['redis_us']:.0f}, x{cpu_bot['redis_us'] / max(cpu_floor['redis_us'], 1):.2f}); Redis "
          f"commands {cpu_bot['redis_commands']} (floor {cpu_floor['redis_commands']})")
    print(f"p99 at half of saturation: {bot['half']['p99_ms']:.1f} ms (target < {t['p99_half_ms']:.0f} ms)")
    print(f"Redis per message: {redis_['round_trips_per_message']} round trips (target <= {t['round_trips']:.0f}), "
          f"{redis_['commands_per_message']} commands")
    print(f"Redis bytes per idle conversation: {memory['memory_usage_bytes']} (MEMORY USAGE), "
          f"{memory['used_memory_bytes']} (used_memory / {memory['conversations']}) "
          f"(target <= {t['bytes_per_conversation']})")
    print(f"cold start: {report['cold_start_s']} s (target < {t['cold_start_s']:.0f} s)")
    for stored, data in report["growth"].items():
        s, h, cpu = data["saturation"], data["half"], data["cpu_per_message"]
        # The runs are minutes apart, and the machine drifts. The web side's CPU a message cannot depend on what
        # Redis stores: when it moved as much as Redis's, the difference is the machine's, not the stored data's.
        print(f"with {int(stored):>9,} stored conversations: {s['messages_per_s']:.0f} messages/s at saturation "
              f"(CPU a message: web {cpu['web_us']} us, Redis {cpu['redis_us']} us), p99 {h['p99_ms']:.1f} ms at "
              f"{h['offered_per_s']:.0f}/s (seeded in {data['seed_s']} s)")


if __name__ == "__main__":
    main()
