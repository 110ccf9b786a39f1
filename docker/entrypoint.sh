#!/usr/bin/env bash
# Entry point of the salariskoppeling image: resolve the Airflow secrets, then exec the command.
#
# Airflow services (KOPPELING_AIRFLOW=1, set by docker-compose.yaml's x-airflow-common) need the
# same fernet key, JWT secret and api secret key in every process. Each comes from its variable
# (AIRFLOW__CORE__FERNET_KEY, AIRFLOW__API_AUTH__JWT_SECRET, AIRFLOW__API__SECRET_KEY, filled from
# .env); when that is empty it is read from the airflow-secrets volume, where the init service
# (KOPPELING_GENERATE_SECRETS=1) generates it once. The admin password file of the
# SimpleAuthManager is written from AIRFLOW_ADMIN_USER/AIRFLOW_ADMIN_PASSWORD when those are set.
# Other commands (the simulators) run unchanged.
set -euo pipefail

SECRETS_DIR="${KOPPELING_SECRETS_DIR:-/opt/airflow/secrets}"

generate() {
  case "$1" in
    fernet) python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' ;;
    *)      python -c 'import secrets; print(secrets.token_urlsafe(48))' ;;
  esac
}

# resolve VAR FILE KIND: keep $VAR when set; else read it from FILE (init creates FILE).
resolve() {
  local var="$1" file="$SECRETS_DIR/$2" kind="$3"
  if [ -n "${!var:-}" ]; then return 0; fi
  if [ ! -s "$file" ]; then
    if [ "${KOPPELING_GENERATE_SECRETS:-0}" != "1" ]; then
      echo "entrypoint: $var is empty and $file does not exist;" \
           "set it in .env or let the airflow-init service generate it" >&2
      exit 1
    fi
    (umask 077 && generate "$kind" > "$file.tmp" && mv "$file.tmp" "$file")
    echo "entrypoint: generated $2 in $SECRETS_DIR (set it in .env to pin it)" >&2
  fi
  export "$var=$(cat "$file")"
}

# Write the SimpleAuthManager password file ({"user": "password"}) from the environment.
write_admin_password() {
  local file="${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE:-}"
  if [ -z "${AIRFLOW_ADMIN_PASSWORD:-}" ] || [ -z "$file" ]; then
    return 0  # the api-server generates a password and logs it once
  fi
  (umask 077 && python -c 'import json, os, sys
json.dump({os.environ.get("AIRFLOW_ADMIN_USER") or "admin": os.environ["AIRFLOW_ADMIN_PASSWORD"]},
          open(sys.argv[1], "w"))' "$file")
}

if [ "${KOPPELING_AIRFLOW:-0}" = "1" ]; then
  mkdir -p "$SECRETS_DIR"
  resolve AIRFLOW__CORE__FERNET_KEY fernet_key fernet
  resolve AIRFLOW__API_AUTH__JWT_SECRET jwt_secret token
  resolve AIRFLOW__API__SECRET_KEY api_secret_key token
  if [ "${1:-}" = "airflow" ] && [ "${2:-}" = "api-server" ]; then
    write_admin_password
  fi
fi

exec "$@"
