"""Entry point: `python process.py templates | run | demo`. See README.md."""

import sys

from inspection.cli import main

if __name__ == "__main__":
    sys.exit(main())
