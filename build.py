#!/usr/bin/env python3
"""Build literature.db from the seed documents in seeds/.

    python build.py [--seeds DIR] [--db PATH] [--strict] [--timings]
"""

import argparse
import sys
from pathlib import Path

from litdb.build import build


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=Path("seeds"), help="folder of seed files (default: seeds/)")
    parser.add_argument("--db", type=Path, default=Path("literature.db"), help="database to write (default: literature.db)")
    parser.add_argument("--strict", action="store_true", help="exit non-zero when any seed is rejected")
    parser.add_argument("--timings", action="store_true", help="print the time each step took (to stderr)")
    args = parser.parse_args(argv)
    try:
        return build(args.seeds, args.db, strict=args.strict, timings=args.timings)
    except RuntimeError as e:  # the build cannot go on: a seed changed under it, say
        print(f"build failed: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
