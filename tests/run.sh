#!/usr/bin/env bash
# The one test command (README and .ci/run). It installs what the tests need when it is missing (npm packages,
# Debian's chromium, postgresql and python3-gitlab), starts a private PostgreSQL and an S3 test server (s3rver) on loopback, and
# runs the whole suite twice: on the embedded defaults (SQLite + file system) and on PostgreSQL + S3.
# Extra arguments go to `dotnet test` (e.g. --filter).
#
# A configuration that cannot start fails the run with the reason: a green run always includes PostgreSQL + S3.
# Locally (never on CI, where CI=true), REGISTRY_TEST_SKIP=postgres-s3 skips that configuration on purpose.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# A missing Snapshooter snapshot must fail, not be written (the test project sets this too, for a plain dotnet test).
export SNAPSHOOTER_STRICT_MODE=true

on_ci=""; case "${CI:-}" in true|1|yes) on_ci=1 ;; esac
skip=${REGISTRY_TEST_SKIP:-}
case "$skip" in
  ""|postgres-s3) ;;
  *) echo "[tests/run.sh] REGISTRY_TEST_SKIP=$skip: the only configuration that can be skipped is postgres-s3" >&2; exit 2 ;;
esac
if [ -n "$skip" ] && [ -n "$on_ci" ]; then
  echo "[tests/run.sh] REGISTRY_TEST_SKIP=$skip is refused on CI (CI=$CI): CI must check every configuration" >&2; exit 2
fi

note() { echo "[tests/run.sh] $*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_install() {
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1 \
    || { as_root apt-get update -q >/dev/null 2>&1 && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null; }
}

# --- prerequisites ----------------------------------------------------------------------------------------
command -v npm >/dev/null || { note "installing nodejs and npm"; apt_install nodejs npm; }
if [ ! -x node_modules/.bin/s3rver ] || [ ! -d node_modules/@chillicream/bananacakepop-graphql-ide ] || [ ! -x node_modules/.bin/openapi-typescript ]; then
  note "npm ci"; npm ci --no-audit --no-fund --loglevel=error
fi
command -v chromium >/dev/null || { note "installing chromium"; apt_install chromium || note "could not install chromium"; }
# GitLab's Python client for tests/Registry.Tests/Clients: Debian's package, for Debian's interpreter (the python3 on
# PATH may be a pyenv one that does not see Debian's packages).
/usr/bin/python3 -c 'import gitlab' 2>/dev/null || { note "installing python3-gitlab"; apt_install python3-gitlab || note "could not install python3-gitlab"; }
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

backend_ok="" backend_reason=""
start_services() {
  [ -n "$pg_bin" ] || { backend_reason="PostgreSQL is not installed and could not be installed (apt-get install postgresql)"; return 1; }
  # initdb refuses to run as root: the cluster belongs to the postgres user (or to us when not root).
  local pg_user; pg_user=$(id -un); [ "$(id -u)" = 0 ] && pg_user=postgres
  local run=(); [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
  mkdir -p "$work/pg" && chown "$pg_user" "$work/pg"
  "${run[@]}" "$pg_bin/initdb" -D "$work/pg" -U registry --auth=trust -E UTF8 >"$work/initdb.log" 2>&1 \
    || { backend_reason="initdb failed: $(tail -n 3 "$work/initdb.log" | tr '\n' ' ')"; return 1; }
  "${run[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" -w start >/dev/null \
    || { backend_reason="PostgreSQL did not start on port $pg_port (REGISTRY_TEST_PG_PORT): $(tail -n 3 "$work/pg/server.log" | tr '\n' ' ')"; return 1; }
  pg_started=1
  [ -x node_modules/.bin/s3rver ] || { backend_reason="s3rver is not installed (npm ci did not provide node_modules/.bin/s3rver)"; return 1; }
  mkdir -p "$work/s3"
  node_modules/.bin/s3rver --directory "$work/s3" --address 127.0.0.1 --port "$s3_port" --silent >"$work/s3rver.log" 2>&1 &
  local s3_pid=$!
  pids+=("$s3_pid")
  for _ in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$s3_port/" && kill -0 "$s3_pid" 2>/dev/null && return 0
    kill -0 "$s3_pid" 2>/dev/null || break
    sleep 0.2
  done
  backend_reason="s3rver did not start on port $s3_port (REGISTRY_TEST_S3_PORT): $(tail -n 3 "$work/s3rver.log" | tr '\n' ' ')"
  return 1
}
if [ "$skip" = postgres-s3 ]; then
  note "REGISTRY_TEST_SKIP=postgres-s3: the PostgreSQL + S3 configuration is skipped on purpose"
elif start_services; then
  backend_ok=1
else
  # The SQLite suite still runs, for what it can tell; the run fails at the end all the same.
  note "the PostgreSQL + S3 configuration cannot start: $backend_reason"
fi

# --- the test runs -----------------------------------------------------------------------------------------
# The two configurations run side by side (REGISTRY_TEST_SERIAL=1: one after the other): a suite alone leaves the
# machine mostly idle (it waits on processes, browsers, fsyncs and timeouts), so together they take about as long as
# the longer one. Each line is prefixed with its configuration; the summary adds both up.
total_passed=0 total_failed=0 total_skipped=0 status=0
logs=()
run_suite() {
  local label=$1 prefix=$2 log=$3; shift 3
  note "suite: $label"
  set +e
  # REGISTRY_TEST_RESULTS=<dir>: a trx per test project and configuration under <dir>/<configuration>, for the
  # per-class and per-test durations (the two configurations must not write over each other's files).
  local results=()
  [ -n "${REGISTRY_TEST_RESULTS:-}" ] && results=(--results-directory "$REGISTRY_TEST_RESULTS/$prefix" --logger trx)
  dotnet test "$root/Registry.sln" --no-build "${results[@]}" "$@" 2>&1 | tee "$log" | sed -u "s/^/[$prefix] /"
  local rc=${PIPESTATUS[0]}
  set -e
  echo "$rc" > "$log.rc"
}
add_up() {
  local log=$1 line p f s rc
  # One summary line per test project: add them all up.
  while IFS= read -r line; do
    p=$(sed -nE 's/.*Passed: *([0-9]+).*/\1/p' <<<"$line"); f=$(sed -nE 's/.*Failed: *([0-9]+),.*/\1/p' <<<"$line")
    s=$(sed -nE 's/.*Skipped: *([0-9]+).*/\1/p' <<<"$line")
    total_passed=$((total_passed + ${p:-0})); total_failed=$((total_failed + ${f:-0})); total_skipped=$((total_skipped + ${s:-0}))
  done < <(grep -E '^(Passed|Failed|Skipped)!' "$log" || true)
  rc=$(cat "$log.rc" 2>/dev/null || echo 1)
  [ "$rc" = 0 ] || status=$rc
}

# Build once; both suites run what it built. Arguments that select tests (e.g. --filter) go to both.
note "build"
dotnet build "$root/Registry.sln" -nologo -v quiet
sqlite_log="$work/sqlite.log" pg_log="$work/postgres-s3.log"
run_suite "SQLite + file system" sqlite "$sqlite_log" "$@" &
sqlite_pid=$!
[ -n "${REGISTRY_TEST_SERIAL:-}" ] && wait "$sqlite_pid"
if [ -n "$backend_ok" ]; then
  REGISTRY_TEST_BACKEND=postgres-s3 \
  REGISTRY_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=registry;Database=postgres;Maximum Pool Size=20" \
  REGISTRY_TEST_S3="http://127.0.0.1:$s3_port" \
    run_suite "PostgreSQL + S3" pg "$pg_log" "$@"
  add_up "$pg_log"
elif [ "$skip" = postgres-s3 ]; then
  note "SKIPPED on purpose (REGISTRY_TEST_SKIP=postgres-s3): the PostgreSQL + S3 configuration"
fi
wait "$sqlite_pid" || true
add_up "$sqlite_log"

echo "${total_passed} passed, ${total_failed} failed, ${total_skipped} skipped"
if [ -z "$backend_ok" ] && [ "$skip" != postgres-s3 ]; then
  # A run that could not check both configurations must not look green.
  echo "[tests/run.sh] FAILED: the PostgreSQL + S3 configuration did not run: $backend_reason" >&2
  [ -n "$on_ci" ] || echo "[tests/run.sh] To run only SQLite + file system locally, set REGISTRY_TEST_SKIP=postgres-s3 (refused on CI)." >&2
  [ "$status" = 0 ] && status=3
fi
exit "$status"
