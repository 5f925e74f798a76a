#!/usr/bin/env bash
# Mixed traffic (not a test): 32 clients (wrk -t2 -c32) for 2 minutes of downloads (1 KiB authenticated and anonymous,
# 4 MiB), uploads of new 1 KiB and 4 MiB files and identical re-uploads racing into one version, a missing file, REST
# and GraphQL package lists and a GraphQL error, against a project that already holds PACKAGES (default 10,000)
# packages. Prints the request rate, the answers by status, the server's RSS before, its peak (VmHWM) and a timeline.
# Fails when the peak reaches MAX_RSS_MB (default 200), on a 5xx or any status no request should get, or when the
# server logged a fail: or crit: line (handled conditions must not page anyone).
#
#   bench/mixed-load.sh               DURATION (default 120s), CONNECTIONS (default 32)
#
# Environment: BACKEND=postgres-s3 and bench/lib.sh's ports.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/seed-packages.sh"
duration=${DURATION:-120s}
connections=${CONNECTIONS:-32}
max_rss_mb=${MAX_RSS_MB:-200}

ensure_tools
build_release
start_backend
start_server
create_projects
dev_token=$(create_developer_token)
seed_packages "${PACKAGES:-10000}"

head -c 1024 /dev/urandom >"$work/small.bin"
head -c 4M /dev/urandom >"$work/medium.bin"
upload() { # project, name, file
    local code
    code=$(curl -sS -o /dev/null -w '%{http_code}' -H "PRIVATE-TOKEN: $token" --upload-file "$3" \
        "$base/api/v4/projects/bench%2F$1/packages/generic/$2/1.0.0/$(basename "$3")")
    [[ "$code" == 201 ]] || { echo "seed upload failed: $code" >&2; exit 1; }
}
upload ci small "$work/small.bin"
upload public small "$work/small.bin"
upload ci medium "$work/medium.bin"

idle_kb=$(rss_kb VmRSS)
( while kill -0 "$server_pid" 2>/dev/null; do echo "$(date +%s) $(rss_kb VmRSS 2>/dev/null)" >>"$work/rss.log"; sleep 0.5; done ) &
sampler_pid=$!

say "mixed traffic: wrk -t2 -c$connections -d$duration"
TOKEN=$dev_token SMALL_FILE="$work/small.bin" MEDIUM_FILE="$work/medium.bin" RUN=$$ \
    wrk -t2 -c"$connections" -d"$duration" --timeout 30s -s bench/wrk/mixed.lua "$base" >"$work/wrk.out" 2>"$work/wrk.err" \
    || { cat "$work/wrk.out" "$work/wrk.err"; exit 1; }
peak_kb=$(rss_kb VmHWM)

echo
cat "$work/wrk.out"
echo
echo "backend          : $backend, wrk -t2 -c$connections -d$duration, ${PACKAGES:-10000} packages seeded"
echo "requests/s       : $(wrk_rate "$work/wrk.out")"
echo "server RSS idle  : $((idle_kb / 1024)) MB"
echo "server peak RSS  : $((peak_kb / 1024)) MB (VmHWM)"
echo "RSS every 10 s   : $(awk 'NR % 20 == 1 { printf "%d ", $2 / 1024 }' "$work/rss.log")MB"
echo "server RSS now   : $(( $(rss_kb VmRSS) / 1024 )) MB"
echo "server log       : $(grep -cE '^(fail|crit):' "$work/server.log" || true) fail/crit lines, $(grep -cE '^warn:' "$work/server.log" || true) warn lines"
status=0
if [[ -s "$work/wrk.err" ]]; then echo "FAIL: unexpected responses:"; cat "$work/wrk.err"; status=1; fi
if grep -qE 'Socket errors' "$work/wrk.out"; then echo "FAIL: socket errors"; status=1; fi
if grep -qE '^(fail|crit):' "$work/server.log"; then echo "FAIL: the server logged at error level:"; grep -A3 -E '^(fail|crit):' "$work/server.log" | head -40; status=1; fi
if (( peak_kb / 1024 >= max_rss_mb )); then echo "FAIL: peak RSS over $max_rss_mb MB"; status=1; fi
[[ $status == 0 ]] && echo OK
exit $status
