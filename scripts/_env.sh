# Sourced by the project's commands: make .venv from the hashed lock, idempotently and quickly.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3.11}"
export UV_CACHE_DIR="${UV_CACHE_DIR:-$ROOT/.cache/uv}"

ensure_uv() {
  if command -v uv >/dev/null 2>&1; then UV=uv; return; fi
  if [ ! -x "$ROOT/.cache/bootstrap/bin/uv" ]; then
    "$PY" -m venv "$ROOT/.cache/bootstrap"
    "$ROOT/.cache/bootstrap/bin/pip" install --quiet --disable-pip-version-check "uv==0.13.9"
  fi
  UV="$ROOT/.cache/bootstrap/bin/uv"
}

ensure_venv() {
  local stamp="$VENV/.lock-sha256" want
  want="$(cat "$ROOT/requirements.txt" "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
  ensure_uv
  [ -x "$VENV/bin/python" ] || "$UV" venv --quiet --python "$PY" "$VENV"
  "$UV" pip sync --quiet --python "$VENV/bin/python" --require-hashes "$ROOT/requirements.txt"
  # The project itself: puts plugins/ and simulators/ on sys.path and registers the Nmbrs provider.
  "$UV" pip install --quiet --python "$VENV/bin/python" --no-deps --no-build-isolation -e "$ROOT"
  echo "$want" > "$stamp"
}

ensure_venv
export PATH="$VENV/bin:$PATH"
export PYTHONDONTWRITEBYTECODE=1
