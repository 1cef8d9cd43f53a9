"""Command line: `python -m lib dev` serves every function locally."""

from __future__ import annotations

import sys


def main(argv: list[str]) -> None:
    command = argv[0] if argv else "help"
    if command == "dev":
        from lib.devserver import main as serve

        serve(argv[1:])
    else:
        print("usage: python -m lib dev [--port N]")
        sys.exit(0 if command == "help" else 2)


if __name__ == "__main__":
    main(sys.argv[1:])
