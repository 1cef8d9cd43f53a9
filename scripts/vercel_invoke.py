"""Run inside a materialized function folder as Vercel's Lambda does: import the built handler shim
(`vc__handler__python`, which loads the bundled `vercel_runtime.vc_init`), then answer one Lambda
event per stdin line with one JSON line `{"ms", "result"}`. Started with `python -S`, cwd = folder.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main() -> None:
    started = time.monotonic()
    # The runtime wraps print and stdout; answer on a private copy of the original stdout.
    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # whatever the function prints goes to stderr, never into the answers
    folder = os.getcwd()
    sys.path[0] = folder  # the function folder, as /var/task on Lambda; not this script's folder
    import vc__handler__python as shim  # after sys.path is set

    handler = shim.vc_handler
    out.write(json.dumps({"ready_ms": round((time.monotonic() - started) * 1000)}) + "\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        begun = time.monotonic()
        result = handler(json.loads(line), None)
        elapsed = round((time.monotonic() - begun) * 1000)
        out.write(json.dumps({"ms": elapsed, "result": result}) + "\n")


if __name__ == "__main__":
    main()
