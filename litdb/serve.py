"""How the site is served: one command line, used by `make serve` and by the tests.

    python -m litdb.serve [--port 8001] [--db literature.db]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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


def datasette_command(db: Path, inspect_file: Path, port: int, host: str = "127.0.0.1") -> list[str]:
    command = [
        str(Path(sys.executable).parent / "datasette"), "serve",
        "-i", str(db),
        "--inspect-file", str(inspect_file),
        "--metadata", str(ROOT / "metadata.yml"),
        "--template-dir", str(ROOT / "templates"),
        "--plugins-dir", str(ROOT / "plugins"),
        "--static", f"site:{ROOT / 'templates' / 'static'}",
        "--host", host,
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
