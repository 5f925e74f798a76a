#!/usr/bin/env bash
# Small-download benchmark (not a test): what one request costs the server. Builds in Release (or uses BIN=folder with
# a built Registry.Server.dll), starts the server on SQLite + files, publishes one 1 KiB file and runs wrk against its
# download URL. Prints wrk's figures for each round and the server's CPU time per request (user + system, from
# /proc), which a busy machine distorts far less than requests per second; compare builds by running it with BIN=.
#
#   bench/small-get.sh            DURATION=15s CONNECTIONS=32 THREADS=1 ROUNDS=3 PORT=5391
#   SERVER_ARGS="--Registry:RateLimits:Enabled=true" bench/small-get.sh   extra server settings
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-15s} connections=${CONNECTIONS:-32} threads=${THREADS:-1} rounds=${ROUNDS:-3} port=${PORT:-5391}
token="bench-root-token-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/registry-small-get.XXXXXX")
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
# shellcheck disable=SC2086
dotnet "$bin/Registry.Server.dll" --urls "$base" --Registry:DataPath="$work/data" --Registry:RootToken="$token" \
    --Logging:LogLevel:Default=Warning ${SERVER_ARGS:-} >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 150); do curl -s -o /dev/null "$base/api/v4/projects/1/packages" && break; sleep 0.2; done

gql() { curl -sf -H "PRIVATE-TOKEN: $token" -H 'Content-Type: application/json' "$base/api/graphql" -d "$1" >/dev/null; }
gql '{"query":"mutation { createGroup(input: {path: \"bench\", visibility: PUBLIC}) { errors } }"}'
gql '{"query":"mutation { createProject(input: {namespacePath: \"bench\", path: \"small\", visibility: PUBLIC}) { errors } }"}'
head -c 1024 /dev/urandom >"$work/small.bin"
url="$base/api/v4/projects/bench%2Fsmall/packages/generic/small/1.0.0/small.bin"
curl -sf -H "PRIVATE-TOKEN: $token" --upload-file "$work/small.bin" "$url" >/dev/null

echo "== warm-up"
wrk -t"$threads" -c"$connections" -d5s "$url" >/dev/null
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
ticks_per_second=$(getconf CLK_TCK)
for r in $(seq "$rounds"); do
    echo "== round $r: wrk -t$threads -c$connections -d$duration (anonymous GET of a 1 KiB public file)"
    before=$(cpu_ticks)
    wrk -t"$threads" -c"$connections" -d"$duration" --latency "$url" >"$work/wrk.txt"
    after=$(cpu_ticks)
    grep -E 'Requests/sec|Latency |  50%|  99%|Non-2xx' "$work/wrk.txt"
    requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
    echo "server CPU per request: $(awk -v t=$((after - before)) -v hz="$ticks_per_second" -v n="$requests" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }') µs ($requests requests)"
done
grep -E '^(fail|crit):' "$work/server.log" && echo "!! the server logged failures" || true
