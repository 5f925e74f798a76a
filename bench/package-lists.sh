#!/usr/bin/env bash
# Package-list benchmark (not a test): seeds PACKAGES (default 100,000) packages of one file each into one project
# (bench/seed-packages.sh: bulk SQL into the database the server created), then asks each list a UI or script runs
# over and over, one request at a time (wrk -t1 -c1), and prints p50/p95/p99 in milliseconds. A developer's token
# (not an administrator's) asks, as a CI job or a person would.
#
#   bench/package-lists.sh            DURATION (per list, default 5s); ROUNDS=N (default 3) prints the medians
#
# Environment: BACKEND=postgres-s3 and bench/lib.sh's ports.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/seed-packages.sh"
packages=${PACKAGES:-100000}
duration=${DURATION:-5s}
rounds=${ROUNDS:-3}

ensure_tools
build_release
start_backend
start_server
create_projects
dev_token=$(create_developer_token)
seed_packages "$packages"

rest="$base/api/v4/projects/bench%2Fci/packages"
files='packageFiles { nodes { id fileName size fileSha256 downloadPath } }'
fields="id name version status createdAt packageType $files"
page1=$(printf '{"query":"{ project(fullPath: \\"bench/ci\\") { packages(first: 20) { count nodes { %s } pageInfo { endCursor hasNextPage } } } }"}' "$fields")
cursor=$(curl -sS -H "PRIVATE-TOKEN: $dev_token" -H 'Content-Type: application/json' --data "$page1" "$base/api/graphql" \
    | grep -oE '"endCursor":"[^"]+"' | cut -d'"' -f4)
[[ -n "$cursor" ]] || { echo "no cursor from the first GraphQL page" >&2; exit 1; }
page2=$(printf '{"query":"{ project(fullPath: \\"bench/ci\\") { packages(first: 20, after: \\"%s\\") { count nodes { %s } pageInfo { endCursor hasNextPage } } } }"}' "$cursor" "$fields")
group=$(printf '{"query":"{ group(fullPath: \\"bench\\") { packages(first: 20) { count nodes { %s project { fullPath } } pageInfo { endCursor hasNextPage } } } }"}' "$fields")

# name, method, URL, body, what a correct answer contains
lists=(
    "REST page 1 (created_at)|GET|$rest||\"name\":\"component-"
    "REST page 2000|GET|$rest?page=2000||\"name\":\"component-"
    "REST order_by=version|GET|$rest?order_by=version&sort=desc||\"name\":\"component-"
    "REST package_name filter|GET|$rest?package_name=component-42||\"name\":\"component-42"
    "GraphQL first 20 + files|POST|$base/api/graphql|$page1|\"fileName\":\"artifact.tar.gz\""
    "GraphQL next cursor page|POST|$base/api/graphql|$page2|\"fileName\":\"artifact.tar.gz\""
    "GraphQL group.packages|POST|$base/api/graphql|$group|\"fullPath\":\"bench/ci\""
)

say "checking each list once"
for entry in "${lists[@]}"; do
    IFS='|' read -r name method url body expect <<<"$entry"
    args=(-sS -H "PRIVATE-TOKEN: $dev_token" -D "$work/headers" -o "$work/body" -w '%{http_code}')
    [[ "$method" == POST ]] && args+=(-H 'Content-Type: application/json' --data "$body")
    code=$(curl "${args[@]}" "$url")
    if [[ "$code" != 200 ]] || ! grep -qF "$expect" "$work/body" || grep -q '"errors":\[{' "$work/body"; then
        echo "$name: HTTP $code $(head -c 400 "$work/body")" >&2; exit 1
    fi
    total=$(awk 'tolower($1) == "x-total:" { print $2 }' "$work/headers" | tr -d '\r')
    count=$(grep -oE '"count":[0-9]+' "$work/body" | head -n1 | cut -d: -f2 || true)
    printf '   %-28s ok (%s)\n' "$name" "${total:+X-Total $total}${count:+count $count}"
done

# A long-running server's figures: the JIT first runs new code unoptimised and re-compiles what is hot on a
# background thread, whose CPU the first seconds of each list would otherwise carry.
say "warming up (WARMUP=${WARMUP:-2s} per list)"
for entry in "${lists[@]}"; do
    IFS='|' read -r name method url body expect <<<"$entry"
    METHOD=$method BODY=$body AUTH_HEADER="PRIVATE-TOKEN: $dev_token" \
        wrk -t1 -c1 -d"${WARMUP:-2s}" --timeout 30s -s bench/wrk/latency.lua "$url" >/dev/null
done

declare -A p50s p95s cpus
for round in $(seq 1 "$rounds"); do
    say "round $round of $rounds"
    for entry in "${lists[@]}"; do
        IFS='|' read -r name method url body expect <<<"$entry"
        ticks=$(cpu_ticks "$server_pid")
        line=$(METHOD=$method BODY=$body AUTH_HEADER="PRIVATE-TOKEN: $dev_token" \
            wrk -t1 -c1 -d"$duration" --timeout 30s -s bench/wrk/latency.lua "$url" | tail -n 1)
        read -r _ p50 _ p95 _ p99 _ n _ errors <<<"$line"
        cpu=$(us_per_request $(( $(cpu_ticks "$server_pid") - ticks )) "$n")
        cpus[$name]+=" $cpu"
        [[ "$errors" == 0 ]] || { echo "$name: $errors errors" >&2; exit 1; }
        p50s[$name]+=" $p50"; p95s[$name]+=" $p95"
        printf '   %-28s p50 %7.2f ms  p95 %7.2f ms  p99 %7.2f ms  (%s requests, server CPU %s us each)\n' "$name" "$p50" "$p95" "$p99" "$n" "$cpu"
    done
done

echo
echo "backend: $backend, $packages packages in one project, wrk -t1 -c1 -d$duration, median of $rounds rounds"
worst=0
for entry in "${lists[@]}"; do
    IFS='|' read -r name _ <<<"$entry"
    p95=$(echo "${p95s[$name]}" | median)
    printf '%-28s p50 %7.2f ms  p95 %7.2f ms  server CPU %6.0f us/request\n' "$name" "$(echo "${p50s[$name]}" | median)" "$p95" "$(echo "${cpus[$name]}" | median)"
    worst=$(awk -v a="$worst" -v b="$p95" 'BEGIN { print (b > a ? b : a) }')
done
echo "worst p95: $worst ms (target: under 20 ms)"
echo "server peak RSS: $(( $(rss_kb VmHWM) / 1024 )) MB"
