#!/usr/bin/env bash
# Transfer benchmark (not a test): builds the server in Release, starts it on 127.0.0.1 with a throw-away data folder,
# uploads one generated file with curl, downloads it again, checks the SHA-256 and prints throughput and the
# server's peak resident memory (VmHWM).
#
#   bench/transfer.sh [size]      size in bytes or with an IEC suffix (512M, 1G, 4G); default 1G
#
# Environment: SERVER_ENV="VAR=value ..." is passed to the server only; HOLD=N keeps the server up N seconds after the
# transfers (to attach dotnet-counters or dotnet-gcdump); ROUNDS=N uploads and downloads the file N times (as N versions)
# on one server, to show whether memory levels off; SMALL_FILES=N then uploads N files of 4 KiB, 24 at a time; KEEP=1 keeps the temporary folder; MAX_RSS_MB (default 200) is the peak memory the run must stay under.
# BACKEND=postgres-s3 runs the server on PostgreSQL and S3 instead of SQLite and files: the script starts its own
# private PostgreSQL (Debian's package, /usr/lib/postgresql/*/bin) on BENCH_PG_PORT (default 25632) and s3rver
# (node_modules, `npm ci`) on BENCH_S3_PORT (default 4769), both on 127.0.0.1 in the temporary folder, and stops them.
set -euo pipefail
cd "$(dirname "$0")/.."

size_arg=${1:-1G}
size=$(numfmt --from=iec "$size_arg")
max_rss_mb=${MAX_RSS_MB:-200}
rounds=${ROUNDS:-1}
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "ROUNDS must be a whole number from 1" >&2; exit 2; }
token="${BENCH_TOKEN:-bench-root-token-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

work=$(mktemp -d "${TMPDIR:-/tmp}/registry-bench.XXXXXX")
server_pid=""
sampler_pid=""
s3_pid=""
pg_started=""
backend=${BACKEND:-sqlite-files}
case "$backend" in sqlite-files|postgres-s3) ;; *) echo "BACKEND must be sqlite-files or postgres-s3" >&2; exit 2 ;; esac
pg_run=(); [[ "$(id -u)" == 0 ]] && pg_run=(runuser -u postgres --)
cleanup() {
    [[ -n "$sampler_pid" ]] && kill "$sampler_pid" 2>/dev/null || true
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [[ -n "$s3_pid" ]]; then kill "$s3_pid" 2>/dev/null || true; wait "$s3_pid" 2>/dev/null || true; fi
    if [[ -n "$pg_started" ]]; then "${pg_run[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true; fi
    if [[ "${KEEP:-0}" != 1 ]]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT INT TERM

echo "== building (Release)"
dotnet build src/Registry.Server -c Release -o "$work/bin" -v quiet -nologo >"$work/build.log" 2>&1 \
    || { cat "$work/build.log"; exit 1; }

backend_args=()
if [[ "$backend" == postgres-s3 ]]; then
    pg_port=${BENCH_PG_PORT:-25632} s3_port=${BENCH_S3_PORT:-4769}
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    [[ -n "$pg_bin" ]] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
    [[ -x node_modules/.bin/s3rver ]] || { echo "s3rver is not installed (npm ci)" >&2; exit 1; }
    echo "== starting PostgreSQL on 127.0.0.1:$pg_port and s3rver on 127.0.0.1:$s3_port"
    chmod 755 "$work"
    mkdir -p "$work/pg" "$work/s3"
    [[ "$(id -u)" == 0 ]] && chown postgres "$work/pg"
    "${pg_run[@]}" "$pg_bin/initdb" -D "$work/pg" -U registry --auth=trust -E UTF8 >/dev/null
    "${pg_run[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" \
        -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=off" -w start >/dev/null
    pg_started=1
    node_modules/.bin/s3rver --directory "$work/s3" --address 127.0.0.1 --port "$s3_port" --silent >"$work/s3rver.log" 2>&1 &
    s3_pid=$!
    for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$s3_port/" && break; sleep 0.2; done
    curl -s -o /dev/null "http://127.0.0.1:$s3_port/" || { cat "$work/s3rver.log"; echo "s3rver did not start" >&2; exit 1; }
    backend_args=(
        --Registry:Database:Provider=Postgres
        "--ConnectionStrings:Registry=Host=127.0.0.1;Port=$pg_port;Username=registry;Database=postgres"
        --Registry:Storage:Provider=S3
        --Registry:Storage:S3:ServiceUrl="http://127.0.0.1:$s3_port"
        --Registry:Storage:S3:AccessKey=S3RVER --Registry:Storage:S3:SecretKey=S3RVER
        --Registry:Storage:S3:Bucket=registry-bench --Registry:Storage:S3:CreateBucket=true
        ${SERVER_ARGS:-}
    )
fi

echo "== starting the server ($backend)"
# Run the dll directly so $server_pid is the server process itself (no dotnet-run wrapper). SERVER_ENV adds
# environment variables to the server alone (e.g. SERVER_ENV="DOTNET_gcServer=0").
env ${SERVER_ENV:-} dotnet "$work/bin/Registry.Server.dll" \
    --urls "http://127.0.0.1:0" \
    --Registry:DataPath="$work/data" \
    --Registry:RootToken="$token" \
    --Registry:MaxFileSize=0 \
    --Logging:LogLevel:Default=Warning \
    --Logging:LogLevel:Microsoft.Hosting.Lifetime=Information \
    "${backend_args[@]}" \
    >"$work/server.log" 2>&1 &
server_pid=$!

base=""
for _ in $(seq 1 300); do
    base=$(grep -soE 'Now listening on: http://127\.0\.0\.1:[0-9]+' "$work/server.log" | head -n1 | sed 's/Now listening on: //' || true)
    [[ -n "$base" ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; echo "server exited during start-up" >&2; exit 1; }
    sleep 0.1
done
[[ -n "$base" ]] || { cat "$work/server.log"; echo "server did not start" >&2; exit 1; }
case "$base" in http://127.0.0.1:*) ;; *) echo "refusing non-loopback address $base" >&2; exit 1 ;; esac
echo "   $base (pid $server_pid)"

rss_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$server_pid/status"; }

graphql() {
    local response
    response=$(curl -sS --fail-with-body -H "PRIVATE-TOKEN: $token" -H 'Content-Type: application/json' \
        --data "$1" "$base/api/graphql")
    if ! grep -q '"errors":\[\]' <<<"$response" || grep -q '"errors":\[{' <<<"$response"; then
        echo "GraphQL failed: $response" >&2; exit 1
    fi
}
graphql '{"query":"mutation { createGroup(input: {path: \"bench\", visibility: PRIVATE}) { errors } }"}'
graphql '{"query":"mutation { createProject(input: {namespacePath: \"bench\", path: \"transfer\"}) { errors } }"}'
idle_rss=$(rss_kb VmRSS)
# RSS timeline (one sample every 0.5 s) for the summary; kept in rss.log with KEEP=1.
( while kill -0 "$server_pid" 2>/dev/null; do
    echo "$(date +%s.%N | cut -c1-14) $(rss_kb VmRSS 2>/dev/null)" >>"$work/rss.log"; sleep 0.5
  done ) &
sampler_pid=$!

echo "== generating $size bytes"
head -c "$size" /dev/urandom >"$work/payload.bin"
expected=$(sha256sum "$work/payload.bin" | cut -d' ' -f1)

round_peaks=()
for round in $(seq 1 "$rounds"); do
url="$base/api/v4/projects/bench%2Ftransfer/packages/generic/bench/1.0.$round/payload.bin"

# Something outside this script stopping the server shows as a lifetime message in its log.
alive() { kill -0 "$server_pid" 2>/dev/null || { tail -n 5 "$work/server.log"; echo "server stopped from outside (pid $server_pid)" >&2; exit 1; }; }
alive

echo "== uploading${ROUNDS:+ (round $round of $rounds)}"
read -r up_code up_time < <(curl -sS -o "$work/put.json" -w '%{http_code} %{time_total}\n' \
    -H "PRIVATE-TOKEN: $token" --upload-file "$work/payload.bin" "$url")
[[ "$up_code" == 201 ]] || { echo "upload failed: HTTP $up_code $(cat "$work/put.json")" >&2; exit 1; }
# The download is hashed on the fly; no second copy on disk.
(( round == rounds )) && rm -f "$work/payload.bin"

alive
echo "== downloading"
actual=$(curl -sS -D "$work/get.headers" -w '%{stderr}%{http_code} %{time_total}\n' \
    -H "PRIVATE-TOKEN: $token" "$url" 2>"$work/get.stats" | sha256sum | cut -d' ' -f1)
read -r down_code down_time <"$work/get.stats"
[[ "$down_code" == 200 ]] || { echo "download failed: HTTP $down_code $(cat "$work/get.stats")" >&2; exit 1; }
header=$(awk 'tolower($1) == "x-checksum-sha256:" { print $2 }' "$work/get.headers" | tr -d '\r')
[[ "$actual" == "$expected" && "$header" == "$expected" ]] || break
round_peaks+=("$(( $(rss_kb VmHWM) / 1024 ))")
done

peak_kb=$(rss_kb VmHWM)

small=${SMALL_FILES:-0}
if (( small > 0 )); then
    echo "== uploading $small files of 4 KiB, 24 at a time"
    head -c 4096 /dev/urandom >"$work/small.bin"
    small_codes=$(seq 1 "$small" | xargs -P 24 -I{} curl -sS -o /dev/null -w '%{http_code}\n' -H "PRIVATE-TOKEN: $token" \
        --upload-file "$work/small.bin" "$base/api/v4/projects/bench%2Ftransfer/packages/generic/small/1.{}/small.bin" | sort | uniq -c)
    grep -qE '^ *[0-9]+ 201$' <<<"$small_codes" && (( $(wc -l <<<"$small_codes") == 1 )) \
        || { echo "small uploads failed: $small_codes" >&2; exit 1; }
    small_peak=$(( $(rss_kb VmHWM) / 1024 ))
fi
[[ -n "${HOLD:-}" ]] && { echo "holding the server (pid $server_pid) for ${HOLD}s"; sleep "$HOLD"; }
mbps() { awk -v b="$size" -v t="$1" 'BEGIN { printf "%.1f", (t > 0 ? b / t / 1e6 : 0) }'; }

echo
echo "backend          : $backend"
echo "file size        : $size bytes ($size_arg)"
echo "upload           : $(mbps "$up_time") MB/s (${up_time}s)"
echo "download         : $(mbps "$down_time") MB/s (${down_time}s)"
echo "sha256           : $actual"
echo "server RSS idle  : $((idle_rss / 1024)) MB"
echo "server peak RSS  : $((peak_kb / 1024)) MB (VmHWM)"
(( rounds > 1 )) && echo "peak after round : ${round_peaks[*]} MB"
(( small > 0 )) && echo "peak after small : $small_peak MB ($small uploads of 4 KiB, 24 at a time; not held to MAX_RSS_MB)"
echo "server RSS now   : $(( $(rss_kb VmRSS) / 1024 )) MB (anon $(( $(rss_kb RssAnon) / 1024 )) MB, file-backed $(( $(rss_kb RssFile) / 1024 )) MB)"

status=0
if [[ "$actual" != "$expected" ]]; then echo "FAIL: downloaded sha256 differs (expected $expected)"; status=1; fi
if [[ "$header" != "$expected" ]]; then echo "FAIL: X-Checksum-SHA256 '$header' differs"; status=1; fi
if (( peak_kb / 1024 >= max_rss_mb )); then echo "FAIL: peak RSS over ${max_rss_mb} MB"; status=1; fi
if grep -qiE 'fail|exception' "$work/server.log"; then echo "server log:"; cat "$work/server.log"; fi
[[ $status == 0 ]] && echo "OK"
exit $status
