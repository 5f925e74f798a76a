#!/usr/bin/env bash
# The one test command (README and .ci/run). It installs what the tests need when it is missing (npm packages,
# Debian's chromium and postgresql), starts a private PostgreSQL and an S3 test server (s3rver) on loopback, and
# runs the whole suite twice: on the embedded defaults (SQLite + file system) and on PostgreSQL + S3.
# Extra arguments go to `dotnet test` (e.g. --filter).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# A missing Snapshooter snapshot must fail, not be written.
export SNAPSHOOTER_STRICT_MODE=true

note() { echo "[tests/run.sh] $*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_install() {
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1 \
    || { as_root apt-get update -q >/dev/null 2>&1 && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null; }
}

# --- prerequisites ----------------------------------------------------------------------------------------
command -v npm >/dev/null || { note "installing nodejs and npm"; apt_install nodejs npm; }
if [ ! -x node_modules/.bin/s3rver ] || [ ! -d node_modules/@chillicream/bananacakepop-graphql-ide ]; then
  note "npm ci"; npm ci --no-audit --no-fund --loglevel=error
fi
command -v chromium >/dev/null || { note "installing chromium"; apt_install chromium || note "could not install chromium"; }
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ]; then note "installing postgresql"; apt_install postgresql || true; pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true); fi

# --- services for the PostgreSQL + S3 configuration --------------------------------------------------------
work=$(mktemp -d /tmp/registry-tests.XXXXXX)
chmod 755 "$work"
# Below the kernel's ephemeral range (32768-60999): a port in it can be held by some outgoing connection of the moment,
# and PostgreSQL then fails to listen ("could not start server", seen after a benchmark's burst of connections).
# REGISTRY_TEST_PG_PORT / REGISTRY_TEST_S3_PORT let two checkouts run their suites side by side.
pg_port=${REGISTRY_TEST_PG_PORT:-25432} s3_port=${REGISTRY_TEST_S3_PORT:-4569}
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "${pg_started:-}" ]; then runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

backend_ok=""
start_services() {
  [ -n "$pg_bin" ] || { note "PostgreSQL is not installed"; return 1; }
  # initdb refuses to run as root: the cluster belongs to the postgres user (or to us when not root).
  local pg_user; pg_user=$(id -un); [ "$(id -u)" = 0 ] && pg_user=postgres
  local run=(); [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
  mkdir -p "$work/pg" && chown "$pg_user" "$work/pg"
  "${run[@]}" "$pg_bin/initdb" -D "$work/pg" -U registry --auth=trust -E UTF8 >/dev/null || return 1
  "${run[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" -w start >/dev/null \
    || { note "PostgreSQL did not start:"; tail -n 5 "$work/pg/server.log" >&2; return 1; }
  pg_started=1
  [ -x node_modules/.bin/s3rver ] || { note "s3rver is not installed (npm ci)"; return 1; }
  mkdir -p "$work/s3"
  node_modules/.bin/s3rver --directory "$work/s3" --address 127.0.0.1 --port "$s3_port" --silent >"$work/s3rver.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$s3_port/" && return 0; sleep 0.2; done
  note "s3rver did not start"; return 1
}
if start_services; then backend_ok=1; else note "PostgreSQL + S3 configuration unavailable"; fi

# --- the test runs -----------------------------------------------------------------------------------------
total_passed=0 total_failed=0 total_skipped=0 status=0
run_suite() {
  local label=$1; shift
  local log; log=$(mktemp)
  note "suite: $label"
  set +e
  dotnet test "$root/Registry.sln" "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  set -e
  local summary; summary=$(grep -E '^(Passed|Failed)!' "$log" | tail -n 1 || true)
  local p f s
  p=$(sed -nE 's/.*Passed: *([0-9]+).*/\1/p' <<<"$summary"); f=$(sed -nE 's/.*Failed: *([0-9]+),.*/\1/p' <<<"$summary")
  s=$(sed -nE 's/.*Skipped: *([0-9]+).*/\1/p' <<<"$summary")
  total_passed=$((total_passed + ${p:-0})); total_failed=$((total_failed + ${f:-0})); total_skipped=$((total_skipped + ${s:-0}))
  [ "$rc" = 0 ] || status=$rc
  rm -f "$log"
}

run_suite "SQLite + file system" "$@"
if [ -n "$backend_ok" ]; then
  REGISTRY_TEST_BACKEND=postgres-s3 \
  REGISTRY_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=registry;Database=postgres;Maximum Pool Size=20" \
  REGISTRY_TEST_S3="http://127.0.0.1:$s3_port" \
    run_suite "PostgreSQL + S3" --no-build "$@"
else
  note "SKIPPED: the PostgreSQL + S3 configuration (its servers could not be installed or started)"
fi

echo "${total_passed} passed, ${total_failed} failed, ${total_skipped} skipped"
exit "$status"
