"""`python -m lib ...`: the local command line (lib/local/cli.py; not bundled by Vercel)."""

import sys

from lib.local.cli import main

main(sys.argv[1:])
