# Shared by the benchmarks in bench/ (sourced, not run). Each benchmark builds the server in Release, runs it on
# 127.0.0.1 with a throw-away data folder (and its own PostgreSQL and s3rver with BACKEND=postgres-s3), runs nginx
# beside it where nginx has an equivalent, prints figures and stops everything it started.
#
# Ports (override when they collide; all below Linux's ephemeral range 32768-60999, where an outgoing connection can hold
# one for a while and a listener then fails to bind): BENCH_PORT (registry, 28101), BENCH_NGINX_PORT (28102), BENCH_S3_PORT (28103),
# BENCH_PG_PORT (28532, below the ephemeral range). KEEP=1 keeps the temporary folder.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
backend=${BACKEND:-sqlite-files}
case "$backend" in sqlite-files|postgres-s3) ;; *) echo "BACKEND must be sqlite-files or postgres-s3" >&2; exit 2 ;; esac
port=${BENCH_PORT:-28101}
nginx_port=${BENCH_NGINX_PORT:-28102}
s3_port=${BENCH_S3_PORT:-28103}
pg_port=${BENCH_PG_PORT:-28532}
token="bench-root-token-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
base="http://127.0.0.1:$port"
nginx_base="http://127.0.0.1:$nginx_port"
work=$(mktemp -d "${TMPDIR:-/tmp}/registry-bench.XXXXXX")
chmod 755 "$work"
server_pid="" nginx_started="" s3_pid="" pg_started="" sampler_pid=""
pg_run=(); [[ "$(id -u)" == 0 ]] && pg_run=(runuser -u postgres --)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)

bench_cleanup() {
    [[ -n "$sampler_pid" ]] && kill "$sampler_pid" 2>/dev/null || true
    stop_server
    if [[ -n "$nginx_started" ]]; then
        local nginx_pid; nginx_pid=$(cat "$work/nginx/nginx.pid" 2>/dev/null || true)
        nginx -p "$work/nginx" -c nginx.conf -s stop 2>/dev/null || true
        # The stop is a signal: wait for the master to go, or the next benchmark finds the port taken.
        for _ in $(seq 50); do [[ -n "$nginx_pid" ]] && kill -0 "$nginx_pid" 2>/dev/null || break; sleep 0.1; done
    fi
    if [[ -n "$s3_pid" ]]; then kill "$s3_pid" 2>/dev/null || true; wait "$s3_pid" 2>/dev/null || true; fi
    [[ -n "$pg_started" ]] && "${pg_run[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
    if [[ "${KEEP:-0}" != 1 ]]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap bench_cleanup EXIT INT TERM

say() { echo "== $*" >&2; }

# Debian's nginx-light, wrk, sqlite3 (and postgresql for BACKEND=postgres-s3) when missing; s3rver from npm ci.
ensure_tools() {
    local missing=()
    command -v nginx >/dev/null || missing+=(nginx-light)
    command -v wrk >/dev/null || missing+=(wrk)
    command -v sqlite3 >/dev/null || missing+=(sqlite3)
    [[ "$backend" == postgres-s3 && -z "$pg_bin" ]] && missing+=(postgresql)
    if (( ${#missing[@]} )); then
        say "installing ${missing[*]}"
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
        pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    fi
    if [[ "$backend" == postgres-s3 && ! -x node_modules/.bin/s3rver ]]; then
        say "npm ci (s3rver)"; npm ci --no-audit --no-fund --loglevel=error >/dev/null
    fi
}

# BENCH_BIN=<folder> runs a server already built there (dotnet build -c Release -o <folder>) instead of building.
build_release() {
    if [[ -n "${BENCH_BIN:-}" ]]; then ln -s "$(realpath "$BENCH_BIN")" "$work/bin"; return 0; fi
    say "building (Release)"
    dotnet build src/Registry.Server -c Release -o "$work/bin" -v quiet -nologo >"$work/build.log" 2>&1 \
        || { cat "$work/build.log"; exit 1; }
}

# PostgreSQL and s3rver for BACKEND=postgres-s3 (PostgreSQL keeps fsync on: its commits are part of what is measured).
start_backend() {
    backend_args=()
    [[ "$backend" == postgres-s3 ]] || return 0
    say "starting PostgreSQL on 127.0.0.1:$pg_port and s3rver on 127.0.0.1:$s3_port"
    mkdir -p "$work/pg" "$work/s3"
    [[ "$(id -u)" == 0 ]] && chown postgres "$work/pg"
    "${pg_run[@]}" "$pg_bin/initdb" -D "$work/pg" -U registry --auth=trust -E UTF8 >/dev/null
    "${pg_run[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" \
        -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=200" -w start >/dev/null
    pg_started=1
    node_modules/.bin/s3rver --directory "$work/s3" --address 127.0.0.1 --port "$s3_port" --silent >"$work/s3rver.log" 2>&1 &
    s3_pid=$!
    for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$s3_port/" && break; sleep 0.2; done
    curl -s -o /dev/null "http://127.0.0.1:$s3_port/" || { cat "$work/s3rver.log"; echo "s3rver did not start" >&2; exit 1; }
    backend_args=(
        --Registry:Database:Provider=Postgres
        "--ConnectionStrings:Registry=Host=127.0.0.1;Port=$pg_port;Username=registry;Database=postgres;Maximum Pool Size=100"
        --Registry:Storage:Provider=S3
        --Registry:Storage:S3:ServiceUrl="http://127.0.0.1:$s3_port"
        --Registry:Storage:S3:AccessKey=S3RVER --Registry:Storage:S3:SecretKey=S3RVER
        --Registry:Storage:S3:Bucket=registry-bench --Registry:Storage:S3:CreateBucket=true
    )
}

# psql / sqlite3 on the server's database, reading SQL from stdin.
db_exec() {
    if [[ "$backend" == postgres-s3 ]]; then
        "$pg_bin/psql" -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U registry -d postgres -X -A -t
    else
        sqlite3 -bail "$work/data/registry.db"
    fi
}

# The server runs the dll directly so $server_pid is the server itself. SERVER_ENV="VAR=value ..." and SERVER_ARGS
# reach the server alone.
start_server() {
    say "starting the server ($backend) on $base"
    mkdir -p "$work/data"
    env ${SERVER_ENV:-} dotnet "$work/bin/Registry.Server.dll" \
        --urls "$base" \
        --Registry:DataPath="$work/data" \
        --Registry:RootToken="$token" \
        --Registry:MaxFileSize=0 \
        --Logging:LogLevel:Default=Warning \
        --Logging:LogLevel:Microsoft.Hosting.Lifetime=Information \
        "${backend_args[@]}" ${SERVER_ARGS:-} \
        >>"$work/server.log" 2>&1 &
    server_pid=$!
    wait_listening "$server_pid" "$work/server.log" "server (port $port)"
}

# wait_listening PID LOG WHAT: returns once the server PID says in LOG that it listens; exits with its log if it
# stops or is not listening within a minute.
wait_listening() {
    local pid=$1 log=$2 what=$3
    for _ in $(seq 1 600); do
        grep -q 'Now listening on' "$log" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "the $what exited during start-up (port taken?)" >&2; exit 1; }
        sleep 0.1
    done
    cat "$log"; echo "the $what did not start" >&2; exit 1
}

stop_server() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    server_pid=""
}

# nginx serving $work/nginx/www: static files with sendfile, and WebDAV PUT under /dav/. Two workers, like the two cores.
start_nginx() {
    say "starting nginx on $nginx_base"
    mkdir -p "$work/nginx/www/dav" "$work/nginx/tmp" "$work/nginx/logs"
    local user_line=""; [[ "$(id -u)" == 0 ]] && user_line="user root;"
    cat >"$work/nginx/nginx.conf" <<EOF
$user_line
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_max_body_size 0;
    client_body_temp_path $work/nginx/tmp;
    proxy_temp_path $work/nginx/tmp; fastcgi_temp_path $work/nginx/tmp; uwsgi_temp_path $work/nginx/tmp; scgi_temp_path $work/nginx/tmp;
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:$nginx_port;
        root $work/nginx/www;
        location /dav/ { dav_methods PUT; create_full_put_path on; dav_access user:rw group:r all:r; }
    }
}
EOF
    nginx -p "$work/nginx" -c nginx.conf -e "$work/nginx/logs/error.log"
    nginx_started=1
    for _ in $(seq 50); do curl -s -o /dev/null "$nginx_base/" && return 0; sleep 0.1; done
    echo "nginx did not start" >&2; exit 1
}

graphql() {
    local response
    response=$(curl -sS --fail-with-body -H "PRIVATE-TOKEN: $token" -H 'Content-Type: application/json' \
        --data "$1" "$base/api/graphql")
    if grep -q '"errors":\[{' <<<"$response"; then echo "GraphQL failed: $response" >&2; exit 1; fi
    printf '%s' "$response"
}

# A group, a project ($project, "bench/<name>") and, for anonymous reads, a public one ("bench/public").
create_projects() {
    graphql '{"query":"mutation { createGroup(input: {path: \"bench\", visibility: PUBLIC}) { errors } }"}' >/dev/null
    graphql '{"query":"mutation { createProject(input: {namespacePath: \"bench\", path: \"ci\", visibility: PRIVATE}) { errors } }"}' >/dev/null
    graphql '{"query":"mutation { createProject(input: {namespacePath: \"bench\", path: \"public\", visibility: PUBLIC}) { errors } }"}' >/dev/null
}

# A developer with a personal access token (not an administrator, whose checks are shorter): prints the token.
create_developer_token() {
    graphql '{"query":"mutation { createUser(input: {username: \"ci\"}) { errors } }"}' >/dev/null
    graphql '{"query":"mutation { addGroupMember(input: {groupPath: \"bench\", username: \"ci\", accessLevel: DEVELOPER}) { errors } }"}' >/dev/null
    graphql '{"query":"mutation { createPersonalAccessToken(input: {username: \"ci\", name: \"bench\", scopes: [API]}) { token errors } }"}' \
        | grep -oE '"token":"[^"]+"' | cut -d'"' -f4
}

rss_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$server_pid/status"; }

# wrk's requests per second from its output file.
wrk_rate() { awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$1"; }

# Fails when wrk saw errors or responses other than the expected status (wrk counts only non-2xx/3xx itself).
wrk_check() {
    local out=$1
    if grep -qE 'Non-2xx or 3xx responses|Socket errors' "$out"; then
        echo "wrk reported errors:" >&2; cat "$out" >&2; return 1
    fi
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# CPU time (user + system, in clock ticks) a process and its children threads used so far; nginx counts its workers.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
nginx_cpu_ticks() {
    local master total=0 pid
    master=$(cat "$work/nginx/nginx.pid")
    for pid in $master $(pgrep -P "$master"); do total=$(( total + $(cpu_ticks "$pid") )); done
    echo "$total"
}
clk_tck=$(getconf CLK_TCK)
# Microseconds of CPU per request from a tick difference and a request count: load from other processes on the
# machine changes rates a lot, CPU per request much less.
us_per_request() { awk -v t="$1" -v n="$2" -v hz="$clk_tck" 'BEGIN { printf "%.0f", (n > 0 ? t * 1e6 / hz / n : 0) }'; }
