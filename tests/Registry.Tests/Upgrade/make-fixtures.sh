#!/usr/bin/env bash
# Makes the upgrade fixtures: the data an older build of the registry leaves behind, which UpgradeTests start the
# current build on. Not run by the suite; run it by hand when an older layout should be kept as a fixture.
#
#   tests/Registry.Tests/Upgrade/make-fixtures.sh <folder of an older build's Registry.Server.dll> <label>
#
# e.g. build main with `git archive main | tar -x -C /tmp/main-src && dotnet build /tmp/main-src/src/Registry.Server`,
# then pass /tmp/main-src/src/Registry.Server/bin/Debug/net10.0 and the label `main-d544b3f`.
#
# Writes, next to this script, <label>-sqlite.tar.gz (the whole data folder: SQLite database and file blobs),
# <label>-postgres.sql (pg_dump --inserts of a PostgreSQL database the build created) and <label>-postgres-blobs.tar.gz
# (that instance's blobs, written by the file-system store; the test puts them into S3 under the same keys).
# The data set (publish.sh below) has duplicate contents across versions and within a package, a file in a folder,
# a hidden package, a destroyed package and a destroyed file.
set -euo pipefail
build=${1:?folder of the older build}
label=${2:?label, e.g. main-d544b3f}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/registry-fixtures.XXXXXX)
chmod 755 "$work"
token=fixture-root-token-0123456789
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_port=${FIXTURE_PG_PORT:-25832}
pg_run=(); [[ "$(id -u)" == 0 ]] && pg_run=(runuser -u postgres --)
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
  "${pg_run[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

start() { # data folder, extra args...
  local data=$1; shift
  dotnet "$build/Registry.Server.dll" --urls http://127.0.0.1:25831 --Registry:DataPath="$data" \
    --Registry:RootToken=$token --Logging:LogLevel:Default=Warning "$@" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do curl -sf -o /dev/null http://127.0.0.1:25831/-/liveness 2>/dev/null && return 0
    curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:25831/api/v4/projects/1/packages 2>/dev/null | grep -qv 000 && return 0; sleep 0.3; done
  cat "$work/server.log"; exit 1
}
stop() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }

publish() {
  local R=http://127.0.0.1:25831
  gql() { curl -sf -H "PRIVATE-TOKEN: $token" -H 'Content-Type: application/json' "$R/api/graphql" -d "$1" >/dev/null; }
  put() { curl -sf -H "PRIVATE-TOKEN: $token" --upload-file "$1" "$R/api/v4/projects/fixtures%2Fapp/packages/generic/$2" >/dev/null; }
  gql '{"query":"mutation { createGroup(input: {path: \"fixtures\"}) { errors } }"}'
  gql '{"query":"mutation { createProject(input: {namespacePath: \"fixtures\", path: \"app\"}) { errors } }"}'
  head -c 30000 /dev/urandom >"$work/big.bin"
  printf 'same bytes in every nightly\n' >"$work/same.txt"
  for v in 1.0.0 1.1.0 1.2.0 2.0.0-rc.1 nightly; do put "$work/same.txt" "tool/$v/notes.txt"; done
  for v in 1.0.0 1.1.0; do put "$work/big.bin" "tool/$v/tool.bin"; done
  head -c 1000 /dev/urandom >"$work/a.bin"; put "$work/a.bin" "tool/1.2.0/linux/amd64/tool"
  head -c 1000 /dev/urandom >"$work/b.bin"; put "$work/b.bin" "tool/1.2.0/tool.bin"
  put "$work/b.bin" "tool/1.2.0/tool.bin"                       # the same name twice, same bytes
  head -c 700 /dev/urandom >"$work/c.bin"; put "$work/c.bin" "tool/1.2.0/tool.bin"  # and a newer one
  head -c 500 /dev/urandom >"$work/h.bin"; put "$work/h.bin" "secret/0.1/h.bin?status=hidden"
  head -c 400 /dev/urandom >"$work/d.bin"; put "$work/d.bin" "gone/1.0/d.bin"
  curl -sf -X DELETE -H "PRIVATE-TOKEN: $token" "$R/api/v4/projects/fixtures%2Fapp/packages/generic/gone/1.0" >/dev/null
  head -c 300 /dev/urandom >"$work/e.bin"; put "$work/e.bin" "tool/1.1.0/extra.bin"
  curl -sf -X DELETE -H "PRIVATE-TOKEN: $token" "$R/api/v4/projects/fixtures%2Fapp/packages/generic/tool/1.1.0/extra.bin" >/dev/null
  sleep 2 # the sweep removes destroyed files soon after each deletion
}

echo "== SQLite + files"
start "$work/sqlite"
publish
stop
tar -C "$work/sqlite" -czf "$here/$label-sqlite.tar.gz" .

echo "== PostgreSQL + files"
mkdir -p "$work/pg"; [[ "$(id -u)" == 0 ]] && chown postgres "$work/pg"
"${pg_run[@]}" "$pg_bin/initdb" -D "$work/pg" -U registry --auth=trust -E UTF8 >/dev/null
"${pg_run[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1" -w start >/dev/null
"$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U registry fixture
start "$work/pgdata" --Registry:Database:Provider=Postgres "--ConnectionStrings:Registry=Host=127.0.0.1;Port=$pg_port;Username=registry;Database=fixture"
publish
stop
"$pg_bin/pg_dump" -h 127.0.0.1 -p "$pg_port" -U registry --inserts --no-owner --no-privileges fixture \
  | grep -v '^\\' >"$here/$label-postgres.sql"
tar -C "$work/pgdata/blobs" -czf "$here/$label-postgres-blobs.tar.gz" files
ls -l "$here"/"$label"*
