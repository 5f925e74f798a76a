#!/usr/bin/env bash
# Mixed load (not a test): 32 clients for 2 minutes against a Release build on SQLite + files: uploads of new files
# and identical re-uploads racing into one version, downloads, a missing file, package lists, GraphQL queries and a
# GraphQL error. Prints wrk's figures and the answers by status, and fails if the server logged a fail: or crit: line
# (handled conditions must not page anyone).
#
#   bench/mixed-load.sh        DURATION=2m CONNECTIONS=32 THREADS=2 PORT=5392 BIN=<built folder>
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-2m} connections=${CONNECTIONS:-32} threads=${THREADS:-2} port=${PORT:-5392}
token="bench-root-token-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/registry-mixed.XXXXXX")
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

bin=${BIN:-}
if [[ -z "$bin" ]]; then
    echo "== building (Release)"
    bin="$work/bin"
    dotnet build src/Registry.Server -c Release -o "$bin" -v quiet -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
fi
base="http://127.0.0.1:$port"
# Information: the server's own lines as an operator sees them by default.
dotnet "$bin/Registry.Server.dll" --urls "$base" --Registry:DataPath="$work/data" --Registry:RootToken="$token" \
    --Logging:LogLevel:Default=Information ${SERVER_ARGS:-} >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 300); do curl -s -o /dev/null "$base/-/liveness" && break; sleep 0.2; done

gql() { curl -sf -H "PRIVATE-TOKEN: $token" -H 'Content-Type: application/json' "$base/api/graphql" -d "$1" >/dev/null; }
gql '{"query":"mutation { createGroup(input: {path: \"load\", visibility: PRIVATE}) { errors } }"}'
gql '{"query":"mutation { createProject(input: {namespacePath: \"load\", path: \"app\"}) { errors } }"}'
head -c 4096 /dev/urandom >"$work/seed.bin"
curl -sf -H "PRIVATE-TOKEN: $token" --upload-file "$work/seed.bin" "$base/api/v4/projects/load%2Fapp/packages/generic/load/seed/seed.bin" >/dev/null

echo "== wrk -t$threads -c$connections -d$duration (mixed)"
TOKEN=$token PROJECT='load%2Fapp' wrk -t"$threads" -c"$connections" -d"$duration" --latency -s bench/mixed-load.lua "$base/" \
    | grep -E 'Requests/sec|Latency |  50%|  99%|answers by status|Socket errors'
echo "== server log: $(grep -cE '^(fail|crit):' "$work/server.log" || true) fail/crit lines, $(grep -cE '^warn:' "$work/server.log" || true) warn lines"
if grep -qE '^(fail|crit):' "$work/server.log"; then
    grep -A3 -E '^(fail|crit):' "$work/server.log" | head -40
    exit 1
fi
