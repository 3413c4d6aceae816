"""``python -m benchmarks.perf.rss CMD...``: run CMD, pass its output through, then print
its peak resident memory as ``@@maxrss_kb N`` and exit with its status.

``os.wait4`` returns the resource usage of exactly that child, so the figure is the
command's own peak (not this wrapper's, not other benchmarks').
"""

from __future__ import annotations

import os
import subprocess
import sys


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m benchmarks.perf.rss COMMAND [ARGS...]", file=sys.stderr)
        return 2
    proc = subprocess.Popen(argv)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    sys.stdout.flush()
    print(f"@@maxrss_kb {usage.ru_maxrss}", flush=True)
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
