#!/usr/bin/env bash
# Webhook benchmark (not a test), issue 24's "with 10 hooks configured, of which some are slow or down, the upload rate
# stays within noise of no hooks, and memory stays bounded": 1 KiB PUTs of new names (wrk, a developer's token) to two
# servers side by side, one without hooks and one whose project has HOOKS hooks: some answer at once, some sleep past
# the 10 s delivery timeout, some point at a closed port. Rounds alternate between the two servers, so load from
# elsewhere on the machine falls on both alike.
#
#   bench/hooks-upload.sh             ROUNDS=N (default 3) repeats every measurement and prints the median
#
# Prints, per server: PUT rate, server CPU per upload (all the server's CPU during the measured rounds, its dispatcher's
# work in the background included, divided by its uploads) and peak RSS; and for the hooked one what its receivers got
# and how many deliveries wait in the database.
# FREEZE_HOOKED=1 (the default) stops the hooked server (SIGSTOP) while the one without hooks is measured: its
# dispatcher works through a backlog it cannot finish (10 deliveries per upload) and would otherwise take the machine
# from the server without hooks, flattering the ratio; FREEZE_HOOKED=0 lets it run (the figures before 2026-12-06 11:00).
# Environment: BACKEND=postgres-s3, DURATION (wrk -d, default 10s), PUT_WARMUP (default 15s), CONNECTIONS (default 32),
# HOOKS (default 10: a third slow, a third down, the rest answering), SLOW_SECONDS (default 15), BENCH_BIN, and
# bench/lib.sh's ports; the second server takes BENCH_PORT+10, the receivers BENCH_PORT+11 and +12, the closed port is +13.
source "$(dirname "$0")/lib.sh"
rounds=${ROUNDS:-3}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-32}
hooks=${HOOKS:-10}
slow_seconds=${SLOW_SECONDS:-15}
wrk_args=(-t2 -c"$connections" -d"$duration" --timeout 20s)
hooked_port=$(( port + 10 )) fast_port=$(( port + 11 )) slow_port=$(( port + 12 )) closed_port=$(( port + 13 ))
hooked_base="http://127.0.0.1:$hooked_port"
plain_pid="" hooked_pid="" receivers=()

cleanup_all() {
    [[ -n "$hooked_pid" ]] && kill -CONT "$hooked_pid" 2>/dev/null || true
    for pid in $plain_pid $hooked_pid; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    for pid in "${receivers[@]}"; do kill "$pid" 2>/dev/null || true; done
    bench_cleanup
}
trap cleanup_all EXIT INT TERM

# A receiver on 127.0.0.1:PORT that answers 200 after DELAY seconds and counts what it got (GET /count).
start_receiver() {
    local port=$1 delay=$2
    python3 - "$port" "$delay" >"$work/receiver-$port.log" 2>&1 <<'EOF' &
import sys, time, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
port, delay = int(sys.argv[1]), float(sys.argv[2])
count, lock = 0, threading.Lock()
class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock: count += 1
        time.sleep(delay)
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"ok")
    def do_GET(self):
        body = str(count).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *args): pass
ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
EOF
    receivers+=($!)
    for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/count" && return 0; sleep 0.1; done
    cat "$work/receiver-$port.log"; echo "receiver on $port did not start" >&2; exit 1
}

ensure_tools
build_release
start_backend
# The second server: its own data folder, database and bucket, on its own port.
hooked_args=()
for arg in "${backend_args[@]}"; do
    arg=${arg//Database=postgres/Database=hooked}
    hooked_args+=("${arg//Bucket=registry-bench/Bucket=registry-bench-hooked}")
done
[[ "$backend" == postgres-s3 ]] && echo 'CREATE DATABASE hooked;' | db_exec
start_server
plain_pid=$server_pid
say "starting the hooked server on $hooked_base"
mkdir -p "$work/hooked-data"
env ${SERVER_ENV:-} dotnet "$work/bin/Registry.Server.dll" --urls "$hooked_base" --Registry:DataPath="$work/hooked-data" \
    --Registry:RootToken="$token" --Registry:MaxFileSize=0 --Logging:LogLevel:Default=Warning \
    --Logging:LogLevel:Microsoft.Hosting.Lifetime=Information "${hooked_args[@]}" ${SERVER_ARGS:-} >>"$work/hooked.log" 2>&1 &
hooked_pid=$!
for _ in $(seq 1 600); do
    grep -q 'Now listening on' "$work/hooked.log" 2>/dev/null && break
    kill -0 "$hooked_pid" 2>/dev/null || { cat "$work/hooked.log"; echo "the hooked server exited during start-up" >&2; exit 1; }
    sleep 0.1
done
grep -q 'Now listening on' "$work/hooked.log" || { cat "$work/hooked.log"; echo "the hooked server did not start" >&2; exit 1; }
start_receiver "$fast_port" 0
start_receiver "$slow_port" "$slow_seconds"

# Both servers get the same projects and developer; lib.sh's helpers talk to $base, so they run once per server.
plain_base=$base
base=$hooked_base server_pid=$hooked_pid
create_projects
hooked_token=$(create_developer_token)
curl -sS --fail-with-body -o /dev/null -X PUT -H "PRIVATE-TOKEN: $token" \
    "$base/api/v4/application/settings?allow_local_requests_from_web_hooks_and_services=true"
slow=$(( hooks / 3 )) down=$(( hooks / 3 ))
for i in $(seq 1 "$hooks"); do
    if (( i <= slow )); then url="http://127.0.0.1:$slow_port/hook"
    elif (( i <= slow + down )); then url="http://127.0.0.1:$closed_port/hook"
    else url="http://127.0.0.1:$fast_port/hook"; fi
    curl -sS --fail-with-body -o /dev/null -H "PRIVATE-TOKEN: $token" --data-urlencode "url=$url" --data "token=t$i&package_events=true" \
        "$base/api/v4/projects/bench%2Fci/hooks"
done
base=$plain_base server_pid=$plain_pid
create_projects
plain_token=$(create_developer_token)
[[ -n "$plain_token" && -n "$hooked_token" ]] || { echo "no developer token" >&2; exit 1; }
say "$hooks hooks: $slow sleeping ${slow_seconds}s, $down on a closed port, $(( hooks - slow - down )) answering"

head -c 1024 /dev/urandom >"$work/small.bin"
lua=bench/wrk
# put NAME BASE TOKEN VERSION: sets $rate and $requests; stops the benchmark on any error.
put() {
    local name=$1 url=$2 dev=$3 version=$4
    BODY_FILE="$work/small.bin" PUT_PREFIX="/api/v4/projects/bench%2Fci/packages/generic/put/$version/" \
        AUTH_HEADER="PRIVATE-TOKEN: $dev" RUN="$name" wrk "${wrk_args[@]}" -s "$lua/put-new.lua" "$url" >"$work/$name.out" 2>"$work/$name.err" \
        || { cat "$work/$name.out" "$work/$name.err" >&2; exit 1; }
    if [[ -s "$work/$name.err" ]]; then cat "$work/$name.out" "$work/$name.err" >&2; exit 1; fi
    wrk_check "$work/$name.out" || exit 1
    rate=$(wrk_rate "$work/$name.out")
    requests=$(awk '/requests in/ { print $1 }' "$work/$name.out")
}

say "warming up both servers"
for target in "plain $plain_base $plain_token" "hooked $hooked_base $hooked_token"; do
    read -r name url dev <<<"$target"
    BODY_FILE="$work/small.bin" PUT_PREFIX="/api/v4/projects/bench%2Fci/packages/generic/warm/1.0.0/" AUTH_HEADER="PRIVATE-TOKEN: $dev" \
        RUN=warm wrk -t2 -c"$connections" -d"${PUT_WARMUP:-15s}" --timeout 20s -s "$lua/put-new.lua" "$url" >"$work/warm-$name.out"
    wrk_check "$work/warm-$name.out" || exit 1
done

declare -a rate_plain rate_hooked ratios
plain_requests=0 hooked_requests=0
plain_before=$(cpu_ticks "$plain_pid") hooked_before=$(cpu_ticks "$hooked_pid")
for round in $(seq 1 "$rounds"); do
    say "round $round of $rounds"
    # Which server goes first alternates too.
    for which in $( (( round % 2 )) && echo "plain hooked" || echo "hooked plain"); do
        if [[ "$which" == plain ]]; then
            [[ "${FREEZE_HOOKED:-1}" == 1 ]] && kill -STOP "$hooked_pid"
            put "plain-$round" "$plain_base" "$plain_token" "1.0.$round"; rate_plain+=("$rate"); plain_requests=$(( plain_requests + requests ))
            [[ "${FREEZE_HOOKED:-1}" == 1 ]] && kill -CONT "$hooked_pid"
        else
            put "hooked-$round" "$hooked_base" "$hooked_token" "1.0.$round"; rate_hooked+=("$rate"); hooked_requests=$(( hooked_requests + requests ))
        fi
    done
    ratios+=("$(ratio "${rate_hooked[-1]}" "${rate_plain[-1]}")")
    printf '   PUT no hooks %s, %s hooks %s req/s (%s)\n' "${rate_plain[-1]}" "$hooks" "${rate_hooked[-1]}" "${ratios[-1]}"
done
plain_cpu=$(us_per_request $(( $(cpu_ticks "$plain_pid") - plain_before )) "$plain_requests")
hooked_cpu=$(us_per_request $(( $(cpu_ticks "$hooked_pid") - hooked_before )) "$hooked_requests")

rss_of() { awk '$1 == "VmHWM:" { printf "%d", $2 / 1024 }' "/proc/$1/status"; }
hooked_db() {
    if [[ "$backend" == postgres-s3 ]]; then
        "$pg_bin/psql" -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U registry -d hooked -X -A -t
    else
        sqlite3 -bail "$work/hooked-data/registry.db"
    fi
}
waiting=$(echo "SELECT count(*) FROM \"WebHookDeliveries\" WHERE \"State\" = 0;" | hooked_db | tr -d ' ')
m() { echo "$*" | median; }
echo
echo "backend                    : $backend (wrk ${wrk_args[*]}, median of $rounds, rounds alternating, FREEZE_HOOKED=${FREEZE_HOOKED:-1})"
echo "PUT 1 KiB, no hooks        : $(m "${rate_plain[*]}") req/s   CPU $plain_cpu us/upload   peak RSS $(rss_of "$plain_pid") MB"
echo "PUT 1 KiB, $hooks hooks       : $(m "${rate_hooked[*]}") req/s   CPU $hooked_cpu us/upload   peak RSS $(rss_of "$hooked_pid") MB"
echo "ratio hooks / no hooks     : $(m "${ratios[*]}") (rate)   $(ratio "$hooked_cpu" "$plain_cpu") (CPU per upload)"
# Every upload to the hooked server (warm-up included) is one event for each answering hook.
hooked_uploads=$(( hooked_requests + $(awk '/requests in/ { print $1 }' "$work/warm-hooked.out") ))
echo "answering hooks got        : $(curl -s "http://127.0.0.1:$fast_port/count") of $(( hooked_uploads * (hooks - slow - down) )) deliveries so far (${hooks} hooks, $hooked_uploads uploads)"
echo "deliveries waiting (rows)  : $waiting"
for log in "$work/server.log" "$work/hooked.log"; do
    if grep -qiE 'fail|exception' "$log"; then echo "$(basename "$log"):"; grep -iE 'fail|exception' "$log" | sort | uniq -c | sort -rn | head -n 10; fi
done
