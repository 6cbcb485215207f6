#!/usr/bin/env python3
"""`make serve-cluster`: Datasette processes (one per core, and a spare) behind nginx, as one public port.

    python scripts/cluster.py [--port 8001] [--db literature.db] [--inspect-file inspect-data.json]
                              [--workers N] [--host 127.0.0.1] [--runtime DIR] [--public-url URL]

Each process serves the database as `make serve` does (litdb.serve: immutable file, our
settings, plugins, templates and connection time limits), on 127.0.0.1 and a port of its
own, with one thing more: its answers say how long they may be kept (Cache-Control) and
carry an ETag made of the database's hash and the site code's, and a request whose
If-None-Match holds that ETag gets 304 at once. nginx (Debian's package), configured
from scripts/nginx.conf.template, is the public port: cache, compression, per-client
limits, bounded requests, retries on another process (docs/deploy.md, line by line).

This script supervises them all: a process that dies is started again (nginx routes
around it meanwhile), with a growing pause if it keeps dying at once; nginx too.
SIGTERM or Ctrl-C stops everything.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import hashlib
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import types
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from datasette import hookimpl  # noqa: E402

from litdb.serve import serve_env  # noqa: E402

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

# How long browsers and nginx may keep an answer of the immutable file before asking
# again (with If-None-Match: then a 304 costs nothing). A new release changes the ETag,
# and nginx's cache key, so only browsers may show the old one, for at most this long.
CACHE_MAX_AGE = 600
# Pages that describe the server, not the data: never cached, no ETag.
UNCACHED_PREFIXES = ("/-/threads", "/-/actor", "/-/permissions", "/-/messages", "/-/allow-debug",
                     "/-/auth-token", "/-/create-token", "/-/logout", "/-/patterns")
# The code whose output the pages are: a change in it changes the ETag.
SITE_FILES = ("metadata.yml", "litdb/*.py", "litdb/*.yml", "plugins/*.py", "templates/**/*")

# nginx settings a deployment may want to change (--set name=value).
DEFAULTS = {
    "worker_processes": "1",
    "rate": "50",  # requests/s per client address, sustained
    "burst": "100",  # requests answered at once above the rate
    "conn_per_client": "64",  # open connections per client address
    "cache_size": "512m",
}


def log(message: str) -> None:
    print(f"cluster: {message}", file=sys.stderr, flush=True)


# --- the Datasette side: Cache-Control, ETag, 304 -------------------------------------

def site_etag(db: Path, inspect_file: Path | None) -> str:
    """'"<database sha256, 16 hex>-<site code sha256, 8 hex>"'. The database's hash is the
    one `datasette inspect` wrote (else computed): it changes with every new release."""
    db_hash = None
    if inspect_file and Path(inspect_file).exists():
        db_hash = next(iter(json.loads(Path(inspect_file).read_text()).values()), {}).get("hash")
    if not db_hash:
        digest = hashlib.sha256()
        with open(db, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        db_hash = digest.hexdigest()
    code = hashlib.sha256()
    for pattern in SITE_FILES:
        for path in sorted(ROOT.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                code.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return f'"{db_hash[:16]}-{code.hexdigest()[:8]}"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match's weak comparison (RFC 9110 13.1.2): W/ ignored, a list, or *."""
    bare = etag.removeprefix("W/")
    return any(tag.strip() == "*" or tag.strip().removeprefix("W/") == bare for tag in if_none_match.split(","))


# An answer in pieces up to this size is gathered and sent whole (see caching_app):
# pages are 50-150 KB; a longer stream (CSV, downloads) starts once this much is ready.
WHOLE_ANSWER_BYTES = 512 * 1024
# Each connection's kernel send buffer, so that a whole answer goes into the kernel at
# once. Set only where Linux allows it (net.core.wmem_max): a smaller explicit size
# would turn off the kernel's own sizing, which grows to tcp_wmem's maximum.
SEND_BUFFER_BYTES = 1024 * 1024


# The types nginx and the processes compress (text/html included), at gzip level 1.
GZIP_TYPES = {"text/html", "text/plain", "text/css", "text/csv", "application/json", "application/x-ndjson",
              "application/javascript", "application/x-bibtex", "application/x-research-info-systems",
              "application/vnd.citationstyles.csl+json", "image/svg+xml", "application/xml"}
GZIP_MIN_BYTES = 1024


def compressed(start: dict, body: bytes, weak_etag: bytes) -> tuple[dict, bytes]:
    """A whole answer of a GZIP_TYPES type over GZIP_MIN_BYTES, gzipped (level 1, as nginx
    would), with its weak ETag (a compressed form is not byte-equal to the plain one:
    RFC 9110 8.8.1) and Vary; others as they are."""
    headers = start["headers"]
    content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
    if (len(body) < GZIP_MIN_BYTES or content_type.split(b";")[0].strip().decode("latin1").lower() not in GZIP_TYPES
            or any(k.lower() == b"content-encoding" for k, _ in headers)):
        return start, body
    body = gzip.compress(body, compresslevel=1, mtime=0)
    headers = [(k, weak_etag if k == b"etag" else v) for k, v in headers if k.lower() != b"vary"]
    return dict(start, headers=headers + [(b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding")]), body


def caching_app(app, etag: str):
    """ASGI wrapper: ETag and Cache-Control on every 200 answer to GET or HEAD that sets no
    cookie; 304 to a request that already holds the ETag.

    Such an answer sent in pieces (up to WHOLE_ANSWER_BYTES) is gathered and sent whole,
    with its length: a process killed while it computes an answer has sent nothing, and
    nginx asks another process. Start and body are then handed to uvicorn in the same
    turn of the event loop, which goes to the socket as one send (written_together), into
    a send buffer that holds it, and the kernel delivers it even after the process is
    gone. Longer ones (streams, whole downloads) go on as they come once that much is
    gathered: a kill can still cut those (the client sees the answer end unfinished).
    A whole one is sent gzipped to a request that accepts it (nginx asks for it)."""
    cache_control = f"public, max-age={CACHE_MAX_AGE}".encode()
    etag_bytes, weak_etag = etag.encode(), b"W/" + etag.encode()

    async def wrapped(scope, receive, send):
        if (scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD")
                or scope.get("path", "").startswith(UNCACHED_PREFIXES)):
            return await app(scope, receive, send)
        for name, value in scope.get("headers", []):
            if name == b"if-none-match" and etag_matches(value.decode("latin1"), etag):
                await send({"type": "http.response.start", "status": 304,
                            "headers": [(b"etag", etag_bytes), (b"cache-control", cache_control)]})
                return await send({"type": "http.response.body", "body": b""})

        held = None  # [start, body pieces, their size] of an answer being gathered
        takes_gzip = any(name == b"accept-encoding" and b"gzip" in value.lower() for name, value in scope["headers"])

        async def send_with_headers(message):
            nonlocal held
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = [(k, v) for k, v in message.get("headers", [])]
                if not any(k.lower() == b"set-cookie" for k, _ in headers):
                    headers = [(k, v) for k, v in headers if k.lower() not in (b"cache-control", b"etag")]
                    message = dict(message, headers=headers + [(b"etag", etag_bytes),
                                                               (b"cache-control", cache_control)])
                    held = [message, [], 0]
                    return
            if held is not None and message["type"] == "http.response.body":
                body, more = message.get("body", b""), message.get("more_body", False)
                held[1].append(body)
                held[2] += len(body)
                if more and held[2] <= WHOLE_ANSWER_BYTES:
                    return
                start, pieces, _ = held
                held = None
                body = b"".join(pieces)
                if not more and scope.get("method") != "HEAD":  # whole: its length, no chunked framing
                    if takes_gzip:
                        start, body = compressed(start, body, weak_etag)
                    start = dict(start, headers=[(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                                 + [(b"content-length", str(len(body)).encode())])
                await send(start)
                return await send({"type": "http.response.body", "body": body, "more_body": more})
            await send(message)

        return await app(scope, receive, send_with_headers)

    return wrapped


def caching_plugin(etag: str) -> types.ModuleType:
    """A plugin module made here and registered with Datasette's plugin manager before
    the app is built (rather than a file in plugins/, so that `make serve` is unchanged)."""
    plugin = types.ModuleType("litdb_cluster_caching")

    @hookimpl
    def asgi_wrapper(datasette):
        return lambda app: caching_app(app, etag)

    plugin.asgi_wrapper = asgi_wrapper
    return plugin


def die_with_parent(parent: int, signum: int = signal.SIGTERM) -> None:
    """Ask Linux to send signum to this process when its parent dies (prctl's
    PR_SET_PDEATHSIG), so that a supervisor killed with SIGKILL leaves nothing serving
    unsupervised; exit at once if that parent is already gone."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(1, signum, 0, 0, 0)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent:
        sys.exit(0)


class SlottedServer:
    """What asyncio's create_server would be on the shared socket, but taking a connection
    only while this process has a free slot (fewer than `slots` connections holding one;
    a long request gives its slot back, see protocol_with_slot).

    asyncio accepts every connection waiting as soon as the socket is readable, so each
    process would take its share of the crowd and serve it all at once, every page
    sharing the process's one core with the others there: a page costing 50 ms then
    takes ten times that, and the slowest pages queue longest. Taken one slot at a time,
    the connections nobody has taken wait in the kernel's queue of the one socket, in
    the order they came, for whichever process is free first (as gunicorn's sync workers
    share a socket): each page waits about as long as any other, then runs nearly alone.
    nginx keeps no idle connection to the processes (a kept connection would bind its
    next request to one process's queue), so one connection is one request."""

    def __init__(self, loop, protocol_factory, sock: socket.socket, slots: int,
                 called_in: threading.Event | None = None):
        self.sockets = [sock]
        self.free = asyncio.Semaphore(slots)
        sock.setblocking(False)
        self.task = loop.create_task(self.accept(loop, protocol_factory, sock, called_in))

    async def accept(self, loop, protocol_factory, sock, called_in):
        if called_in is not None:  # the spare: nothing taken before the supervisor's SIGUSR1
            woken = asyncio.Event()
            loop.add_signal_handler(signal.SIGUSR1, woken.set)
            if called_in.is_set():  # the signal came before the loop's handler was there
                woken.set()
            await woken.wait()
            log(f"spare {os.getpid()}: called in, taking connections")
        while True:
            await self.free.acquire()
            try:
                conn, _ = await loop.sock_accept(sock)
            except OSError:  # a connection reset while it waited, say: take the next
                self.free.release()
                continue
            release = self.one_release()
            try:
                await loop.connect_accepted_socket(lambda: self.protocol_with_slot(protocol_factory, release), conn)
            except Exception:
                conn.close()
                release()

    def one_release(self):
        """A function giving this connection's slot back, once however often it is called."""
        released = []

        def release():
            if not released:
                released.append(True)
                self.free.release()

        return release

    @staticmethod
    def protocol_with_slot(protocol_factory, release):
        """uvicorn's protocol for one connection, giving its slot back when it closes."""
        protocol = protocol_factory()
        lost, handle = protocol.connection_lost, protocol.handle_events

        timer = []

        def connection_lost(exc):
            try:
                lost(exc)
            finally:
                release()
                for handle_ in timer:
                    handle_.cancel()

        def handle_events():
            handle()
            # A request has begun: its ASGI scope (uvicorn's, not yet seen by the app)
            # gets the means to give the slot back. A whole-set download or a stream
            # does (plugins/security.py): it may take a minute, and the pages behind it
            # should not wait for it. Any request still running after LONG_REQUEST_S
            # gives it back too: the process takes the next one beside it, as it took
            # every request before, so that no slow query (a visitor's, or a hostile
            # client's one per process) holds a process's queue; the expensive ones then
            # share the process as plugins/security.py's gates allow.
            scope = getattr(protocol, "scope", None)
            if isinstance(scope, dict) and RELEASE_SLOT not in scope:
                scope[RELEASE_SLOT] = release
                timer.append(asyncio.get_running_loop().call_later(LONG_REQUEST_S, release))

        made = protocol.connection_made

        def connection_made(transport):
            made(transport)
            written_together(transport)

        protocol.connection_lost, protocol.handle_events = connection_lost, handle_events
        protocol.connection_made = connection_made
        return protocol

    def close(self):
        self.task.cancel()

    async def wait_closed(self):
        pass


def written_together(transport) -> None:
    """What uvicorn writes in one turn of the event loop (an answer's status line and
    headers, then its body) goes to the socket in one send at the end of that turn. Sent
    as two, a process killed between them (the thread may wait milliseconds for the GIL
    after the first) leaves nginx holding a status line and part of an answer it can
    neither finish nor retry: a cut answer. Killed before the one send, it leaves nothing,
    and nginx asks another process."""
    loop = asyncio.get_running_loop()
    write, close = transport.write, transport.close
    pending: list[bytes] = []

    def flush():
        if pending:
            data = b"".join(pending)
            pending.clear()
            write(data)

    def write_later(data):
        if not pending:
            loop.call_soon(flush)
        pending.append(bytes(data))

    def close_after_writing():
        flush()
        close()

    transport.write, transport.close = write_later, close_after_writing


def run_worker(db: Path, inspect_file: Path, fd: int, public_url: str, parent: int, slots: int,
               spare: bool = False, shared: Path | None = None) -> None:
    """One Datasette process, exactly as litdb.serve.run makes it, accepting connections
    on the listening socket the supervisor holds (inherited as file descriptor fd), at
    most `slots` at a time (SlottedServer). A spare starts and warms up the same way,
    then waits for the supervisor's SIGUSR1 before it takes any connection."""
    called_in = None
    if spare:  # from the first instant: the signal's default action would end the process
        called_in = threading.Event()
        signal.signal(signal.SIGUSR1, lambda signum, frame: called_in.set())
    die_with_parent(parent)
    import uvicorn

    import litdb.serve

    litdb.serve.build_units_on_first_use()  # before Datasette's modules (the next import)
    from datasette.plugins import pm

    etag = site_etag(db, inspect_file)
    pm.register(caching_plugin(etag), name="litdb_cluster_caching")
    listener = socket.socket(fileno=fd)

    class SharedSocketServer(uvicorn.Server):
        # The way gunicorn runs uvicorn workers: Server.run(sockets=[...]) serves on
        # sockets opened elsewhere. Substituted here so that every setting of
        # litdb.serve.run (protocol, time limits, concurrency) stays as it is; uvicorn
        # 0.54 makes its server on those sockets with loop.create_server(factory,
        # sock=..., ...), which is SlottedServer here.
        def run(self, sockets=None):
            return super().run(sockets=[listener])

        async def startup(self, sockets=None):
            loop = asyncio.get_running_loop()

            async def create_server(protocol_factory, sock=None, **_):
                return SlottedServer(loop, protocol_factory, sock, slots, called_in)

            loop.create_server = create_server
            try:
                await super().startup(sockets)
            finally:
                del loop.create_server

    uvicorn.Server = SharedSocketServer
    litdb.serve.SQL_ON_LOOP_S = SQL_ON_LOOP_S
    # What one process computed at its start, the next ones load, and the pages a start
    # would warm are nginx's to keep: a restart took 3.1 s of CPU, now 1.2-1.9 s (the
    # facet columns read 1.0 s, loaded 0.03 s; the warm pages 1.05 s).
    if shared is not None:
        litdb.serve.SHARED_FOLDER = shared / etag.strip('"')  # this database and code only
        litdb.serve.SHARED_FOLDER.mkdir(parents=True, exist_ok=True)
    litdb.serve.WARM_PAGES = False
    litdb.serve.run(db, inspect_file, listener.getsockname()[1], public_url)


def worker_command(db: Path, inspect_file: Path, fd: int, public_url: str, slots: int,
                   spare: bool = False, shared: Path | None = None) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--worker", "--db", str(db), "--inspect-file",
            str(inspect_file), "--fd", str(fd), "--public-url", public_url, "--parent", str(os.getpid()),
            "--slots", str(slots)] + (["--spare"] if spare else []) + (["--shared", str(shared)] if shared else [])


def nginx_command(nginx: str, runtime: Path) -> list[str]:
    """nginx in the foreground; through util-linux's setpriv where there is one, so that it
    stops (gracefully: SIGQUIT) when its supervisor dies, however it died."""
    command = [nginx, "-p", str(runtime), "-c", str(runtime / "nginx.conf"), "-e", str(runtime / "nginx-error.log")]
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "QUIT", *command] if setpriv else command


def children(pid: int) -> set[int]:
    """The processes pid has started and that are still its own (Linux's task list)."""
    try:
        return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


def kill_orphans(pids: set[int], name: bytes = b"nginx") -> None:
    """SIGKILL what is left of pids that is still such a process: the workers a dead nginx
    master leaves behind keep the public port and answer 502 (they never exit alone)."""
    for pid in pids:
        try:
            if Path(f"/proc/{pid}/cmdline").read_bytes().startswith(name):
                os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


# --- nginx configuration -------------------------------------------------------------

def render(template: str, values: dict) -> str:
    """Replace every {{name}}; a placeholder without a value, or a value without a
    placeholder, is an error (the template and this script must agree)."""
    names = set(re.findall(r"\{\{(\w+)\}\}", template))
    if names - set(values) or set(values) - names:
        raise ValueError(f"nginx template and values disagree: missing {sorted(names - set(values))}, "
                         f"unused {sorted(set(values) - names)}")
    return re.sub(r"\{\{(\w+)\}\}", lambda m: str(values[m.group(1)]), template)


def nginx_config(runtime: Path, state: Path, listen: str, upstream_port: int, workers: int, site_tag: str,
                 settings: dict) -> str:
    values = dict(DEFAULTS, **settings)
    values.update({
        "runtime": str(runtime),
        "state": str(state),
        "listen": listen,
        "site_tag": site_tag,
        # The processes' one socket, once per try: nginx tries an entry at most once a request.
        "upstream_servers": "\n".join(f"        server 127.0.0.1:{upstream_port} max_fails=0;"
                                       for _ in range(upstream_tries(workers))),
        "tries": upstream_tries(workers),
        # nginx started as root hands its workers to nobody (who owns the state folder).
        "user_directive": "user nobody nogroup;" if os.geteuid() == 0 else "",
        "error_log": str(runtime / "nginx-error.log"),
        "access_log": f"{runtime}/nginx-access.log combined buffer=64k flush=1s",
        "gzip_types": " ".join(sorted(GZIP_TYPES - {"text/html"})),  # nginx compresses text/html always
    })
    return render(TEMPLATE.read_text(), values)


# --- supervision ---------------------------------------------------------------------

def upstream_tries(workers: int) -> int:
    """Attempts nginx makes for one request: twice the processes, and two more. A slow
    request (seconds, on a loaded machine) can be cut off by more than one kill; with
    one more attempt than processes, runs with a kill every 10 s still had requests cut
    twice and then answered 502 "no live upstreams"."""
    return 2 * workers + 2


def send_buffer_allowed() -> bool:
    """Whether Linux lets a socket have SEND_BUFFER_BYTES of send buffer."""
    try:
        return int(Path("/proc/sys/net/core/wmem_max").read_text()) >= SEND_BUFFER_BYTES
    except (OSError, ValueError):
        return False


# Connections (requests: nginx keeps none open) a Datasette process serves at a time;
# a long download gives its slot back (the ASGI scope's RELEASE_SLOT, plugins/security.py).
# One (the load test, 3 processes: p99 515 ms with one, 575 with two). Its SQL still
# runs in litdb/serve.py's SQL threads, as `make serve` runs it: when a request runs
# long (LONG_REQUEST_S) the process takes the next one beside it, and plugins/security.py
# keeps a thread for ordinary pages whatever the expensive ones do. (With no SQL
# threads the cluster answered 504 requests/s instead of 451, but one slow query then
# stopped its whole process.)
SLOTS = 1
# One request at a time: its SQL runs on the loop's thread, for up to this long, and
# is handed to the SQL threads only after (plugins/security.py, litdb/serve.py). Of 600
# different pages of the load test's mix, 19 overran 50 ms (run again in a thread), 6
# overran 100 ms, none 200 ms (CPU a page 14.6, 13.4, 13.1 ms): 100 ms keeps a slow query's
# hold on the loop short.
SQL_ON_LOOP_S = 0.1
RELEASE_SLOT = "litdb.release_slot"
LONG_REQUEST_S = 0.5  # a request running longer gives its slot back (SlottedServer)


def default_workers() -> int:
    """One process per core. A process runs a page's SQL on its own thread (SQL_ON_LOOP_S)
    and so keeps its core busy: the load test gave 1,154 requests/s with 2 processes on 2
    cores, 1,088 with 3 and 799 with 4 (p99 236, 249, 309 ms). (When every query went to
    an SQL thread, a process often waited on its threads, and one more process than cores
    did best: 282 against 172 requests/s.)"""
    return len(os.sched_getaffinity(0))


class Worker:
    def __init__(self, index: int | str):
        self.index = index  # its place among the processes, or "spare"
        self.log_name = index  # its log: datasette-<log_name>.log in the runtime folder
        self.log_offset = 0  # where this start's lines begin in its log
        self.process: subprocess.Popen | None = None
        self.started = 0.0
        self.quick_deaths = 0  # deaths within 10 s of a start, in a row
        self.not_before = 0.0
        self.restarts = 0


class Cluster:
    def __init__(self, db: Path, inspect_file: Path, port: int, workers: int | None = None,
                 host: str = "127.0.0.1", runtime: Path | None = None, public_url: str | None = None,
                 settings: dict | None = None, nginx: str = NGINX, slots: int | None = None,
                 spare: bool = True):
        self.db, self.inspect_file = Path(db).resolve(), Path(inspect_file).resolve()
        self.port, self.host, self.nginx_binary = port, host, nginx
        count = workers or default_workers()
        self.runtime = Path(runtime or tempfile.mkdtemp(prefix="litdb-cluster-")).resolve()
        self.public_url = (public_url or f"http://127.0.0.1:{port}").rstrip("/")
        self.settings = settings or {}
        self.slots = slots or SLOTS
        self.workers = [Worker(i) for i in range(count)]
        # A process started and warmed, taking nothing until one of the others dies: then
        # it takes that one's place at once, and a new spare starts (check). Without it
        # the cluster serves one process short for the second or two a start takes,
        # while the start itself uses a core.
        self.spare = Worker("spare") if spare else None
        # The one socket every Datasette process accepts on, held open here: a process
        # that dies closes nothing, connections wait in its backlog for the others.
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=1024)
        if send_buffer_allowed():  # accepted connections inherit it (see caching_app)
            self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER_BYTES)
        else:
            log(f"net.core.wmem_max is below {SEND_BUFFER_BYTES} bytes: the kernel sizes the processes' send "
                "buffers itself (a page may then leave a process in more than one write; docs/deploy.md)")
        self.listener.set_inheritable(True)
        self.upstream_port = self.listener.getsockname()[1]
        self.nginx: subprocess.Popen | None = None
        self.nginx_workers: set[int] = set()  # nginx's own workers, as last seen (see check)
        self.state = self.runtime
        self.own_state: Path | None = None
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.url = f"http://127.0.0.1:{port}"

    # processes

    def _log_path(self, worker: Worker) -> Path:
        return self.runtime / f"datasette-{worker.log_name}.log"

    def _spawn_worker(self, worker: Worker) -> None:
        worker.log_name = worker.index  # a spare called in to this place goes on in the spare's log
        log_path = self._log_path(worker)
        worker.log_offset = log_path.stat().st_size if log_path.exists() else 0
        log_file = open(log_path, "a")
        fd = self.listener.fileno()
        command = worker_command(self.db, self.inspect_file, fd, self.public_url, self.slots, worker is self.spare,
                                 self.runtime / "shared")
        worker.process = subprocess.Popen(command, stdout=log_file, stderr=log_file, env=serve_env(), cwd=ROOT,
                                          pass_fds=(fd,))
        log_file.close()
        worker.started = time.monotonic()

    def _call_in_spare(self, worker: Worker) -> bool:
        """The spare, if it is up, in the dead worker's place (SIGUSR1: it starts taking
        connections), and a new spare starting."""
        spare = self.spare
        if spare is None or not self.worker_ready(spare):
            return False
        spare.process.send_signal(signal.SIGUSR1)
        log(f"datasette {worker.index} (pid {worker.process.pid}) exited with {worker.process.returncode}; "
            f"the spare (pid {spare.process.pid}) takes its place")
        worker.process, worker.log_name, worker.log_offset = spare.process, spare.log_name, spare.log_offset
        worker.started, worker.not_before = time.monotonic(), 0.0
        worker.restarts += 1
        self._spawn_worker(spare)
        return True

    def _spawn_nginx(self) -> None:
        log_file = open(self.runtime / "nginx-stderr.log", "a")
        self.nginx = subprocess.Popen(nginx_command(self.nginx_binary, self.runtime), stdout=log_file, stderr=log_file)
        log_file.close()
        self.nginx_workers = set()

    @staticmethod
    def _wait(url: str, process: subprocess.Popen, timeout: float, what: str, log_path: Path) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url + "/-/versions.json", timeout=2).read()
                return
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.1)
        tail = log_path.read_text()[-2000:] if log_path.exists() else ""
        raise RuntimeError(f"{what} did not start: {tail}")

    def start(self, timeout: float = 60) -> "Cluster":
        if not Path(self.nginx_binary).exists():
            raise RuntimeError(f"nginx not found ({self.nginx_binary}): make serve-cluster installs Debian's package")
        if not self.db.is_file():
            raise RuntimeError(f"{self.db}: no such database (run make build first)")
        self.runtime.mkdir(parents=True, exist_ok=True)
        self.state = self._state_folder()
        for sub in ("cache", "tmp"):
            (self.state / sub).mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                nobody = pwd.getpwnam("nobody")
                os.chown(self.state / sub, nobody.pw_uid, nobody.pw_gid)
        try:  # the public port must be free: nginx would otherwise fail, or with reuseport share it
            socket.create_server((self.host, self.port)).close()
        except OSError as e:
            raise RuntimeError(f"{self.host}:{self.port} is in use ({os.strerror(e.errno)}): stop what serves there first")
        site_tag = site_etag(self.db, self.inspect_file).strip('"')
        listen = f"{self.host}:{self.port}"
        (self.runtime / "nginx.conf").write_text(nginx_config(self.runtime, self.state, listen, self.upstream_port,
                                                              len(self.workers), site_tag, self.settings))
        try:
            for worker in self.every_process():
                self._spawn_worker(worker)
            deadline = time.monotonic() + timeout
            for worker in self.every_process():
                while not self.worker_ready(worker):
                    if worker.process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"datasette {worker.index} did not start: "
                                           f"{self._log_path(worker).read_text()[-2000:]}")
                    time.sleep(0.1)
            self._wait(f"http://127.0.0.1:{self.upstream_port}", self.workers[0].process, 5, "datasette",
                       self._log_path(self.workers[0]))
            self._spawn_nginx()
            self._wait(self.url, self.nginx, 15, "nginx", self.runtime / "nginx-error.log")
        except BaseException:
            self.stop()
            raise
        return self

    def _state_folder(self) -> Path:
        """Where nginx's workers write. Started as root, they run as nobody, who must be
        able to reach the folder: when a parent of the runtime folder is closed to others
        (pytest's are), a folder of their own in TMPDIR, removed at the end."""
        if os.geteuid() != 0 or all(os.stat(p).st_mode & 0o001 for p in [self.runtime, *self.runtime.parents]):
            return self.runtime
        self.own_state = Path(tempfile.mkdtemp(prefix="litdb-nginx-"))
        os.chmod(self.own_state, 0o755)
        return self.own_state

    def check(self) -> None:
        """Start again whatever has died: a process that keeps dying within 10 s of its
        start waits 1, 2, 4... up to 30 s before the next try."""
        now = time.monotonic()
        for worker in self.every_process():
            if worker.process is None or worker.process.poll() is None or now < worker.not_before:
                continue
            if worker is not self.spare and worker.not_before == 0.0 and self._call_in_spare(worker):
                continue
            if worker.not_before == 0.0:  # just found dead
                quick = now - worker.started < 10
                worker.quick_deaths = worker.quick_deaths + 1 if quick else 0
                pause = min(30.0, 2.0 ** (worker.quick_deaths - 1)) if worker.quick_deaths else 0.0
                log(f"datasette {worker.index} (pid {worker.process.pid}) exited with {worker.process.returncode}; "
                    f"starting it again" + (f" in {pause:g} s" if pause else ""))
                worker.not_before = now + pause
                if pause:
                    continue
            worker.not_before = 0.0
            worker.restarts += 1
            self._spawn_worker(worker)
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx_workers = children(self.nginx.pid) or self.nginx_workers  # known while it lives
        elif self.nginx is not None:
            log(f"nginx exited with {self.nginx.returncode}; starting it again")
            kill_orphans(self.nginx_workers)  # else they keep the port, and answer 502
            self._spawn_nginx()

    def worker_ready(self, worker: Worker) -> bool:
        """Alive, and serving: uvicorn has said so in its log since this start (the socket
        is listening already: connections wait there until it accepts them)."""
        if worker.process is None or worker.process.poll() is not None:
            return False
        with open(self._log_path(worker), "rb") as f:
            f.seek(worker.log_offset)
            return b"Application startup complete" in f.read()

    def ready(self) -> bool:
        """Every Datasette process alive and serving, and the spare started."""
        return all(self.worker_ready(w) for w in self.every_process())

    def every_process(self) -> list[Worker]:
        """The Datasette processes serving, and the spare."""
        return self.workers + ([self.spare] if self.spare else [])

    def supervise(self, interval: float = 0.2) -> None:
        while not self.stopping.wait(interval):
            self.check()

    def supervise_in_background(self) -> "Cluster":
        self.thread = threading.Thread(target=self.supervise, name="cluster-supervisor", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=5)
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)  # graceful: finish the answers in progress
        for worker in self.every_process():
            if worker.process is not None and worker.process.poll() is None:
                worker.process.terminate()
        for process in [self.nginx] + [w.process for w in self.every_process()]:
            if process is None:
                continue
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        kill_orphans(self.nginx_workers)
        self.listener.close()
        if self.own_state is not None:
            shutil.rmtree(self.own_state, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def parse_settings(items: list[str]) -> dict:
    settings = {}
    for item in items:
        name, _, value = item.partition("=")
        if name not in DEFAULTS or not re.fullmatch(r"[0-9]+[kmg]?", value):
            raise argparse.ArgumentTypeError(f"--set wants one of {sorted(DEFAULTS)}=NUMBER, not {item!r}")
        settings[name] = value
    return settings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--host", default="127.0.0.1", help="address nginx listens on (default 127.0.0.1)")
    parser.add_argument("--db", type=Path, default=ROOT / "literature.db")
    parser.add_argument("--inspect-file", type=Path, default=ROOT / "inspect-data.json")
    parser.add_argument("--workers", type=int, help="Datasette processes (default: one per core)")
    parser.add_argument("--slots", type=int, default=SLOTS,
                        help=f"requests each process serves at a time; the others wait their turn (default {SLOTS})")
    parser.add_argument("--runtime", type=Path, help="folder for nginx's config, cache and logs (default: a new one in TMPDIR)")
    parser.add_argument("--public-url", help="the site's address, for absolute links (default http://127.0.0.1:PORT)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help=f"an nginx setting: {', '.join(f'{k} (default {v})' for k, v in DEFAULTS.items())}")
    parser.add_argument("--no-spare", action="store_true",
                        help="start no spare process (one that takes a dead process's place at once)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)  # one Datasette process
    parser.add_argument("--shared", type=Path, help=argparse.SUPPRESS)  # ... where the processes keep what they share
    parser.add_argument("--spare", action="store_true", help=argparse.SUPPRESS)  # ... waiting for SIGUSR1
    parser.add_argument("--fd", type=int, help=argparse.SUPPRESS)  # ... on this inherited socket
    parser.add_argument("--parent", type=int, help=argparse.SUPPRESS)  # ... dying with this supervisor
    args = parser.parse_args(argv)
    if args.worker:
        run_worker(args.db, args.inspect_file, args.fd, args.public_url, args.parent, args.slots, args.spare,
                   args.shared)
        return 0
    try:
        settings = parse_settings(args.set)
    except argparse.ArgumentTypeError as e:
        parser.error(str(e))
    cluster = Cluster(args.db, args.inspect_file, args.port, args.workers, args.host, args.runtime,
                      args.public_url, settings, slots=args.slots, spare=not args.no_spare)

    def on_signal(signum, frame):
        cluster.stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        cluster.start()
    except RuntimeError as e:
        print(f"serve-cluster failed: {e}", file=sys.stderr)
        return 1
    print(f"Serving {cluster.db.name} at http://{args.host}:{args.port}/ with {len(cluster.workers)} Datasette "
          f"process{'es' if len(cluster.workers) != 1 else ''}{' and a spare' if cluster.spare else ''} behind nginx "
          f"(config, cache and logs in {cluster.runtime})", flush=True)
    try:
        cluster.supervise()
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
