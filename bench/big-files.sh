#!/usr/bin/env bash
# Big-file benchmark (not a test): curl PUTs and GETs one generated file to the registry and to nginx (WebDAV PUT,
# static GET with sendfile) in the same run, checks the registry's copy (SHA-256 and X-Checksum-SHA256) and prints
# MB/s, the ratios and the server's memory: idle, peak after each round (each round is a new version, so a leak shows
# as a rising peak) and overall. Fails when the peak reaches MAX_RSS_MB (default 200; the target holds for any size).
#
#   bench/big-files.sh [size]         size in bytes or with an IEC suffix; default 1G. ROUNDS=N (default 3): medians.
#
# Environment: BACKEND=postgres-s3, SERVER_ENV/SERVER_ARGS and bench/lib.sh's ports; HOLD=N keeps the server up N
# seconds at the end (to attach dotnet-counters or dotnet-gcdump).
source "$(dirname "$0")/lib.sh"
size_arg=${1:-1G}
size=$(numfmt --from=iec "$size_arg")
rounds=${ROUNDS:-3}
max_rss_mb=${MAX_RSS_MB:-200}

ensure_tools
build_release
start_backend
start_server
start_nginx
create_projects
idle_kb=$(rss_kb VmRSS)

say "generating $size bytes"
head -c "$size" /dev/urandom >"$work/payload.bin"
expected=$(sha256sum "$work/payload.bin" | cut -d' ' -f1)

mbps() { awk -v b="$size" -v t="$1" 'BEGIN { printf "%.0f", (t > 0 ? b / t / 1e6 : 0) }'; }
declare -a put_reg put_nginx get_reg get_nginx r_put r_get round_peaks
for round in $(seq 1 "$rounds"); do
    say "round $round of $rounds"
    url="$base/api/v4/projects/bench%2Fci/packages/generic/big/1.0.$round/payload.bin"
    read -r code t < <(curl -sS -o "$work/put.json" -w '%{http_code} %{time_total}\n' -H "PRIVATE-TOKEN: $token" \
        --upload-file "$work/payload.bin" "$url")
    [[ "$code" == 201 ]] || { echo "registry PUT: HTTP $code $(cat "$work/put.json")" >&2; exit 1; }
    put_reg+=("$(mbps "$t")")
    read -r code t < <(curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' --upload-file "$work/payload.bin" \
        "$nginx_base/dav/big-$round.bin")
    [[ "$code" == 201 ]] || { echo "nginx PUT: HTTP $code" >&2; exit 1; }
    put_nginx+=("$(mbps "$t")")

    read -r code t < <(curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' -H "PRIVATE-TOKEN: $token" "$url")
    [[ "$code" == 200 ]] || { echo "registry GET: HTTP $code" >&2; exit 1; }
    get_reg+=("$(mbps "$t")")
    read -r code t < <(curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' "$nginx_base/dav/big-$round.bin")
    [[ "$code" == 200 ]] || { echo "nginx GET: HTTP $code" >&2; exit 1; }
    get_nginx+=("$(mbps "$t")")
    r_put+=("$(ratio "${put_reg[-1]}" "${put_nginx[-1]}")")
    r_get+=("$(ratio "${get_reg[-1]}" "${get_nginx[-1]}")")
    round_peaks+=("$(( $(rss_kb VmHWM) / 1024 ))")
    printf '   PUT %s MB/s, nginx %s (%s); GET %s MB/s, nginx %s (%s)\n' \
        "${put_reg[-1]}" "${put_nginx[-1]}" "${r_put[-1]}" "${get_reg[-1]}" "${get_nginx[-1]}" "${r_get[-1]}"
    # Keep the disk from filling with copies: the registry's blob stays (it is checked below), nginx's goes.
    rm -f "$work/nginx/www/dav/big-$round.bin"
done
actual=$(curl -sS -D "$work/get.headers" -H "PRIVATE-TOKEN: $token" "$url" | sha256sum | cut -d' ' -f1)
header=$(awk 'tolower($1) == "x-checksum-sha256:" { print $2 }' "$work/get.headers" | tr -d '\r')
[[ "$actual" == "$expected" ]] || { echo "FAIL: the registry's copy differs" >&2; exit 1; }
[[ "$header" == "$expected" ]] || { echo "FAIL: X-Checksum-SHA256 '$header' differs" >&2; exit 1; }
[[ -n "${HOLD:-}" ]] && { say "holding the server (pid $server_pid) for ${HOLD}s"; sleep "$HOLD"; }
peak_kb=$(rss_kb VmHWM)

m() { echo "$*" | median; }
echo
echo "backend             : $backend, $size_arg, median of $rounds"
echo "PUT registry        : $(m "${put_reg[*]}") MB/s   ratio to nginx $(m "${r_put[*]}")"
echo "PUT nginx WebDAV    : $(m "${put_nginx[*]}") MB/s"
echo "GET registry        : $(m "${get_reg[*]}") MB/s   ratio to nginx $(m "${r_get[*]}")"
echo "GET nginx sendfile  : $(m "${get_nginx[*]}") MB/s"
echo "server RSS idle     : $(( idle_kb / 1024 )) MB"
echo "peak after round    : ${round_peaks[*]} MB"
echo "server peak RSS     : $(( peak_kb / 1024 )) MB (VmHWM)"
if (( peak_kb / 1024 >= max_rss_mb )); then echo "FAIL: peak RSS over $max_rss_mb MB"; exit 1; fi
echo OK
