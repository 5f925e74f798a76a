#!/usr/bin/env bash
# CPU profile of one request kind under load (not a test): starts the Release server, publishes a 1 KiB file, runs
# wrk -t2 -c32 against it for DURATION (default 15s) while dotnet-trace samples the server, and prints the methods
# most often on the stack (inclusive, then exclusive).
#
#   bench/profile.sh [get-auth|get-anon|put]     default get-auth; BACKEND=postgres-s3 as the other benchmarks
#
# Needs dotnet-trace (dotnet tool install --global dotnet-trace). KEEP=1 keeps the .nettrace for PerfView/speedscope.
source "$(dirname "$0")/lib.sh"
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
case "$kind" in
    get-auth) args=(-s bench/wrk/get-auth.lua "$base/api/v4/projects/bench%2Fci/packages/generic/small/1.0.0/small.bin") ;;
    get-anon) args=("$base/api/v4/projects/bench%2Fpublic/packages/generic/small/1.0.0/small.bin") ;;
    put) args=(-s bench/wrk/put-new.lua "$base") ;;
    *) echo "unknown kind $kind" >&2; exit 2 ;;
esac
export AUTH_HEADER="PRIVATE-TOKEN: $dev_token" BODY_FILE="$work/small.bin" RUN=profile \
    PUT_PREFIX="/api/v4/projects/bench%2Fci/packages/generic/profile/1.0.0/"
wrk -t2 -c32 -d2s "${args[@]}" >/dev/null # warm up
say "profiling $kind for $duration"
"$trace" collect -p "$server_pid" --profile cpu-sampling -o "$work/trace.nettrace" --duration "00:00:$(( ${duration%s} + 2 ))" >"$work/trace.log" 2>&1 &
trace_pid=$!
sleep 1
wrk -t2 -c32 -d"$duration" --timeout 20s "${args[@]}" | grep -E 'Requests/sec|requests in|Non-2xx'
wait "$trace_pid" || { cat "$work/trace.log"; exit 1; }
echo; echo "== inclusive (methods most often on the stack)"
"$trace" report "$work/trace.nettrace" topN -n 40 --inclusive 2>/dev/null || "$trace" report "$work/trace.nettrace" topN -n 40
echo; echo "== exclusive"
"$trace" report "$work/trace.nettrace" topN -n 30
[[ "${KEEP:-0}" == 1 ]] && cp "$work/trace.nettrace" "./profile-$kind.nettrace" && echo "kept profile-$kind.nettrace"
exit 0
