"""Benchmark: the referral directory with 50,000 services: lookup per query, and start-up, against baselines.

    .venv/bin/python -m bench.referrals [--services 50000] [--queries 3000] [--yaml 2000]

It writes a generated directory (fictional services at real ZIP code centres, 555-01xx numbers) to a
temporary flows folder, as `referrals import` would (JSON), and prints medians and p99 (the machine is
shared and noisy: medians and ratios, not means), all measured in this run:

- lookup: one texter's query (ZIP -> place, search, one rendered page), against the same query on the
  shipped directory (84 records) and against the ZIP lookup alone;
- start-up: loading and indexing that directory, against loading the shipped one;
- file format: the same services loaded from YAML, to show why imports are JSON.
Targets (issue 6): lookup p99 < 2 ms; start-up with the directory loaded < 2 s.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
import zipcodes

from bench.timing import time_calls
from bot.referrals import Query, load_directory, page, phones, resolve
from bot.referrals.hsds import json_lines_document
from bot.referrals.places import by_zip, warm
from bot.settings import REPO_FLOWS

# Fictional numbers (555-01xx) in every US area code: each area code's 555 exchange is checked once.
AREA_CODES = [str(npa) for npa in range(201, 990) if phones._us_exchange(f"+1{npa}555")]
NEEDS = ["shelter", "legal", "medical", "youth", "lgbtq", "labour"]
WEEKDAYS = [{"byday": "MO,TU,WE,TH,FR", "opens_at": "09:00", "closes_at": "17:00"}]
MONTHLY = [{"freq": "MONTHLY", "byday": "2SA", "opens_at": "10:00", "closes_at": "14:00"}]


def generate(count: int, rng: random.Random) -> list[dict]:
    """`count` fictional services: most at a ZIP code's centre, some by county or state, a few national."""
    zips = [z for z in zipcodes.list_all() if z["zip_code_type"] == "STANDARD" and z["county"] and "/" in z["timezone"]]
    services = []
    for i in range(count):
        z = rng.choice(zips)
        record: dict = {"id": f"bench-{i}", "name": f"Example service {i} (fictional)",
                        "status": "active" if rng.random() < 0.95 else "inactive",
                        "phones": [{"number": f"+1{rng.choice(AREA_CODES)}55501{i % 100:02d}", "type": "voice"}],
                        "needs": rng.sample(NEEDS, rng.randint(0, 2)),
                        "languages": rng.choice([["en"], ["en", "es"], ["es"]]),
                        "source": "https://example.org/bench", "verified": "2026-11-01"}
        kind = rng.random()
        if i < 20:
            record["area"] = "national"
        elif kind < 0.85:
            record["location"] = {"latitude": round(float(z["lat"]) + rng.uniform(-0.05, 0.05), 5),
                                  "longitude": round(float(z["long"]) + rng.uniform(-0.05, 0.05), 5)}
        elif kind < 0.96:
            record["area"] = {"state": z["state"], "counties": [z["county"]]}
        else:
            record["area"] = {"state": z["state"]}
        hours = rng.random()
        if hours < 0.5:
            record["timezone"], record["hours"] = z["timezone"], WEEKDAYS
        elif hours < 0.55:
            record["timezone"], record["hours"] = z["timezone"], MONTHLY
        elif hours < 0.85:
            record["hours"] = "24/7"
        services.append(record)
    return services


def flows_with(services: list[dict], folder: Path) -> Path:
    """A copy of the shipped flows plus the generated directory file."""
    flows = Path(shutil.copytree(REPO_FLOWS, folder / "flows"))
    (flows / "directory" / "bench.json").write_text(json_lines_document({"services": services}), encoding="utf-8")
    return flows


def p(samples: list[float], q: float) -> float:
    return sorted(samples)[min(len(samples) - 1, int(q * len(samples)))] * 1e3


def startup(flows: str) -> None:
    """Child process: start the app on `flows`, as the bot starts: flows and their directory, store."""
    from bot import create_app

    create_app({"HOTLINE_ENV": "development", "HOTLINE_FLOWS_DIR": flows})


def startup_seconds(flows: Path, runs: int = 3) -> float:
    """Median wall time of a fresh process starting the app with `flows` (interpreter and imports included)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bench.referrals", "--startup", str(flows)], check=True,
                       capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Run the benchmark and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--startup", help=argparse.SUPPRESS)
    parser.add_argument("--services", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=3_000)
    parser.add_argument("--yaml", type=int, default=2_000, help="services to load from YAML (0: skip)")
    args = parser.parse_args()
    if args.startup:
        return startup(args.startup)
    rng = random.Random(6)
    warm()  # the ZIP table, as a running bot has it after its first ZIP code
    services = generate(args.services, rng)
    with tempfile.TemporaryDirectory() as tmp:
        flows = flows_with(services, Path(tmp))
        startup_shipped, startup_big = startup_seconds(REPO_FLOWS), startup_seconds(flows)
        shipped, big = load_directory(REPO_FLOWS), load_directory(flows)
        yaml_seconds = None
        if args.yaml:
            yaml_flows = Path(tmp) / "yaml"
            (yaml_flows / "directory").mkdir(parents=True)
            shutil.copy(REPO_FLOWS / "directory" / "replies.yaml", yaml_flows / "directory")
            (yaml_flows / "directory" / "bench.yaml").write_text(yaml.safe_dump({"services": services[:args.yaml]}))
            start = time.perf_counter()
            load_directory(yaml_flows)
            yaml_seconds = time.perf_counter() - start
            json_flows = Path(tmp) / "json"
            shutil.copytree(yaml_flows, json_flows)
            (json_flows / "directory" / "bench.yaml").unlink()
            (json_flows / "directory" / "bench.json").write_text(json.dumps({"services": services[:args.yaml]}))
            start = time.perf_counter()
            load_directory(json_flows)
            json_small = time.perf_counter() - start

    zips = [z["zip_code"] for z in zipcodes.list_all() if z["zip_code_type"] == "STANDARD"]
    queries = [(rng.choice(zips), rng.choice([None, None, None, *NEEDS]), rng.choice(["en", "es"]))
               for _ in range(args.queries)]
    now = int(time.time())

    def lookup(directory):
        def one(i: int) -> None:
            zip_code, need, lang = queries[i]
            page(directory, Query.at(resolve(zip_code), need), lang, now)
        return one

    for directory in (big, shipped):  # warm caches (county sets, time zones) as a running bot would be
        time_calls(lookup(directory), min(200, args.queries))
    zip_only = time_calls(lambda i: by_zip(queries[i][0]), args.queries)
    on_shipped = time_calls(lookup(shipped), args.queries)
    on_big = time_calls(lookup(big), args.queries)
    cold = [f"+1{npa}{nxx}0100" for npa in AREA_CODES for nxx in range(201, 260, 3)][:5000]
    phones._us_exchange.cache_clear()
    start = time.perf_counter()
    for number in cold:
        phones.parse(number)
    per_number_cold = (time.perf_counter() - start) / len(cold)

    print(f"{args.services} generated services ({len(big.services)} loaded), {args.queries} queries; "
          "this machine (2 cores, shared)")
    print(f"{'lookup (ZIP -> one page)':<36}{'p50 ms':>9}{'p99 ms':>9}{'x ZIP alone (p50)':>19}")
    base = p(zip_only, 0.5)
    for name, samples in (("ZIP lookup alone", zip_only), ("shipped directory (84 records)", on_shipped),
                          (f"{args.services} services", on_big)):
        print(f"{name:<36}{p(samples, 0.5):>9.3f}{p(samples, 0.99):>9.3f}{p(samples, 0.5) / base:>19.1f}")
    print(f"p99 target < 2 ms: {'met' if p(on_big, 0.99) < 2 else 'NOT met'}")
    print()
    print(f"{'start-up (fresh process: imports, app, directory)':<64}{'median s':>9}")
    print(f"{'shipped flows and directory (84 records)':<64}{startup_shipped:>9.2f}")
    print(f"{f'with {args.services} more services (JSON)':<64}{startup_big:>9.2f}")
    print(f"start-up target < 2 s: {'met' if startup_big < 2 else 'NOT met'} "
          f"(the directory adds {startup_big - startup_shipped:.2f} s)")
    print(f"a number in an exchange not seen before costs {per_number_cold * 1e6:.0f} us to check (this run's "
          f"{len(AREA_CODES)} area codes share one fictional exchange each; at worst 50,000 new exchanges would add "
          f"{per_number_cold * 50_000:.2f} s)")
    if yaml_seconds is not None:
        print(f"file format, {args.yaml} services: JSON {json_small:.3f} s, YAML {yaml_seconds:.3f} s "
              f"({yaml_seconds / json_small:.0f}x): imports are written as JSON")


if __name__ == "__main__":
    main()
