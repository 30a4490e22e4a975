#!/usr/bin/env bash
# The README's test command: installs every test dependency that is missing on a Debian 12
# machine (apt packages, npm packages), starts a local PostgreSQL on loopback for the storage
# tests, then runs the whole suite (unit, integration, end-to-end). Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(postgresql sip-tester baresip chromium sox espeak-ng sipvicious openssl)
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "test-all: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# `npm install` rather than `npm ci`: the lock file names optional platform packages (biome for
# macOS/Windows) that a restricted registry mirror may not serve; install skips them, ci refuses.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ]; then
  echo "test-all: npm install"
  npm install --no-audit --no-fund --loglevel=error
fi

# PostgreSQL on 127.0.0.1:5432 with a role that may create the per-test databases.
PG_VERSION="$(ls /usr/lib/postgresql | sort -n | tail -1)"
if ! pg_lsclusters -h 2>/dev/null | grep -q "^${PG_VERSION} main"; then
  $SUDO pg_createcluster "$PG_VERSION" main >/dev/null
fi
if ! pg_lsclusters -h | grep -q "^${PG_VERSION} main .* online"; then
  $SUDO pg_ctlcluster "$PG_VERSION" main start
fi
for i in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
as_postgres psql -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'switchboard_test') THEN
    CREATE ROLE switchboard_test LOGIN CREATEDB PASSWORD 'switchboard_test';
  END IF;
END $$;
SQL
export SWB_TEST_PG_URL="${SWB_TEST_PG_URL:-postgres://switchboard_test:switchboard_test@127.0.0.1:5432/postgres}"

npm run --silent lint
npm run --silent typecheck
npm test
