#!/usr/bin/env python3
"""Time hostile SQL against a local server: the figures table of SECURITY.md.

    python scripts/attack_figures.py http://127.0.0.1:8001

Sends each query of ATTACKS once, in turn, to /literature.json and prints a Markdown
row per query: HTTP status, seconds, outcome. Loopback servers only.
"""

from __future__ import annotations

import http.client
import json
import sys
import time
import urllib.parse

R = "with recursive c(x) as (select 1 union all select x + 1 from c) "
ATTACKS = [
    ("runaway recursive CTE", R + "select count(*) from c"),
    ("randomblob(1e9)", "select length(randomblob(1000000000))"),
    ("zeroblob(1e9)", "select length(zeroblob(1000000000))"),
    ("printf('%.*c', 1e9, 'x')", "select length(printf('%.*c', 1000000000, 'x'))"),
    ("1000 rows x 200 KB blobs", R + "select zeroblob(200000) from c limit 1000"),
    ("1000 rows x 200 KB text", R + "select printf('%.*c', 200000, 'a') from c limit 1000"),
    ("LIKE, 254-char pattern over 250 KB, every row",
     R + "select count(*) from c where printf('%.*c', 250000 + x * 0, 'a') like '%' || printf('%.*c', 254, 'a') || 'b'"),
    ("LIKE, 400-char pattern", "select count(*) from papers where abstract like '" + "%a" * 200 + "'"),
    ("trim(250 KB, 20,000 characters)", "select length(trim(printf('%.*c', 250000, 'a'), printf('%.*c', 20000, 'b') || 'a'))"),
    ("instr(250 KB, 125 KB)", "select instr(printf('%.*c', 250000, 'a'), printf('%.*c', 125000, 'a') || 'b')"),
    ("LIMIT 1,000,000", R + "select x from c limit 1000000"),
    ("self-join of paper_references", "select count(*) from paper_references r1 join paper_references r2 on r1.title > r2.title"),
    # Datasette's SELECT check is quadratic in white space after a comment (docs/upstream.md).
    ("16 KB of white space after a comment", "/* a */" + " " * 16_000 + "x"),
    ("the same, then a valid WITH", "/* a */" + " " * 16_000 + "with x as (select 1) select * from x"),
    ("file of the database", "select file from pragma_database_list"),
]


def main() -> int:
    base = urllib.parse.urlsplit(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8001")
    if base.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("loopback servers only")
    print("| query | status | seconds | outcome |\n|---|---:|---:|---|")
    for name, sql in ATTACKS:
        connection = http.client.HTTPConnection(base.hostname, base.port or 80, timeout=300)
        started = time.perf_counter()
        try:
            connection.request("GET", "/literature.json?" + urllib.parse.urlencode({"sql": sql}))
            response = connection.getresponse()
            text = response.read()
            body = json.loads(text) if text.startswith(b"{") else {"error": text.decode().strip()}
        except (OSError, ValueError) as e:
            print(f"| {name} | – | {time.perf_counter() - started:.2f} | {type(e).__name__} |")
            continue
        elapsed = time.perf_counter() - started
        error, rows = body.get("error"), body.get("rows") or []
        if error:
            outcome = "interrupted (time limit)" if "took too long" in error else error
        elif len(rows) > 1:
            outcome = f"{len(rows)} rows" + (", truncated" if body.get("truncated") else "")
        else:
            outcome = f"`{json.dumps(rows)[:40]}`"
        print(f"| {name} | {response.status} | {elapsed:.2f} | {outcome} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
