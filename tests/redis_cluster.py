"""A private Redis Cluster for tests: 3 masters and 3 replicas from the `redis-server` binary, on free ports.

Made with `redis-cli --cluster create` (Debian's redis-tools, installed with redis-server); nothing persists.
A missing binary is an error, not a skip, as for `tests.redis_server`.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import redis

from tests.redis_server import PORT_ATTEMPTS, RedisServerError, find_binary, free_port

READY_TIMEOUT = 30.0  # seconds for the cluster to agree and every replica to sync


def _node_port(taken: list[int]) -> int:
    """A free port, none of `taken`, that leaves room for the node's bus port (the port + 10000, at most 65535)."""
    while True:
        port = free_port()
        if port <= 55535 and port not in taken and _free(port + 10000):
            return port


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class ClusterServers:
    """Six redis-server processes made into one cluster (3 masters, 1 replica each)."""

    def __init__(self, masters: int = 3) -> None:
        """Prepare (not start) a cluster of `masters` masters, each with one replica."""
        self.count = masters * 2
        self.ports: list[int] = []
        self._processes: dict[int, subprocess.Popen[bytes]] = {}
        self._dir: Path | None = None
        self._binary = ""

    @property
    def url(self) -> str:
        """The redis:// URL of one of its nodes (a cluster client discovers the rest)."""
        return f"redis://127.0.0.1:{self.ports[0]}/0"

    def node(self, port: int) -> redis.Redis:
        """A plain client for one node."""
        return redis.Redis(host="127.0.0.1", port=port, socket_timeout=5)

    def masters(self) -> list[int]:
        """The ports of the nodes that are masters now."""
        return [port for port in self.ports if self.node(port).info("replication")["role"] == "master"]

    def replica_of(self, master_port: int) -> int:
        """The port of the replica of the master at `master_port`."""
        for port in self.ports:
            info = self.node(port).info("replication")
            if info["role"] == "slave" and int(info["master_port"]) == master_port:
                return port
        raise LookupError(f"no replica of {master_port}")

    def __enter__(self) -> ClusterServers:
        """Start the nodes, create the cluster, wait until it serves every slot and the replicas synced."""
        binary = self._binary = find_binary()
        cli = shutil.which("redis-cli") or str(Path(binary).with_name("redis-cli"))
        if not Path(cli).is_file():
            raise RedisServerError("redis-cli not found (Debian: apt-get install redis-server, which brings it)")
        self._dir = Path(tempfile.mkdtemp(prefix="hotline-cluster-"))
        self.ports = []
        for _ in range(self.count):
            self.ports.append(self._start_node())
        created = subprocess.run([cli, "--cluster", "create", *(f"127.0.0.1:{p}" for p in self.ports),
                                  "--cluster-replicas", "1", "--cluster-yes"], capture_output=True, text=True,
                                 timeout=60)
        if created.returncode != 0:
            self.__exit__(None, None, None)
            raise RedisServerError(f"redis-cli --cluster create failed:\n{created.stdout}\n{created.stderr}")
        self._wait(self._ready, "the cluster to be ready")
        return self

    def crash(self, port: int) -> None:
        """Kill one node, as a machine failing would."""
        process = self._processes.pop(port)
        process.kill()
        process.wait()

    def restart(self, port: int) -> None:
        """Start a crashed node again (it rejoins from its nodes.conf, as a replica if it was replaced)."""
        self._launch(port)
        self._wait(lambda: self.node(port).ping(), f"node {port} to start again")

    def _start_node(self) -> int:
        """Start one node on a free port and return the port; another port if that one was taken meanwhile (by
        another process's socket, between choosing it and the node binding it)."""
        for _ in range(PORT_ATTEMPTS):
            port = _node_port(self.ports)
            self._launch(port)
            self._wait(lambda p=port: self._settled(p), f"node {port} to start")
            if self._processes[port].poll() is None:
                return port
            self.crash(port)
        raise RedisServerError(f"no cluster node started in {PORT_ATTEMPTS} attempts (see {self._dir})")

    def _settled(self, port: int) -> bool:
        """Whether the node launched on `port` exited (the port was taken) or answers (by its pid: PING could
        reach someone else's server on that port)."""
        process = self._processes[port]
        return process.poll() is not None or int(self.node(port).info("server")["process_id"]) == process.pid

    def _launch(self, port: int) -> None:
        assert self._dir is not None
        self._processes[port] = subprocess.Popen(
            [self._binary, "--bind", "127.0.0.1", "--port", str(port), "--cluster-enabled", "yes",
             "--cluster-config-file", f"nodes-{port}.conf", "--cluster-node-timeout", "2000", "--save", "",
             "--appendonly", "no", "--dir", str(self._dir), "--logfile", f"redis-{port}.log"],
            cwd=self._dir, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def _ready(self) -> bool:
        if any(self.node(p).info("cluster").get("cluster_enabled") != 1 for p in self.ports):
            return False
        if any(b"cluster_state:ok" not in self.node(p).execute_command("CLUSTER", "INFO") for p in self.ports):
            return False
        replicas = [self.node(p).info("replication") for p in self.ports]
        synced = [r for r in replicas if r["role"] == "slave" and r.get("master_link_status") == "up"]
        return len(synced) == self.count // 2

    def running(self, port: int) -> bool:
        """Whether the node at `port` runs (it was not crashed, or was restarted)."""
        return port in self._processes

    def wait_healthy(self) -> None:
        """Wait until every slot is served and every replica is in sync again."""
        self._wait(self._ready, "the cluster to be whole")

    def _wait(self, check, what: str) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            try:
                if check():
                    return
            except redis.RedisError:
                pass
            time.sleep(0.1)
        raise RedisServerError(f"timed out waiting for {what}")

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        """Stop every node and delete the folder."""
        for process in self._processes.values():
            process.terminate()
        for process in self._processes.values():
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
