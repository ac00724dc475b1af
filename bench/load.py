"""Load for the HTTP benchmark: a small asyncio HTTP/1.1 client (keep-alive, bounded), and wrk when installed.

- `saturate`: closed loop, each connection sends its next request as soon as the last is answered.
- `offered`: open loop at a fixed rate; latency counts from when a request was due, not when it was sent,
  so a stalled server is not hidden by the client waiting for it (coordinated omission).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.traffic import Request


@dataclass(frozen=True)
class Run:
    """What one load run measured: messages answered, errors, seconds, and latencies in seconds."""

    answered: int
    errors: int
    seconds: float
    latencies: tuple[float, ...]

    @property
    def per_second(self) -> float:
        """Messages answered per second."""
        return self.answered / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        """The q-th latency (0..1) in milliseconds."""
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e3 if ordered else float("nan")

    def summary(self) -> dict[str, float]:
        """Figures for the report (units in the names)."""
        return {"messages_per_s": round(self.per_second, 1), "p50_ms": round(self.percentile(0.50), 2),
                "p95_ms": round(self.percentile(0.95), 2), "p99_ms": round(self.percentile(0.99), 2),
                "answered": self.answered, "errors": self.errors, "seconds": round(self.seconds, 2)}


class _Connection:
    """One keep-alive connection; reopened when the server closes it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, request: Request) -> int:
        """Send one webhook call; its HTTP status."""
        for attempt in range(2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            head = (f"POST /sms HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                    "Content-Type: application/x-www-form-urlencoded\r\n"
                    f"X-Twilio-Signature: {request.signature}\r\nContent-Length: {len(request.body)}\r\n\r\n")
            try:
                self.writer.write(head.encode() + request.body)
                return await self._response()
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def _response(self) -> int:
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionResetError("closed")
        status = int(status_line.split()[1])
        length, keep = 0, True
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                keep = False
        await self.reader.readexactly(length)
        if not keep:
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _saturate(host: str, port: int, lanes: Sequence[Sequence[Request]], seconds: float) -> Run:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def lane(requests: Sequence[Request]) -> None:
        nonlocal errors
        connection = _Connection(host, port)
        for request in requests:
            if time.perf_counter() >= deadline:
                break
            start = time.perf_counter()
            try:
                ok = await connection.post(request) == 200
            except OSError:
                ok = False
            latencies.append(time.perf_counter() - start) if ok else None
            errors += not ok
        connection.close()

    start = time.perf_counter()
    await asyncio.gather(*(lane(requests) for requests in lanes))
    return Run(len(latencies), errors, time.perf_counter() - start, tuple(latencies))


async def _offered(host: str, port: int, requests: Sequence[Request], rate: float, seconds: float,
                   connections: int) -> Run:
    pool: asyncio.Queue[_Connection] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(_Connection(host, port))
    latencies: list[float] = []
    errors = 0
    tasks = []

    async def fire(request: Request, due: float, connection: _Connection) -> None:
        nonlocal errors
        try:
            ok = await connection.post(request) == 200
        except OSError:
            ok = False
        if ok:
            latencies.append(time.perf_counter() - due)
        errors += not ok
        pool.put_nowait(connection)

    start = time.perf_counter()
    count = min(len(requests), int(rate * seconds))
    for index in range(count):
        due = start + index / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        connection = await pool.get()  # a request due while every connection is busy waits, and that counts
        tasks.append(asyncio.create_task(fire(requests[index], due, connection)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    while not pool.empty():
        pool.get_nowait().close()
    return Run(len(latencies), errors, elapsed, tuple(latencies))


def saturate(host: str, port: int, lanes: Sequence[Sequence[Request]], seconds: float) -> Run:
    """Closed loop over `lanes` connections for `seconds` (each lane's requests in order)."""
    with _collector_off_the_traffic():
        return asyncio.run(_saturate(host, port, lanes, seconds))


def offered(host: str, port: int, requests: Sequence[Request], rate: float, seconds: float,
            connections: int = 64) -> Run:
    """Open loop at `rate` messages a second for `seconds`, over at most `connections` connections."""
    with _collector_off_the_traffic():
        return asyncio.run(_offered(host, port, requests, rate, seconds, connections))


@contextlib.contextmanager
def _collector_off_the_traffic() -> Iterator[None]:
    """Keep this process's garbage collector off every object made before the run (the signed traffic, a few
    hundred thousand): a full collection over them stalled the client's event loop for up to 80 ms, and every
    request due meanwhile counted that as the server's latency."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


WRK_SCRIPT = r"""
local threads, created = {}, 0
function setup(thread)
  thread:set("id", created)
  created = created + 1
  table.insert(threads, thread)
end
local requests, n, i = {}, 0, 0
function init(args)
  local count = tonumber(args[2])
  for line in io.lines(args[1]) do
    local sig, body = line:match("^([^\t]*)\t(.*)$")
    n = n + 1
    requests[n] = wrk.format("POST", "/sms", {["Content-Type"] = "application/x-www-form-urlencoded",
                                             ["X-Twilio-Signature"] = sig}, body)
  end
  i = math.floor(id * n / count)  -- each thread starts its own stretch: no request is sent twice
end
function request()
  i = i % n + 1
  return requests[i]
end
function done(summary, latency, requests)
  io.write(string.format('{"requests": %d, "seconds": %f, "errors": %d, "p50": %f, "p95": %f, "p99": %f}\n',
    summary.requests, summary.duration / 1e6, summary.errors.status + summary.errors.connect
    + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3, latency:percentile(99) / 1e3))
end
"""


def wrk_available() -> bool:
    """True when Debian's wrk is installed."""
    return shutil.which("wrk") is not None


def wrk_saturate(host: str, port: int, requests: Sequence[Request], seconds: float, connections: int,
                 threads: int) -> dict[str, float]:
    """Closed loop with wrk (lighter than Python on a shared machine): its own summary, in ms."""
    with tempfile.TemporaryDirectory() as tmp:
        data, script = Path(tmp) / "requests.tsv", Path(tmp) / "signed.lua"
        data.write_text("".join(f"{r.signature}\t{r.body.decode()}\n" for r in requests))
        script.write_text(WRK_SCRIPT)
        out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:.0f}s",
                              "-s", str(script), f"http://{host}:{port}/sms", "--", str(data), str(threads)],
                             capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("{"))
    raw = json.loads(line)
    return {"messages_per_s": round(raw["requests"] / raw["seconds"], 1), "p50_ms": raw["p50"],
            "p95_ms": raw["p95"], "p99_ms": raw["p99"], "answered": raw["requests"] - raw["errors"],
            "errors": raw["errors"], "seconds": round(raw["seconds"], 2)}
