#!/usr/bin/env bash
# Small-file benchmark (not a test): 1 KiB GET (authenticated with a developer's token, and anonymous on a public
# project) and PUT of new file names, registry and nginx side by side in one run, wrk -t2 -c32 -d5s each. nginx serves
# the same bytes as a static file (sendfile) and takes the PUTs with WebDAV (no fsync; the registry's uploads are
# durable when acknowledged).
#
#   bench/small-files.sh              ROUNDS=N (default 3) repeats every measurement and prints the median
#
# Environment: BACKEND=postgres-s3, DURATION (wrk -d, default 5s), PUT_WARMUP (default 40s: tiered compilation recompiles the upload path for about 30 s), CLIENTS (or CONNECTIONS, default 32: wrk's connections), and bench/lib.sh's ports.
# DISTINCT=1 gives every PUT body its own bytes (by default all are identical and share one stored blob).
source "$(dirname "$0")/lib.sh"
rounds=${ROUNDS:-3}
duration=${DURATION:-5s}
connections=${CLIENTS:-${CONNECTIONS:-32}}
wrk_args=(-t2 -c"$connections" -d"$duration" --timeout 20s)

ensure_tools
build_release
start_backend
start_server
start_nginx
create_projects
dev_token=$(create_developer_token)
[[ -n "$dev_token" ]] || { echo "no developer token" >&2; exit 1; }

head -c 1024 /dev/urandom >"$work/small.bin"
cp "$work/small.bin" "$work/nginx/www/small.bin"
for project in ci public; do
    code=$(curl -sS -o /dev/null -w '%{http_code}' -H "PRIVATE-TOKEN: $token" --upload-file "$work/small.bin" \
        "$base/api/v4/projects/bench%2F$project/packages/generic/small/1.0.0/small.bin")
    [[ "$code" == 201 ]] || { echo "seed upload failed: $code" >&2; exit 1; }
done
auth_url="$base/api/v4/projects/bench%2Fci/packages/generic/small/1.0.0/small.bin"
anon_url="$base/api/v4/projects/bench%2Fpublic/packages/generic/small/1.0.0/small.bin"
cmp -s <(curl -sS -H "PRIVATE-TOKEN: $dev_token" "$auth_url") "$work/small.bin" || { echo "authenticated GET differs" >&2; exit 1; }
cmp -s <(curl -sS "$anon_url") "$work/small.bin" || { echo "anonymous GET differs" >&2; exit 1; }
cmp -s <(curl -sS "$nginx_base/small.bin") "$work/small.bin" || { echo "nginx GET differs" >&2; exit 1; }
[[ "$(curl -s -o /dev/null -w '%{http_code}' "$auth_url")" == 401 ]] || { echo "the private file is readable anonymously" >&2; exit 1; }

lua=bench/wrk
# run_wrk NAME wrk-arguments...: sets $rate (requests per second) and $cpu (microseconds of CPU per request of the
# server measured, registry or nginx, whichever NAME ends in); stops the benchmark on any error.
run_wrk() {
    local name=$1; shift
    local before after requests
    if [[ "$name" == *nginx ]]; then before=$(nginx_cpu_ticks); else before=$(cpu_ticks "$server_pid"); fi
    wrk "${wrk_args[@]}" "$@" >"$work/$name.out" 2>"$work/$name.err" || { cat "$work/$name.out" "$work/$name.err" >&2; exit 1; }
    if [[ "$name" == *nginx ]]; then after=$(nginx_cpu_ticks); else after=$(cpu_ticks "$server_pid"); fi
    if [[ -s "$work/$name.err" ]]; then cat "$work/$name.out" "$work/$name.err" >&2; exit 1; fi
    wrk_check "$work/$name.out" || exit 1
    rate=$(wrk_rate "$work/$name.out")
    requests=$(awk '/requests in/ { print $1 }' "$work/$name.out")
    cpu=$(us_per_request $(( after - before )) "$requests")
}

say "warming up"
AUTH_HEADER="PRIVATE-TOKEN: $dev_token" wrk -t2 -c8 -d2s -s "$lua/get-auth.lua" "$auth_url" >/dev/null
wrk -t2 -c8 -d1s "$nginx_base/small.bin" >/dev/null
# The upload path JIT-compiles about 10,000 methods in its first 10 s of load (the GETs' warm-up does not reach it):
# without this the first PUT rounds measured the compiler, at 12-14 ms of CPU per upload instead of 3.
BODY_FILE="$work/small.bin" PUT_PREFIX="/api/v4/projects/bench%2Fci/packages/generic/warm/1.0.0/" \
    AUTH_HEADER="PRIVATE-TOKEN: $dev_token" RUN=warm wrk -t2 -c32 -d"${PUT_WARMUP:-40s}" --timeout 20s -s "$lua/put-new.lua" "$base" >"$work/put-warm.out"
wrk_check "$work/put-warm.out" || exit 1
put_count=$(awk '/requests in/ { print $1 }' "$work/put-warm.out")

declare -a get_auth get_anon get_nginx put_reg put_nginx r_get r_anon r_put cpu_get_auth cpu_get_anon cpu_get_nginx cpu_put_reg cpu_put_nginx
for round in $(seq 1 "$rounds"); do
    say "round $round of $rounds"
    run_wrk get-nginx "$nginx_base/small.bin"; get_nginx+=("$rate"); cpu_get_nginx+=("$cpu")
    AUTH_HEADER="PRIVATE-TOKEN: $dev_token" run_wrk get-auth -s "$lua/get-auth.lua" "$auth_url"; get_auth+=("$rate"); cpu_get_auth+=("$cpu")
    run_wrk get-anon "$anon_url"; get_anon+=("$rate"); cpu_get_anon+=("$cpu")
    BODY_FILE="$work/small.bin" PUT_PREFIX=/dav/small/ RUN="$round" run_wrk put-nginx -s "$lua/put-new.lua" "$nginx_base"
    put_nginx+=("$rate"); cpu_put_nginx+=("$cpu")
    BODY_FILE="$work/small.bin" PUT_PREFIX="/api/v4/projects/bench%2Fci/packages/generic/put/1.0.$round/" \
        AUTH_HEADER="PRIVATE-TOKEN: $dev_token" RUN="$round" run_wrk put-registry -s "$lua/put-new.lua" "$base"
    put_reg+=("$rate"); cpu_put_reg+=("$cpu")
    put_count=$(( ${put_count:-0} + $(awk '/requests in/ { print $1 }' "$work/put-registry.out") ))
    r_get+=("$(ratio "${get_auth[-1]}" "${get_nginx[-1]}")")
    r_anon+=("$(ratio "${get_anon[-1]}" "${get_nginx[-1]}")")
    r_put+=("$(ratio "${put_reg[-1]}" "${put_nginx[-1]}")")
    printf '   GET auth %s, anon %s, nginx %s req/s (%s, %s); PUT %s, nginx %s req/s (%s)\n' \
        "${get_auth[-1]}" "${get_anon[-1]}" "${get_nginx[-1]}" "${r_get[-1]}" "${r_anon[-1]}" "${put_reg[-1]}" "${put_nginx[-1]}" "${r_put[-1]}"
done

# Every PUT wrk counted was answered 201 (wrk_check): each must be a row now.
db_files=$(echo 'SELECT count(*) FROM "PackageFiles";' | db_exec | tr -d ' ')
m() { echo "$*" | median; }
echo
echo "backend                  : $backend (wrk ${wrk_args[*]}, median of $rounds)"
echo "GET 1 KiB authenticated  : $(m "${get_auth[*]}") req/s   ratio to nginx $(m "${r_get[*]}")   CPU $(m "${cpu_get_auth[*]}") us/request"
echo "GET 1 KiB anonymous      : $(m "${get_anon[*]}") req/s   ratio to nginx $(m "${r_anon[*]}")   CPU $(m "${cpu_get_anon[*]}") us/request"
echo "GET 1 KiB nginx          : $(m "${get_nginx[*]}") req/s   CPU $(m "${cpu_get_nginx[*]}") us/request"
echo "PUT 1 KiB new names      : $(m "${put_reg[*]}") req/s   ratio to nginx $(m "${r_put[*]}")   CPU $(m "${cpu_put_reg[*]}") us/request"
echo "PUT 1 KiB nginx WebDAV   : $(m "${put_nginx[*]}") req/s   CPU $(m "${cpu_put_nginx[*]}") us/request"
echo "server peak RSS          : $(( $(rss_kb VmHWM) / 1024 )) MB"
echo "PUTs acknowledged / rows : $put_count / $(( db_files - 2 ))"
if grep -qiE 'fail|exception' "$work/server.log"; then echo "server log:"; tail -n 40 "$work/server.log"; fi
(( db_files - 2 >= put_count )) || { echo "FAIL: fewer rows than acknowledged uploads"; exit 1; }
