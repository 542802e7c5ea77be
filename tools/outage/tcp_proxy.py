"""A TCP forwarder for outage tests: it can cut the link and restore it, and live in a netns.

`TcpProxy` accepts connections on one address and relays each to an upstream address, on an
asyncio loop in a background thread. `cut()` resets every open connection (RST, as a crashed or
restarted peer does) and refuses new ones; `restore()` accepts and relays again.

`Netns` is a private network namespace (its own loopback) made with `unshare`: the proxy can
listen inside it while its upstream side stays outside, and `drop(port)` makes the namespace's
firewall silently discard a port's packets both ways (a blackhole: TCP notices only through its
own timeouts) without touching the host's network.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import struct
import subprocess
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

Address = tuple[str, int]


def socket_in(netns: str | None) -> socket.socket:
    """A new TCP socket in the network namespace at path `netns` (None: this process's own)."""
    if netns is None:
        return socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    result: Future[socket.socket] = Future()

    def create() -> None:
        # setns changes only the calling thread, and a socket keeps the namespace it was made in.
        try:
            fd = os.open(netns, os.O_RDONLY)
            try:
                os.setns(fd, os.CLONE_NEWNET)
            finally:
                os.close(fd)
            result.set_result(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
        except BaseException as error:  # handed to the caller
            result.set_exception(error)

    thread = threading.Thread(target=create, name="netns-socket")
    thread.start()
    thread.join()
    return result.result()


def _reset(writer: asyncio.StreamWriter) -> None:
    """Closes a connection with RST instead of FIN, so the peer sees 'connection reset'."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class TcpProxy:
    """Relays TCP connections from `listen` to `upstream`; `cut()` and `restore()` the link."""

    def __init__(
        self,
        *,
        upstream: Address,
        listen: Address = ("127.0.0.1", 0),
        listen_netns: str | None = None,
        upstream_netns: str | None = None,
    ) -> None:
        self.upstream = upstream
        self.listen = listen
        self.listen_netns = listen_netns
        self.upstream_netns = upstream_netns
        self.port = 0
        self.accepted = 0
        self.refused = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True, name="proxy")
        self._server: asyncio.Server | None = None
        self._pairs: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self._cut = False

    # Public API, called from any thread.

    def start(self) -> TcpProxy:
        self._thread.start()
        self._call(self._open)
        return self

    @property
    def address(self) -> Address:
        return self.listen[0], self.port

    @property
    def open_connections(self) -> int:
        return len(self._pairs)

    def cut(self) -> int:
        """Resets every relayed connection and refuses new ones; returns how many were reset."""
        return self._call(self._cut_now)

    def restore(self) -> None:
        """Accepts and relays connections again (on the same port)."""
        self._call(self._open)

    def stop(self) -> None:
        if self._thread.is_alive():
            self._call(self._cut_now)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)

    def __enter__(self) -> TcpProxy:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # Inside the loop.

    def _call(self, coroutine_function: Callable[[], Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine_function(), self._loop).result(timeout=10)

    async def _open(self) -> None:
        self._cut = False
        if self._server is not None:
            return
        sock = socket_in(self.listen_netns)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.listen[0], self.port or self.listen[1]))
        sock.listen(128)
        sock.setblocking(False)
        self.port = sock.getsockname()[1]
        self._server = await asyncio.start_server(self._accept, sock=sock)

    async def _cut_now(self) -> int:
        self._cut = True
        if self._server is not None:
            self._server.close()  # the port now refuses connections (RST to a SYN)
            self._server = None
        pairs, self._pairs = list(self._pairs), set()
        for client, upstream in pairs:
            _reset(client)
            upstream.transport.abort()
        return len(pairs)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._cut:
            self.refused += 1
            _reset(writer)
            return
        try:
            sock = socket_in(self.upstream_netns)
            sock.setblocking(False)
            await asyncio.wait_for(self._loop.sock_connect(sock, self.upstream), timeout=5)
            up_reader, up_writer = await asyncio.open_connection(sock=sock)
        except (TimeoutError, OSError):
            self.refused += 1
            _reset(writer)
            return
        self.accepted += 1
        pair = (writer, up_writer)
        self._pairs.add(pair)
        try:
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        finally:
            self._pairs.discard(pair)
            for side in pair:
                if self._cut:
                    side.transport.abort()
                else:
                    side.close()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
            if writer.can_write_eof():
                writer.write_eof()
        except (ConnectionError, OSError):
            writer.transport.abort()


class Netns:
    """A private network namespace with its own loopback, kept alive by a sleeping process."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.path = ""

    def start(self) -> Netns:
        self.process = subprocess.Popen(
            [
                "unshare",
                "--net",
                "--",
                "sh",
                "-c",
                "ip link set lo up && echo up && exec sleep 3600",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "up":
            error = self.process.stderr.read() if self.process.stderr else ""
            self.process.kill()
            raise OSError(f"cannot make a network namespace: {error.strip()}")
        self.path = f"/proc/{self.process.pid}/ns/net"
        return self

    def enter(self) -> None:
        """Moves the calling (single-threaded, e.g. a child before exec) process into the netns."""
        fd = os.open(self.path, os.O_RDONLY)
        try:
            os.setns(fd, os.CLONE_NEWNET)
        finally:
            os.close(fd)

    def run(self, *command: str) -> None:
        subprocess.run(
            ["nsenter", f"--net={self.path}", "--", *command], check=True, capture_output=True
        )

    def drop(self, port: int) -> None:
        """Silently discards every packet to or from `port` on the namespace's loopback."""
        for direction in ("--dport", "--sport"):
            self.run("iptables", "-I", "INPUT", "-p", "tcp", direction, str(port), "-j", "DROP")

    def undrop(self, port: int) -> None:
        for direction in ("--dport", "--sport"):
            self.run("iptables", "-D", "INPUT", "-p", "tcp", direction, str(port), "-j", "DROP")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
