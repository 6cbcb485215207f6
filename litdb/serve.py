"""How the site is served: the command line of `make serve`, and the one way the tests,
the benchmark and the load test start a server like it and wait for it.

    python -m litdb.serve [--port 8001] [--db literature.db]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATASETTE = str(Path(sys.executable).parent / "datasette")  # the one installed beside this Python

# Read-only SQL is guaranteed by serving the file immutable; these bound the work
# any one request can ask for.
SETTINGS = {
    "sql_time_limit_ms": 1000,
    "facet_time_limit_ms": 500,
    "max_returned_rows": 1000,
    "default_page_size": 50,
    "num_sql_threads": 3,
    "truncate_cells_html": 160,
    "max_csv_mb": 50,
    # Suggesting facets runs a query per column on every table page: too slow at 100,000 papers.
    "suggest_facets": "off",
}


def datasette_command(db: Path, inspect_file: Path, port: int) -> list[str]:
    command = [
        DATASETTE, "serve",
        "-i", str(db),
        "--inspect-file", str(inspect_file),
        "--metadata", str(ROOT / "metadata.yml"),
        "--template-dir", str(ROOT / "templates"),
        "--plugins-dir", str(ROOT / "plugins"),
        "--static", f"site:{ROOT / 'templates' / 'static'}",
        "--host", "127.0.0.1",
        "--port", str(port),
    ]
    for name, value in SETTINGS.items():
        command += ["--setting", name, str(value)]
    return command


def serve_env() -> dict:
    """The environment to serve in: the plugins import the litdb package from here."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(command: list[str], port: int, log_path: Path, env=None, timeout: float = 60) -> tuple[subprocess.Popen, str]:
    """Start a Datasette command in the background and wait until it answers; returns
    (process, base URL). Raises RuntimeError with the end of its log if it does not."""
    log = open(log_path, "w")
    process = subprocess.Popen(command, stdout=log, stderr=log, env=env)
    log.close()  # the child keeps its own handle
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2)
            return process, base
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"datasette did not start: {Path(log_path).read_text()[-2000:]}")


def start_site(db: Path, log_path: Path) -> tuple[subprocess.Popen, str]:
    """Serve a database exactly as `make serve` does (inspect file beside it), on 127.0.0.1."""
    inspect_file = Path(db).with_name(Path(db).stem + "-inspect.json")
    subprocess.run([DATASETTE, "inspect", str(db), "--inspect-file", str(inspect_file)], check=True)
    port = free_port()
    return start(datasette_command(Path(db), inspect_file, port), port, log_path, env=serve_env())


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve literature.db with Datasette")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--db", type=Path, default=ROOT / "literature.db")
    parser.add_argument("--inspect-file", type=Path, default=ROOT / "inspect-data.json")
    args = parser.parse_args()
    command = datasette_command(args.db, args.inspect_file, args.port)
    print(f"Serving {args.db.name} at http://127.0.0.1:{args.port}/", flush=True)
    os.execve(command[0], command, serve_env())


if __name__ == "__main__":
    main()
