#!/usr/bin/env bash
# Every workload of the performance table against its reference, in one run (not a test): the registry, nginx (WebDAV
# PUT without fsync, static GET with sendfile), Docker's distribution registry (blob POST+PUT, no fsync) and
# `dd conv=fsync` on the same disk, round after round, then one table of medians with the server's CPU per unit of work
# (from /proc/<pid>/stat: contention on a shared machine moves rates a lot and CPU per unit much less).
#
#   bench/table.sh                    ROUNDS=N (default 3), BIG (default 1G), DURATION (wrk -d, default 5s)
#
# Workloads: PUT and GET of one BIG file with curl (its first bytes differ each round: a round that found its bytes
# stored would skip the flush); PUT 16 MiB from 4 clients (4 curl processes, each uploading MEDIUM_UPLOADS (24) bodies
# in a row on one connection, every body different), and again with one body for all (every upload after the first
# finds its bytes stored: information); PUT 1 KiB from 16 clients (wrk -c16, new names, identical bodies; DISTINCT=1
# makes every body differ). wrk is not used for 16 MiB: building each request in Lua took it most of the two cores. Environment: BACKEND=postgres-s3,
# BENCH_BIN (a build to run), SERVER_ENV/SERVER_ARGS, BENCH_DIST_PORT (distribution, 28104) and bench/lib.sh's ports.
source "$(dirname "$0")/lib.sh"
rounds=${ROUNDS:-3}
big_arg=${BIG:-1G}
big=$(numfmt --from=iec "$big_arg")
duration=${DURATION:-5s}
dist_port=${BENCH_DIST_PORT:-28104}
dist_pid=""

ensure_tools
command -v docker-registry >/dev/null || { say "installing docker-registry"; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-registry >/dev/null; }
build_release
start_backend
start_server
start_nginx
create_projects
dev_token=$(create_developer_token)

say "starting Docker's distribution on 127.0.0.1:$dist_port"
cat >"$work/distribution.yml" <<EOF
version: 0.1
log: { level: error, accesslog: { disabled: true } }
storage: { filesystem: { rootdirectory: $work/distribution }, delete: { enabled: true } }
http: { addr: 127.0.0.1:$dist_port }
EOF
docker-registry serve "$work/distribution.yml" >"$work/distribution.log" 2>&1 &
dist_pid=$!
# The 16 MiB bodies live in memory (tmpfs), so that reading them costs the clients no disk.
shm=$(mktemp -d /dev/shm/registry-bench.XXXXXX)
trap 'kill "$dist_pid" 2>/dev/null || true; wait "$dist_pid" 2>/dev/null || true; rm -rf "$shm"; bench_cleanup' EXIT INT TERM
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$dist_port/v2/" && break; sleep 0.1; done
curl -s -o /dev/null "http://127.0.0.1:$dist_port/v2/" || { cat "$work/distribution.log"; echo "distribution did not start" >&2; exit 1; }

say "generating the bodies ($big_arg, 16 MiB, 1 KiB)"
head -c "$big" /dev/urandom >"$work/big.bin"
head -c 16M /dev/urandom >"$work/medium.bin"
medium_uploads=${MEDIUM_UPLOADS:-24}
for i in $(seq $(( 4 * medium_uploads ))); do cp "$work/medium.bin" "$shm/$i.bin"; done
head -c 1024 /dev/urandom >"$work/small.bin"
small_digest="sha256:$(sha256sum "$work/small.bin" | cut -d' ' -f1)"
auth=(-H "PRIVATE-TOKEN: $dev_token")
generic="$base/api/v4/projects/bench%2Fci/packages/generic"

now() { date +%s.%N; }
mbps() { awk -v b="$1" -v t="$2" 'BEGIN { printf "%.0f", (t > 0 ? b / t / 1e6 : 0) }'; }
secs() { awk -v t="$1" -v hz="$clk_tck" 'BEGIN { printf "%.2f", t / hz }'; }
# curl_time METHOD-ARGS... : prints time_total, fails on a status other than 200/201.
curl_time() {
    local code t
    read -r code t < <(curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' "$@")
    [[ "$code" == 200 || "$code" == 201 ]] || { echo "HTTP $code from curl $*" >&2; exit 1; }
    echo "$t"
}
# run_curls NAME PID-OR-nginx URL-PREFIX distinct|same: 4 clients upload 4 x MEDIUM_UPLOADS bodies of 16 MiB under new
# names; sets $rate (uploads/s) and $ticks like run_wrk.
run_curls() {
    local name=$1 who=$2 prefix=$3 mode=$4 before after t0 t1 c i file pids=()
    local -a args
    if [[ "$who" == nginx ]]; then before=$(nginx_cpu_ticks); else before=$(cpu_ticks "$who"); fi
    t0=$(now)
    for c in 1 2 3 4; do
        args=()
        for i in $(seq $(( (c - 1) * medium_uploads + 1 )) $(( c * medium_uploads ))); do
            file="$shm/$i.bin"; [[ "$mode" == same ]] && file="$work/medium.bin"
            args+=(-T "$file" -o /dev/null "$prefix$i.bin")
        done
        curl -sS -w '%{http_code}\n' "${medium_auth[@]}" "${args[@]}" >"$work/$name-$c.codes" 2>"$work/$name-$c.err" &
        pids+=($!)
    done
    for c in "${pids[@]}"; do wait "$c" || true; done
    t1=$(now)
    if [[ "$who" == nginx ]]; then after=$(nginx_cpu_ticks); else after=$(cpu_ticks "$who"); fi
    if [[ "$(cat "$work/$name"-?.codes | grep -c '^201$')" != $(( 4 * medium_uploads )) ]]; then
        echo "$name: not every upload answered 201:" >&2; cat "$work/$name"-?.codes "$work/$name"-?.err | sort | uniq -c >&2; exit 1
    fi
    rate=$(awk -v n=$(( 4 * medium_uploads )) -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", n / (b - a) }')
    requests=$(( 4 * medium_uploads ))
    ticks=$(( after - before ))
}
# run_wrk NAME PID-OR-nginx wrk-args...: sets $rate and $ticks (server CPU ticks during the run), $requests.
run_wrk() {
    local name=$1 who=$2; shift 2
    local before after
    if [[ "$who" == nginx ]]; then before=$(nginx_cpu_ticks); else before=$(cpu_ticks "$who"); fi
    wrk -t2 -d"$duration" --timeout 30s "$@" >"$work/$name.out" 2>"$work/$name.err" || { cat "$work/$name.out" "$work/$name.err" >&2; exit 1; }
    if [[ "$who" == nginx ]]; then after=$(nginx_cpu_ticks); else after=$(cpu_ticks "$who"); fi
    if [[ -s "$work/$name.err" ]]; then cat "$work/$name.out" "$work/$name.err" >&2; exit 1; fi
    wrk_check "$work/$name.out" || exit 1
    rate=$(awk '/^Requests\/sec:/ { print $2 }' "$work/$name.out")
    requests=$(awk '/requests in/ { print $1 }' "$work/$name.out")
    ticks=$(( after - before ))
}

# Tiered compilation keeps recompiling the upload path for about 30 s under load: a perf profile after a 10 s warm-up
# still had 14-21 % of the CPU in the JIT (libclrjit), after 45 s 0.5-1.4 %.
say "warming up (the upload path JIT-compiles for its first half minute)"
curl_time "${auth[@]}" --upload-file "$work/medium.bin" "$generic/warm/1.0.0/medium.bin" >/dev/null
BODY_FILE="$work/small.bin" PUT_PREFIX="/api/v4/projects/bench%2Fci/packages/generic/warm/1.0.0/" AUTH_HEADER="PRIVATE-TOKEN: $dev_token" \
    RUN=warm wrk -t2 -c16 -d"${PUT_WARMUP:-40s}" --timeout 30s -s bench/wrk/put-new.lua "$base" >/dev/null

declare -a big_put big_nginx big_dd big_cpu big_get big_get_nginx med_put med_nginx med_cpu med_same med_same_cpu small_put small_nginx small_dist small_cpu loads
for round in $(seq 1 "$rounds"); do
    say "round $round of $rounds"
    loads+=("$(cut -d' ' -f1 /proc/loadavg)")
    # PUT BIG: registry, nginx, dd conv=fsync.
    printf 'round %06d ' "$round" | dd of="$work/big.bin" conv=notrunc status=none
    c0=$(cpu_ticks "$server_pid")
    t=$(curl_time "${auth[@]}" --upload-file "$work/big.bin" "$generic/big/1.0.$round/big.bin")
    c1=$(cpu_ticks "$server_pid")
    big_put+=("$(mbps "$big" "$t")"); big_cpu+=("$(awk -v t=$(( c1 - c0 )) -v hz="$clk_tck" -v b="$big" 'BEGIN { printf "%.2f", t / hz / (b / 1073741824) }')")
    t=$(curl_time --upload-file "$work/big.bin" "$nginx_base/dav/big-$round.bin"); big_nginx+=("$(mbps "$big" "$t")")
    t0=$(now); dd if="$work/big.bin" of="$work/dd.bin" bs=1M conv=fsync status=none; t1=$(now)
    big_dd+=("$(mbps "$big" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")"); rm -f "$work/dd.bin"
    # GET BIG (page cache): registry, nginx.
    t=$(curl_time "${auth[@]}" "$generic/big/1.0.$round/big.bin"); big_get+=("$(mbps "$big" "$t")")
    t=$(curl_time "$nginx_base/dav/big-$round.bin"); big_get_nginx+=("$(mbps "$big" "$t")")
    rm -f "$work/nginx/www/dav/big-$round.bin"
    # PUT 16 MiB from 4 clients.
    for i in $(seq $(( 4 * medium_uploads ))); do printf 'round %03d body %05d ' "$round" "$i" | dd of="$shm/$i.bin" conv=notrunc status=none; done
    medium_auth=("${auth[@]}"); run_curls medium-registry "$server_pid" "$generic/medium/1.0.$round/" distinct
    med_put+=("$(awk -v r="$rate" 'BEGIN { printf "%.0f", r * 16 * 1048576 / 1e6 }')")
    med_cpu+=("$(awk -v t="$ticks" -v n="$requests" -v hz="$clk_tck" 'BEGIN { printf "%.2f", (n > 0 ? t / hz / (n / 64) : 0) }')")
    medium_auth=(); run_curls medium-nginx nginx "$nginx_base/dav/medium-$round/" distinct
    med_nginx+=("$(awk -v r="$rate" 'BEGIN { printf "%.0f", r * 16 * 1048576 / 1e6 }')")
    medium_auth=("${auth[@]}"); run_curls medium-same "$server_pid" "$generic/medium-same/1.0.$round/" same
    med_same+=("$(awk -v r="$rate" 'BEGIN { printf "%.0f", r * 16 * 1048576 / 1e6 }')")
    med_same_cpu+=("$(awk -v t="$ticks" -v n="$requests" -v hz="$clk_tck" 'BEGIN { printf "%.2f", (n > 0 ? t / hz / (n / 64) : 0) }')")
    rm -rf "$work/nginx/www/dav/medium-$round"
    # PUT 1 KiB from 16 clients: registry, nginx, distribution (two requests per upload).
    BODY_FILE="$work/small.bin" PUT_PREFIX="/api/v4/projects/bench%2Fci/packages/generic/small/1.0.$round/" AUTH_HEADER="PRIVATE-TOKEN: $dev_token" \
        RUN="$round" run_wrk small-registry "$server_pid" -c16 -s bench/wrk/put-new.lua "$base"
    small_put+=("$(printf '%.0f' "$rate")"); small_cpu+=("$(awk -v t="$ticks" -v n="$requests" -v hz="$clk_tck" 'BEGIN { printf "%.2f", (n > 0 ? t * 1000 / hz / n : 0) }')")
    BODY_FILE="$work/small.bin" PUT_PREFIX="/dav/small-$round/" RUN="$round" run_wrk small-nginx nginx -c16 -s bench/wrk/put-new.lua "$nginx_base"
    small_nginx+=("$(printf '%.0f' "$rate")")
    BODY_FILE="$work/small.bin" DIGEST="$small_digest" run_wrk small-distribution "$dist_pid" -c16 -s bench/wrk/distribution-put.lua "http://127.0.0.1:$dist_port"
    small_dist+=("$(awk -v r="$rate" 'BEGIN { printf "%.0f", r / 2 }')")
    printf '   PUT %s %s MB/s (nginx %s, dd %s), %s CPU-s/GiB; GET %s (nginx %s); PUT 16 MiB x4 %s (nginx %s, one body %s); PUT 1 KiB x16 %s/s (nginx %s, distribution %s), %s ms CPU\n' \
        "$big_arg" "${big_put[-1]}" "${big_nginx[-1]}" "${big_dd[-1]}" "${big_cpu[-1]}" "${big_get[-1]}" "${big_get_nginx[-1]}" \
        "${med_put[-1]}" "${med_nginx[-1]}" "${med_same[-1]}" "${small_put[-1]}" "${small_nginx[-1]}" "${small_dist[-1]}" "${small_cpu[-1]}" >&2
done

# The registry's copy of the big file is byte-exact (and its checksum header says so).
expected=$(sha256sum "$work/big.bin" | cut -d' ' -f1)
actual=$(curl -sS -D "$work/get.headers" "${auth[@]}" "$generic/big/1.0.$rounds/big.bin" | sha256sum | cut -d' ' -f1)
[[ "$actual" == "$expected" ]] || { echo "FAIL: the registry's copy differs" >&2; exit 1; }

m() { echo "$*" | median; }
r() { ratio "$(m "$1")" "$(m "$2")"; }
echo
echo "$backend, Release, median of $rounds rounds; load average at the rounds' start: ${loads[*]}; $(nproc) cores"
echo
echo "| workload | registry | nginx | other reference | ratio | server CPU |"
echo "|---|---|---|---|---|---|"
echo "| PUT $big_arg (curl) | $(m "${big_put[*]}") MB/s | $(m "${big_nginx[*]}") MB/s | dd conv=fsync $(m "${big_dd[*]}") MB/s | $(r "${big_put[*]}" "${big_nginx[*]}") of nginx, $(r "${big_put[*]}" "${big_dd[*]}") of dd | $(m "${big_cpu[*]}") s per GiB |"
echo "| PUT 16 MiB, 4 clients | $(m "${med_put[*]}") MB/s | $(m "${med_nginx[*]}") MB/s | | $(r "${med_put[*]}" "${med_nginx[*]}") | $(m "${med_cpu[*]}") s per GiB |"
echo "| PUT 16 MiB, 4 clients, one body for all | $(m "${med_same[*]}") MB/s | $(m "${med_nginx[*]}") MB/s | | $(r "${med_same[*]}" "${med_nginx[*]}") | $(m "${med_same_cpu[*]}") s per GiB |"
echo "| PUT 1 KiB, 16 clients | $(m "${small_put[*]}")/s | $(m "${small_nginx[*]}")/s | distribution $(m "${small_dist[*]}")/s | $(r "${small_put[*]}" "${small_nginx[*]}") of nginx, $(r "${small_put[*]}" "${small_dist[*]}")x distribution | $(m "${small_cpu[*]}") ms per upload |"
echo "| GET $big_arg (page cache) | $(m "${big_get[*]}") MB/s | $(m "${big_get_nginx[*]}") MB/s | | $(r "${big_get[*]}" "${big_get_nginx[*]}") | |"
echo
echo "server peak RSS: $(( $(rss_kb VmHWM) / 1024 )) MB"
