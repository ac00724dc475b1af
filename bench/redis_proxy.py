"""A TCP proxy in front of Redis that counts round trips: a client's bytes after the server last answered.

A pipeline is one round trip however many commands it carries; a command sent again after its reply is
another. Used by `bench.http` in a short separate pass (the proxy adds latency, so never while timing).
"""

from __future__ import annotations

import asyncio
import threading


class RoundTripProxy:
    """Forwards 127.0.0.1:`port` to Redis at `target_port`, counting round trips over every connection."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.round_trips = 0
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RoundTripProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        server.close()

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        answered = asyncio.Event()
        answered.set()  # the first bytes a client sends start a round trip

        async def upstream() -> None:
            while data := await client_reader.read(65536):
                if answered.is_set():
                    self.round_trips += 1
                    answered.clear()
                server_writer.write(data)
                await server_writer.drain()
            server_writer.close()

        async def downstream() -> None:
            while data := await server_reader.read(65536):
                answered.set()
                client_writer.write(data)
                await client_writer.drain()
            client_writer.close()

        await asyncio.gather(upstream(), downstream(), return_exceptions=True)
