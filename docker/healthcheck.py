"""Container health check: exit 0 when GET <url> answers 2xx within the timeout, else 1.

    python /opt/koppeling/docker/healthcheck.py http://localhost:8765/health [timeout_s]

Stdlib only, so the slim image needs no curl.
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request


def healthy(url: str, timeout: float = 5.0) -> bool:
    """Return whether `url` answers with a 2xx status."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError):
        return False


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    sys.exit(0 if healthy(sys.argv[1], float(sys.argv[2]) if len(sys.argv) == 3 else 5.0) else 1)
