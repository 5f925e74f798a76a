#!/usr/bin/env bash
# Webhook benchmark (not a test), issue 24's "with 10 hooks configured, of which some are slow or down, the upload rate
# stays within noise of no hooks, and memory stays bounded": 1 KiB PUTs of new names (wrk, a developer's token) to two
# servers side by side, one without hooks and one whose project has HOOKS hooks: some answer at once, some sleep past
# the 10 s delivery timeout, some point at a closed port. A third server without hooks measures the noise: "within
# noise" means the hooked server's median rate against the first server's is no further below 1 than the reference's
# ratio strays from 1 in its worst round (an A/A comparison: two identical servers, same rounds). Rounds go round the three servers, the order turning each
# round, so load from elsewhere on the machine falls on all alike.
#
#   bench/hooks-upload.sh             ROUNDS=N (default 3) repeats every measurement and prints the median
#
# Prints, per server: PUT rate, server CPU per upload (all the server's CPU during the measured rounds, its dispatcher's
# work in the background included, divided by its uploads) and peak RSS; per round the ratios and the CPU the runtime's
# tiering thread used (the JIT compiling hot methods again, optimised: near 0 once a server is warm) and the hooked
# server's dispatcher thread used in its round (the CPU its deliveries took from the uploads); for the hooked
# one what its receivers got and how many deliveries wait in the database; and whether it is within noise.
# FREEZE_HOOKED=1 (the default) stops the hooked server (SIGSTOP) while another server is measured: its
# dispatcher works through a backlog it cannot finish (10 deliveries per upload) and would otherwise take the machine
# from the server without hooks, flattering the ratio; FREEZE_HOOKED=0 lets it run (the figures before 2026-12-06 11:00).
# Warm-up: PUT_WARMUP (default 20s) of uploads to each server, then WARMUP_ROUNDS (default 3) rounds as measured ones,
# not counted. The rounds matter: between its rounds the hooked server's dispatcher runs at full speed (uploads paused)
# and compiles code the uploads alone never reach, and with 15 s of uploads alone its first measured round still spent
# 13-24 % of its samples in the JIT; after one warm-up round its tiering thread still took 460 ms in the first counted
# round against 50-90 ms in the next, and after two it still took 220-240 ms in the first counted round (its ratio the
# lowest of the three) against 60 ms in the next (docs/performance.md). The tiering column shows whether it was done.
# Environment: BACKEND=postgres-s3, DURATION (wrk -d, default 10s), CONNECTIONS (default 32), HOOKS (default 10: a
# third slow, a third down, the rest answering), SLOW_SECONDS (default 15), BENCH_BIN, and bench/lib.sh's ports; the
# hooked server takes BENCH_PORT+10, the receivers BENCH_PORT+11 and +12, the closed port is +13, the reference +14.
# PERF=<folder> records each server with perf (499 Hz, call graphs) during its own measured rounds, into
# <folder>/<server>-<round>.data (give SERVER_ENV="DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0" for symbols).
source "$(dirname "$0")/lib.sh"
rounds=${ROUNDS:-3}
warmup_rounds=${WARMUP_ROUNDS:-3}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-32}
hooks=${HOOKS:-10}
slow_seconds=${SLOW_SECONDS:-15}
wrk_args=(-t2 -c"$connections" -d"$duration" --timeout 20s)
hooked_port=$(( port + 10 )) fast_port=$(( port + 11 )) slow_port=$(( port + 12 )) closed_port=$(( port + 13 ))
reference_port=$(( port + 14 ))
plain_pid="" hooked_pid="" reference_pid="" sampler_pid="" perf_pid="" receivers=()

cleanup_all() {
    [[ -n "$perf_pid" ]] && kill -INT "$perf_pid" 2>/dev/null || true
    [[ -n "$hooked_pid" ]] && kill -CONT "$hooked_pid" 2>/dev/null || true
    for pid in $plain_pid $hooked_pid $reference_pid; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    for pid in "${receivers[@]}"; do kill "$pid" 2>/dev/null || true; done
    bench_cleanup
}
trap cleanup_all EXIT INT TERM

# A receiver on 127.0.0.1:PORT that answers 200 after DELAY seconds and counts what it got (GET /count).
start_receiver() {
    local port=$1 delay=$2
    python3 - "$port" "$delay" >"$work/receiver-$port.log" 2>&1 <<'PY' &
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
PY
    receivers+=($!)
    for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/count" && return 0; sleep 0.1; done
    cat "$work/receiver-$port.log"; echo "receiver on $port did not start" >&2; exit 1
}

# start_other NAME PORT: another server with its own data folder, database and bucket, on PORT; sets $other_pid.
start_other() {
    local name=$1 url="http://127.0.0.1:$2" args=() arg
    for arg in "${backend_args[@]}"; do
        arg=${arg//Database=postgres/Database=$name}
        args+=("${arg//Bucket=registry-bench/Bucket=registry-bench-$name}")
    done
    [[ "$backend" == postgres-s3 ]] && echo "CREATE DATABASE \"$name\";" | db_exec
    say "starting the $name server on $url"
    mkdir -p "$work/$name-data"
    env ${SERVER_ENV:-} dotnet "$work/bin/Registry.Server.dll" --urls "$url" --Registry:DataPath="$work/$name-data" \
        --Registry:RootToken="$token" --Registry:MaxFileSize=0 --Logging:LogLevel:Default=Warning \
        --Logging:LogLevel:Microsoft.Hosting.Lifetime=Information "${args[@]}" ${SERVER_ARGS:-} >>"$work/$name.log" 2>&1 &
    other_pid=$!
    wait_listening "$other_pid" "$work/$name.log" "$name server"
}

ensure_tools
build_release
start_backend
start_server
plain_pid=$server_pid plain_base=$base
start_other hooked "$hooked_port"
hooked_pid=$other_pid hooked_base="http://127.0.0.1:$hooked_port"
start_other reference "$reference_port"
reference_pid=$other_pid reference_base="http://127.0.0.1:$reference_port"
start_receiver "$fast_port" 0
start_receiver "$slow_port" "$slow_seconds"

# Every server gets the same projects and developer; lib.sh's helpers talk to $base, so they run once per server.
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
base=$reference_base server_pid=$reference_pid
create_projects
reference_token=$(create_developer_token)
base=$plain_base server_pid=$plain_pid
create_projects
plain_token=$(create_developer_token)
[[ -n "$plain_token" && -n "$hooked_token" && -n "$reference_token" ]] || { echo "no developer token" >&2; exit 1; }
say "$hooks hooks: $slow sleeping ${slow_seconds}s, $down on a closed port, $(( hooks - slow - down )) answering"
declare -A url_of=([plain]=$plain_base [reference]=$reference_base [hooked]=$hooked_base)
declare -A token_of=([plain]=$plain_token [reference]=$reference_token [hooked]=$hooked_token)
declare -A pid_of=([plain]=$plain_pid [reference]=$reference_pid [hooked]=$hooked_pid)

# The CPU of each server's tiering thread (the runtime's background JIT) and of its webhook dispatcher's thread, summed
# into $work/threads four times a second as "pid=tiering,dispatcher ...": the tiering thread ends when it has been idle
# a few seconds and a new one starts when work comes.
python3 - "$work/threads" "$plain_pid" "$reference_pid" "$hooked_pid" <<'PY' &
import os, sys, time
out, pids = sys.argv[1], sys.argv[2:]
kinds = (".NET Tiered", "Webhook dispatc")  # thread names as Linux keeps them (15 characters)
seen, total = {}, {(p, k): 0 for p in pids for k in kinds}
while True:
    for p in pids:
        try: tasks = os.listdir(f"/proc/{p}/task")
        except OSError: continue
        for t in tasks:
            try: stat = open(f"/proc/{p}/task/{t}/stat").read()
            except OSError: continue
            name = stat[stat.index("(") + 1:]
            kind = next((k for k in kinds if name.startswith(k)), None)
            if kind is None: continue
            fields = stat[stat.rindex(")") + 2:].split()
            ticks = int(fields[11]) + int(fields[12])  # utime, stime
            total[(p, kind)] += ticks - seen.get((p, t), 0)
            seen[(p, t)] = ticks
    with open(out + ".tmp", "w") as f: f.write(" ".join(f"{p}=" + ",".join(str(total[(p, k)]) for k in kinds) for p in pids))
    os.replace(out + ".tmp", out)
    time.sleep(0.25)
PY
sampler_pid=$!
# thread_ticks PID: "tiering dispatcher", the ticks of those threads so far.
thread_ticks() { sleep 0.3; tr ' ' '\n' <"$work/threads" | awk -F= -v p="$1" '$1 == p { split($2, t, ","); print t[1], t[2] }'; }

head -c 1024 /dev/urandom >"$work/small.bin"
lua=bench/wrk
# put NAME WHICH VERSION DURATION: sets $rate and $requests; stops the benchmark on any error.
put() {
    local name=$1 which=$2 version=$3 length=$4
    BODY_FILE="$work/small.bin" PUT_PREFIX="/api/v4/projects/bench%2Fci/packages/generic/put/$version/" \
        AUTH_HEADER="PRIVATE-TOKEN: ${token_of[$which]}" RUN="$name" wrk -t2 -c"$connections" -d"$length" --timeout 20s \
        -s "$lua/put-new.lua" "${url_of[$which]}" >"$work/$name.out" 2>"$work/$name.err" \
        || { cat "$work/$name.out" "$work/$name.err" >&2; exit 1; }
    if [[ -s "$work/$name.err" ]]; then cat "$work/$name.out" "$work/$name.err" >&2; exit 1; fi
    wrk_check "$work/$name.out" || exit 1
    rate=$(wrk_rate "$work/$name.out")
    requests=$(awk '/requests in/ { print $1 }' "$work/$name.out")
}

# measure WHICH ROUND: one server's round, the hooked one stopped while another is measured; sets $rate, $requests,
# $tiering and $dispatcher (ms of CPU of the tiering thread and of the webhook dispatcher's thread in the round).
measure() {
    local which=$1 round=$2 freeze="" before after
    [[ "$which" != hooked && "${FREEZE_HOOKED:-1}" == 1 ]] && freeze=1
    [[ -n "$freeze" ]] && kill -STOP "$hooked_pid"
    read -ra before < <(thread_ticks "${pid_of[$which]}")
    if [[ -n "${PERF:-}" && "$round" != w* ]]; then
        mkdir -p "$PERF"
        perf record -q -F 499 -g -p "${pid_of[$which]}" -o "$PERF/$which-$round.data" >/dev/null 2>&1 &
        perf_pid=$!
    fi
    put "$which-$round" "$which" "1.0.$round" "$duration"
    if [[ -n "$perf_pid" ]]; then kill -INT "$perf_pid" 2>/dev/null || true; wait "$perf_pid" || true; perf_pid=""; fi
    read -ra after < <(thread_ticks "${pid_of[$which]}")
    tiering=$(( (after[0] - before[0]) * 1000 / clk_tck )) dispatcher=$(( (after[1] - before[1]) * 1000 / clk_tck ))
    [[ -n "$freeze" ]] && kill -CONT "$hooked_pid"
    return 0
}

say "warming up: ${PUT_WARMUP:-20s} of uploads to each server, then $warmup_rounds round(s) not counted"
for which in plain reference hooked; do put "warm-$which" "$which" 0.0.0 "${PUT_WARMUP:-20s}"; done
declare -a rate_plain rate_reference rate_hooked ratios noise
declare -A uploads=() cpu_before=()
order=(plain reference hooked)
for round in $(seq $(( 1 - warmup_rounds )) "$rounds"); do
    if (( round == 1 )); then for which in "${order[@]}"; do cpu_before[$which]=$(cpu_ticks "${pid_of[$which]}"); uploads[$which]=0; done; fi
    label=$round; (( round < 1 )) && label="w$(( round + warmup_rounds ))"
    # Which server goes first turns each round.
    turn=$(( (round + warmup_rounds - 1) % 3 ))
    declare -A rate_of=() tiering_of=()
    for which in "${order[@]:turn}" "${order[@]:0:turn}"; do
        measure "$which" "$label"
        rate_of[$which]=$rate tiering_of[$which]=$tiering
        [[ "$which" == hooked ]] && hooked_dispatcher=$dispatcher
        (( round >= 1 )) && uploads[$which]=$(( ${uploads[$which]} + requests ))
    done
    aa=$(ratio "${rate_of[reference]}" "${rate_of[plain]}") hr=$(ratio "${rate_of[hooked]}" "${rate_of[plain]}")
    printf '   round %-3s PUT no hooks %s, reference %s (%s), %s hooks %s req/s (%s); tiering ms %s / %s / %s; dispatcher ms %s\n' "$label" \
        "${rate_of[plain]}" "${rate_of[reference]}" "$aa" "$hooks" "${rate_of[hooked]}" "$hr" \
        "${tiering_of[plain]}" "${tiering_of[reference]}" "${tiering_of[hooked]}" "$hooked_dispatcher"
    (( round >= 1 )) || continue
    rate_plain+=("${rate_of[plain]}") rate_reference+=("${rate_of[reference]}") rate_hooked+=("${rate_of[hooked]}")
    ratios+=("$hr") noise+=("$aa")
done
declare -A cpu=()
for which in "${order[@]}"; do
    cpu[$which]=$(us_per_request $(( $(cpu_ticks "${pid_of[$which]}") - ${cpu_before[$which]} )) "${uploads[$which]}")
done

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
# The noise: how far the reference's ratio strayed from 1 in its worst round, either way.
spread=$(printf '%s\n' "${noise[@]}" | awk '{ d = $1 - 1; if (d < 0) d = -d; if (d > max) max = d } END { printf "%.3f", max }')
hooked_median=$(m "${ratios[*]}")
within=$(awk -v r="$hooked_median" -v s="$spread" 'BEGIN { print (r >= 1 - s ? "yes" : "no") }')
echo
echo "backend                    : $backend (wrk ${wrk_args[*]}, median of $rounds, rounds turning, FREEZE_HOOKED=${FREEZE_HOOKED:-1}, warm-up ${PUT_WARMUP:-20s} + $warmup_rounds round(s))"
echo "PUT 1 KiB, no hooks        : $(m "${rate_plain[*]}") req/s   CPU ${cpu[plain]} us/upload   peak RSS $(rss_of "$plain_pid") MB"
echo "PUT 1 KiB, reference (A/A) : $(m "${rate_reference[*]}") req/s   CPU ${cpu[reference]} us/upload   peak RSS $(rss_of "$reference_pid") MB"
echo "PUT 1 KiB, $hooks hooks       : $(m "${rate_hooked[*]}") req/s   CPU ${cpu[hooked]} us/upload   peak RSS $(rss_of "$hooked_pid") MB"
echo "noise: reference / no hooks: ${noise[*]} (median $(m "${noise[*]}"), furthest from 1 by $spread)"
echo "ratio hooks / no hooks     : ${ratios[*]} (median $hooked_median)   $(ratio "${cpu[hooked]}" "${cpu[plain]}") (CPU per upload)"
echo "within noise               : $within (hooks' median $hooked_median against 1 - $spread)"
# Every upload to the hooked server (warm-up included) is one event for each answering hook.
hooked_uploads=0
for out in "$work"/hooked-*.out "$work/warm-hooked.out"; do hooked_uploads=$(( hooked_uploads + $(awk '/requests in/ { print $1 }' "$out") )); done
echo "answering hooks got        : $(curl -s "http://127.0.0.1:$fast_port/count") of $(( hooked_uploads * (hooks - slow - down) )) deliveries so far (${hooks} hooks, $hooked_uploads uploads)"
echo "deliveries waiting (rows)  : $waiting"
for log in "$work/server.log" "$work/hooked.log" "$work/reference.log"; do
    if grep -qiE 'fail|exception' "$log"; then echo "$(basename "$log"):"; grep -iE 'fail|exception' "$log" | sort | uniq -c | sort -rn | head -n 10; fi
done
