#!/usr/bin/env bash
# CPU profile of one request kind under load (not a test): starts the Release server, publishes a 1 KiB file, runs
# wrk -t2 -c32 against it for DURATION (default 15s) while dotnet-trace samples the server, and prints the methods
# most often on the stack (inclusive, then exclusive).
#
#   bench/profile.sh [get-auth|get-anon|put]     default get-auth; BACKEND=postgres-s3 as the other benchmarks
#   bench/profile.sh [graphql-list|graphql-group|rest-list|rest-deep]   one client (wrk -t1 -c1) asking a package list
#                                                of PACKAGES (default 100,000) packages, seeded as bench/package-lists.sh
#
# Needs dotnet-trace (dotnet tool install --global dotnet-trace). Samples of waiting threads are left out
# (bench/profile-report.py); FOCUS=<method> keeps only samples with it on the stack. KEEP=1 keeps the speedscope file.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/seed-packages.sh"
kind=${1:-get-auth}
duration=${DURATION:-15s}
trace=${DOTNET_TRACE:-$(command -v dotnet-trace || echo "$HOME/.dotnet/tools/dotnet-trace")}
[[ -x "$trace" ]] || { echo "dotnet-trace is not installed: dotnet tool install --global dotnet-trace" >&2; exit 1; }

ensure_tools
build_release
start_backend
start_server
create_projects
dev_token=$(create_developer_token)
head -c 1024 /dev/urandom >"$work/small.bin"
for project in ci public; do
    curl -sS -o /dev/null -H "PRIVATE-TOKEN: $token" --upload-file "$work/small.bin" \
        "$base/api/v4/projects/bench%2F$project/packages/generic/small/1.0.0/small.bin"
done
wrk_shape=(-t2 -c32)
files='packageFiles { nodes { id fileName size fileSha256 downloadPath } }'
fields="id name version status createdAt packageType $files"
list_query() { printf '{"query":"{ %s(fullPath: \\"%s\\") { packages(first: 20) { count nodes { %s } pageInfo { endCursor hasNextPage } } } }"}' "$1" "$2" "$fields"; }
case "$kind" in
    graphql-*|rest-*) seed_packages "${PACKAGES:-100000}"; wrk_shape=(-t1 -c1) ;;
esac
case "$kind" in
    graphql-list) export METHOD=POST BODY; BODY=$(list_query project bench/ci); args=(-s bench/wrk/latency.lua "$base/api/graphql") ;;
    graphql-group) export METHOD=POST BODY; BODY=$(list_query group bench); args=(-s bench/wrk/latency.lua "$base/api/graphql") ;;
    rest-list) args=(-s bench/wrk/latency.lua "$base/api/v4/projects/bench%2Fci/packages") ;;
    rest-deep) args=(-s bench/wrk/latency.lua "$base/api/v4/projects/bench%2Fci/packages?page=2000") ;;
    get-auth) args=(-s bench/wrk/get-auth.lua "$base/api/v4/projects/bench%2Fci/packages/generic/small/1.0.0/small.bin") ;;
    get-anon) args=("$base/api/v4/projects/bench%2Fpublic/packages/generic/small/1.0.0/small.bin") ;;
    put) args=(-s bench/wrk/put-new.lua "$base") ;;
    *) echo "unknown kind $kind" >&2; exit 2 ;;
esac
export AUTH_HEADER="PRIVATE-TOKEN: $dev_token" BODY_FILE="$work/small.bin" RUN=profile \
    PUT_PREFIX="/api/v4/projects/bench%2Fci/packages/generic/profile/1.0.0/"
wrk "${wrk_shape[@]}" -d2s "${args[@]}" >/dev/null # warm up
say "profiling $kind for $duration"
"$trace" collect -p "$server_pid" --profile dotnet-sampled-thread-time --format Speedscope -o "$work/trace.nettrace" --duration "00:00:$(( ${duration%s} + 2 ))" >"$work/trace.log" 2>&1 &
trace_pid=$!
sleep 1
wrk "${wrk_shape[@]}" -d"$duration" --timeout 20s "${args[@]}" | grep -E 'Requests/sec|requests in|Non-2xx|^p50'
wait "$trace_pid" || { cat "$work/trace.log"; exit 1; }
[[ "${KEEP:-0}" == 1 ]] && cp "$work/trace.speedscope.json" "./profile-$kind.speedscope.json" && echo "kept profile-$kind.speedscope.json"
python3 bench/profile-report.py "$work/trace.speedscope.json" "${TOP:-40}" "${FOCUS:-}"
exit 0
