"""Benchmark: the cost of one message, against the floor of the stack measured in the same run.

    .venv/bin/python -m bench.messages [--messages 2000]

It starts a private redis-server on a free port (needs `redis-server` on the PATH) and prints, as
medians over many messages (the machine is shared and noisy, so medians and ratios, not means):

- floor: two bare PING round trips, what any design with a load and a save must pay;
- engine: the pure step function alone;
- answer (redis): a whole message through Hotline.answer on the real server;
- answer (embedded): the same on the in-process fakeredis store;
and the round trips each message makes to Redis (counted by a proxy in front of it, bench/redis_proxy.py).
"""

from __future__ import annotations

import argparse
import uuid

from bench.redis_proxy import RoundTripProxy
from bench.timing import median_us, time_calls
from bot import build_hotline, settings
from bot.engine import step
from bot.flow import load_flows
from bot.settings import REPO_FLOWS
from bot.state import State
from tests.redis_server import RedisServer

SCRIPT = ["hi", "1", "0", "3", "7", "8", "90210", "menu", "what?", "2"]  # a walk through the menu


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    count = parser.parse_args().messages
    flows = load_flows(REPO_FLOWS)

    with RedisServer() as server:
        client = server.client()
        floor = time_calls(lambda i: (client.ping(), client.ping()), count)

        state = State(node="menu", lang="en", last_seen=0)
        engine = time_calls(lambda i: step(flows, state, SCRIPT[i % len(SCRIPT)], i), count)

        def answer_with(hotline):
            senders = [f"+1555010{n:04d}" for n in range(50)]  # fictional numbers, 50 conversations
            return lambda i: hotline.answer(senders[i % 50], uuid.uuid4().hex, SCRIPT[(i // 50) % len(SCRIPT)], i)

        on_redis = build_hotline(settings.read({"HOTLINE_ENV": "development", "REDIS_URL": server.url}))
        answer_with(on_redis)(0)  # load the Lua script once, as a running server would have
        real = time_calls(answer_with(on_redis), count)
        with RoundTripProxy(server.port) as proxy:
            counted = build_hotline(settings.read({"HOTLINE_ENV": "development",
                                                   "REDIS_URL": f"redis://127.0.0.1:{proxy.port}/0"}))
            answer_with(counted)(0)  # connection opened, script loaded
            before = proxy.round_trips
            time_calls(answer_with(counted), 200)
            per_message = (proxy.round_trips - before) / 200
        embedded = time_calls(answer_with(build_hotline(settings.read({"HOTLINE_ENV": "development"}))), count)

    rows = [("floor: 2 x PING", floor), ("engine.step alone", engine),
            ("answer, real redis", real), ("answer, embedded", embedded)]
    base = median_us(floor)
    print(f"{count} messages each; medians on this machine (2 cores, shared)")
    print(f"{'what':<22}{'median us':>12}{'x floor':>10}")
    for name, samples in rows:
        print(f"{name:<22}{median_us(samples):>12.1f}{median_us(samples) / base:>10.2f}")
    print(f"redis round trips per message: {per_message:.2f} (a GET, then one EVALSHA; counted by a proxy)")


if __name__ == "__main__":
    main()
