#!/usr/bin/env bash
# Resumable-upload benchmark (not a test): one file by tus (POST, then PATCHes of CHUNK bytes, default 8 MiB, over
# one kept-alive connection: curl --next) against the same file by one PUT, in the same run, on the same server.
# Prints MB/s of each and the ratio tus/PUT (issue 25's target: at least 0.8), and checks both copies' SHA-256.
#
#   bench/tus-upload.sh [size]        size in bytes or with an IEC suffix; default 1G. CHUNK=8M.
#
# Environment: BACKEND=postgres-s3 and bench/lib.sh's ports.
source "$(dirname "$0")/lib.sh"
size_arg=${1:-1G}
size=$(numfmt --from=iec "$size_arg")
chunk=$(numfmt --from=iec "${CHUNK:-8M}")

ensure_tools
build_release
start_backend
start_server
create_projects

say "generating $size bytes in chunks of $chunk"
head -c "$size" /dev/urandom >"$work/payload.bin"
expected=$(sha256sum "$work/payload.bin" | cut -d' ' -f1)
mkdir -p "$work/chunks"
split -b "$chunk" -d -a 5 "$work/payload.bin" "$work/chunks/c"

mbps() { awk -v b="$size" -v t="$1" 'BEGIN { printf "%.0f", (t > 0 ? b / t / 1e6 : 0) }'; }
now() { date +%s.%N; }

say "PUT"
start=$(now)
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "PRIVATE-TOKEN: $token" --upload-file "$work/payload.bin" \
    "$base/api/v4/projects/bench%2Fci/packages/generic/big/1.0.0/put.bin")
put_s=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')
[[ "$code" == 201 ]] || { echo "PUT: HTTP $code" >&2; exit 1; }

say "tus: POST, then $(ls "$work/chunks" | wc -l) PATCHes"
start=$(now)
location=$(curl -sS -D - -o /dev/null -X POST -H "PRIVATE-TOKEN: $token" -H 'Tus-Resumable: 1.0.0' -H "Upload-Length: $size" \
    "$base/api/v4/projects/bench%2Fci/packages/generic/big/1.0.0/tus.bin" | awk 'tolower($1) == "location:" { print $2 }' | tr -d '\r')
[[ -n "$location" ]] || { echo "tus POST gave no Location" >&2; exit 1; }
offset=0
: >"$work/patches.cfg"
for f in "$work"/chunks/c*; do
    n=$(stat -c %s "$f")
    [[ $offset -gt 0 ]] && echo "next" >>"$work/patches.cfg"
    cat >>"$work/patches.cfg" <<CFG
url = "$location"
request = "PATCH"
header = "PRIVATE-TOKEN: $token"
header = "Tus-Resumable: 1.0.0"
header = "Upload-Offset: $offset"
header = "Content-Type: application/offset+octet-stream"
data-binary = "@$f"
output = "/dev/null"
write-out = "%{http_code}\n"
CFG
    offset=$((offset + n))
done
codes=$(curl -sS -K "$work/patches.cfg" | sort | uniq -c)
tus_s=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')
[[ "$(echo "$codes" | awk '{ print $2 }')" == 204 ]] || { echo "tus PATCH answers: $codes" >&2; exit 1; }

for f in put tus; do
    actual=$(curl -sS -H "PRIVATE-TOKEN: $token" "$base/api/v4/projects/bench%2Fci/packages/generic/big/1.0.0/$f.bin" | sha256sum | cut -d' ' -f1)
    [[ "$actual" == "$expected" ]] || { echo "FAIL: the $f copy differs" >&2; exit 1; }
done

echo
echo "backend        : $backend, $size_arg, tus in PATCHes of ${CHUNK:-8M}"
echo "PUT            : $(mbps "$put_s") MB/s ($put_s s)"
echo "tus            : $(mbps "$tus_s") MB/s ($tus_s s)"
echo "ratio tus/PUT  : $(ratio "$(mbps "$tus_s")" "$(mbps "$put_s")")"
