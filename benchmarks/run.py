"""Run every benchmark script in turn (`make benchmark`); each prints its own table."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["import_cordis.py", "directory_search.py", "matching.py"]

if __name__ == "__main__":
    status = 0
    for script in SCRIPTS:
        print(f"\n## {script}\n", flush=True)
        status |= subprocess.call([sys.executable, str(HERE / script)])  # noqa: S603 - our own scripts
    sys.exit(status)
