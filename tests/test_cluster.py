"""make serve-cluster (scripts/cluster.py): two Datasette processes behind nginx on free
ports, serving the seeds' database. The public port answers; the answers carry the
database's ETag and are cached and compressed by nginx; a process killed with SIGKILL
costs no request and is started again; requests are bounded and limited per client."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, build_quietly

sys.path.insert(0, str(ROOT / "scripts"))

import cluster as cluster_module  # noqa: E402
from litdb.serve import DATASETTE, free_port  # noqa: E402

pytestmark = pytest.mark.skipif(not Path(cluster_module.NGINX).exists(),
                                reason="nginx is not installed (make serve-cluster installs Debian's package)")


def get(url: str, headers: dict | None = None, method: str = "GET", data: bytes | None = None):
    """(status, headers, body) of one request, whatever the status."""
    request = urllib.request.Request(url, headers=headers or {}, method=method, data=data)
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("cluster-db")
    db, inspect = folder / "literature.db", folder / "inspect-data.json"
    build_quietly(SEEDS, db)
    subprocess.run([DATASETTE, "inspect", str(db), "--inspect-file", str(inspect)], check=True)
    return db, inspect


@pytest.fixture(scope="module")
def site(database, tmp_path_factory):
    db, inspect = database
    runtime = tmp_path_factory.mktemp("cluster-runtime")
    cluster = cluster_module.Cluster(db, inspect, free_port(), workers=2, runtime=runtime)
    cluster.start()
    cluster.supervise_in_background()
    yield cluster
    cluster.stop()
    assert all(w.process.poll() is not None for w in cluster.workers) and cluster.nginx.poll() is not None


def test_generated_config_is_valid_for_nginx(site):
    result = subprocess.run([cluster_module.NGINX, "-t", "-q", "-p", str(site.runtime), "-c",
                             str(site.runtime / "nginx.conf"), "-e", str(site.runtime / "nginx-test.log")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    text = (site.runtime / "nginx.conf").read_text()
    assert "{{" not in text
    for worker in site.workers:
        assert f"server 127.0.0.1:{worker.port} max_fails=1 fail_timeout=2s;" in text
        assert f"server 127.0.0.1:{worker.port} backup max_fails=0;" in text


def test_render_refuses_a_mismatch():
    with pytest.raises(ValueError, match=r"missing \['b'\], unused \['c'\]"):
        cluster_module.render("{{a}} {{b}}", {"a": 1, "c": 2})
    assert cluster_module.render("x {{a}} $host", {"a": "y"}) == "x y $host"


def test_answers_etag_cache_and_gzip(site, database):
    db, _ = database
    db_hash = hashlib.sha256(db.read_bytes()).hexdigest()
    url = site.url + "/literature/papers?_sort=year"
    status, headers, body = get(url)
    assert status == 200 and b"Dissecting the links between cerebellum and dystonia" in body
    etag = headers["ETag"]
    assert etag.startswith(f'"{db_hash[:16]}-') and len(etag) == 1 + 16 + 1 + 8 + 1
    assert headers["Cache-Control"] == "public, max-age=600"
    assert headers["X-Cache-Status"] == "MISS"
    status, headers, again = get(url)
    assert status == 200 and headers["X-Cache-Status"] == "HIT" and again == body
    # Conditional request, weak form as a browser sends it back after gzip: 304, no body.
    status, headers, empty = get(url, {"If-None-Match": "W/" + etag})
    assert status == 304 and empty == b""
    status, _, _ = get(url, {"If-None-Match": '"someone-elses"'})
    assert status == 200
    status, headers, packed = get(url, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in headers["Vary"]
    assert gzip.decompress(packed) == body and len(packed) < len(body) / 3
    # The process itself answers 304 to its own ETag, before any Datasette work.
    worker = f"http://127.0.0.1:{site.workers[0].port}"
    status, headers, _ = get(worker + "/literature/journals", {"If-None-Match": etag})
    assert status == 304 and headers["ETag"] == etag


def test_server_pages_are_not_cached(site):
    status, headers, _ = get(site.url + "/-/actor.json")
    assert status == 200 and "ETag" not in headers and headers.get("Cache-Control") != "public, max-age=600"


def test_a_killed_process_costs_no_request_and_is_restarted(site):
    victim = site.workers[0]
    old_pid = victim.process.pid
    os.kill(old_pid, signal.SIGKILL)
    # Uncached URLs (each different), so that every one goes to a process.
    statuses = [get(site.url + f"/literature/papers.json?_shape=array&_x={i}")[0] for i in range(30)]
    assert statuses == [200] * 30
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if victim.process.pid != old_pid:
            try:
                if get(f"http://127.0.0.1:{victim.port}/-/versions.json")[0] == 200:
                    break
            except OSError:
                pass
        time.sleep(0.2)
    else:
        pytest.fail("the killed process was not started again within 30 s")
    assert victim.restarts == 1
    # And the other one, now, within nginx's 2 s of memory of the first one's failure:
    # the restarted process takes the requests (as a backup).
    os.kill(site.workers[1].process.pid, signal.SIGKILL)
    statuses = [get(site.url + f"/literature/journals.json?_x={i}")[0] for i in range(30)]
    assert statuses == [200] * 30


def test_requests_are_bounded(site):
    status, _, _ = get(site.url + "/literature/papers", method="POST", data=b"x" * 2048)
    assert status == 413  # no request needs a body: nginx refuses it before any process sees it
    status, _, _ = get(site.url + "/literature/papers", method="POST", data=b"q=1")
    assert status == 405  # small: passed on, and the read-only site refuses it
    status, _, _ = get(site.url + "/literature/papers?q=" + "a" * 20_000)
    assert status == 414  # longer than nginx's 16 KB header buffers
    status, _, _ = get(site.url + "/", {"X-Long": "b" * 20_000})
    assert status == 400


def test_per_client_rate_and_slow_senders(database, tmp_path):
    """A cluster with a low rate per client; then a client that sends half a request
    and waits is disconnected after client_header_timeout (10 s)."""
    db, inspect = database
    with cluster_module.Cluster(db, inspect, free_port(), workers=1, runtime=tmp_path / "rt",
                                settings={"rate": "2", "burst": "1"}) as small:
        # Per-client rate: 2 requests/s with a burst of 1; quick requests beyond get 429.
        # (The start's own readiness request counted too, so which ones pass depends on timing.)
        statuses = [get(small.url + f"/literature/journals.json?_x={i}")[0] for i in range(6)]
        assert set(statuses) == {200, 429} and statuses.count(200) <= 3
        time.sleep(1.1)  # the bucket drains at 2 requests/s
        assert get(small.url + "/literature/journals.json?_x=later")[0] == 200
        template = cluster_module.TEMPLATE.read_text()
        assert "client_header_timeout 10s;" in template
        with socket.create_connection(("127.0.0.1", small.port)) as conn:
            conn.sendall(b"GET /literature HTTP/1.1\r\nHost: x\r\n")
            conn.settimeout(20)
            started = time.monotonic()
            try:
                answer = conn.recv(1024)
            except ConnectionResetError:  # reset_timedout_connection on
                answer = b""
            assert answer == b""  # closed (or reset), without an answer
            waited = time.monotonic() - started
        assert 9 <= waited <= 15, waited


def test_serve_cluster_command_line(database, tmp_path):
    """The command `make serve-cluster` runs: starts, answers, stops on SIGTERM."""
    db, inspect = database
    port = free_port()
    process = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "cluster.py"), "--db", str(db),
                                "--inspect-file", str(inspect), "--port", str(port), "--workers", "1",
                                "--runtime", str(tmp_path / "rt")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        line = process.stdout.readline()
        assert line == (f"Serving literature.db at http://127.0.0.1:{port}/ with 1 Datasette process behind "
                        f"nginx (config, cache and logs in {tmp_path / 'rt'})\n")
        assert get(f"http://127.0.0.1:{port}/literature/journals.json")[0] == 200
    finally:
        process.terminate()
        assert process.wait(timeout=20) == 0
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
    missing = subprocess.run([sys.executable, str(ROOT / "scripts" / "cluster.py"), "--db", str(tmp_path / "none.db"),
                              "--port", str(free_port())], capture_output=True, text=True)
    assert missing.returncode == 1
    assert missing.stderr == f"serve-cluster failed: {tmp_path / 'none.db'}: no such database (run make build first)\n"
