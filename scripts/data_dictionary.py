#!/usr/bin/env python3
"""Write docs/data-dictionary.md from metadata.yml, so the two never disagree.

    python scripts/data_dictionary.py          # rewrite the file
    python scripts/data_dictionary.py --check  # exit 1 when it is out of date
"""

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "data-dictionary.md"

sys.path.insert(0, str(ROOT))
from litdb import merge  # noqa: E402


def render() -> str:
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    database = metadata["databases"]["literature"]
    out = [
        "# Data dictionary",
        "",
        "Generated from `metadata.yml` by `scripts/data_dictionary.py`; do not edit by hand.",
        "",
        f"**Licence:** {metadata['license']} ({metadata['license_url']}).  ",
        f"**Source:** {metadata['source']}.",
        "",
        database["description"],
        "",
    ]
    for name, table in database["tables"].items():
        out += [f"## `{name}`", "", " ".join(table["description"].split()), "", "| column | meaning |", "|---|---|"]
        out += [f"| `{column}` | {text} |" for column, text in table["columns"].items()]
        out.append("")
    out += ["## Canned queries", ""]
    for name, query in database["queries"].items():
        out.append(f"- `{name}` ({query['title']}): {query['description']}")
    out += ["", "## How sources are merged", "", "```", merge.__doc__.strip(), "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        sys.exit(0 if TARGET.exists() and TARGET.read_text(encoding="utf-8") == text else 1)
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
