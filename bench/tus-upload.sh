#!/usr/bin/env bash
# Resumable-upload benchmark (not a test): one file by tus (POST, then PATCHes of CHUNK bytes, default 8 MiB, over
# one kept-alive connection: one curl, --next between requests) against the same file by one PUT, in the same run, on
# the same server. Prints MB/s and the server's CPU seconds per GiB of each, the ratio tus/PUT (issue 25's target: at
# least 0.8), and what a resumed upload costs: a third upload sends half its PATCHes, the server restarts, the rest
# follow, and the last PATCH (which publishes, reading the bytes once to hash them) is timed against the uninterrupted
# upload's last PATCH. Checks every copy's SHA-256.
#
#   bench/tus-upload.sh [size]        size in bytes or with an IEC suffix; default 1G. CHUNK=8M.
#
# The client sends each chunk as the PUT sends its file (--upload-file, streamed from a slice of the payload), and
# everything it needs is prepared before the clock starts: a curl --data-binary read each chunk into memory first,
# and a stat per chunk in the timed loop cost 2 s of 1 GiB's upload, making tus look half as fast as it is.
#
# Environment: BACKEND=postgres-s3 and bench/lib.sh's ports; WARMUP (default 2) uploads of each kind first.
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
chunks=("$work"/chunks/c*)
url="$base/api/v4/projects/bench%2Fci/packages/generic/big/1.0.0"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { print b - a }'; }
mbps() { awk -v b="$size" -v t="$1" 'BEGIN { printf "%.0f", (t > 0 ? b / t / 1e6 : 0) }'; }
cpu_per_gib() { awk -v t="$1" -v hz="$clk_tck" -v b="$size" 'BEGIN { printf "%.2f", t / hz * 1073741824 / b }'; }

# curl config of PATCHes first to last (indexes into chunks), the upload's URL left as @LOCATION@; each request's
# time goes to patch-times.
patch_config() {
    local first=$1 last=$2 i offset=$(( $1 * chunk ))
    for (( i = first; i <= last; i++ )); do
        (( i > first )) && echo "next"
        printf 'url = "@LOCATION@"\nrequest = "PATCH"\nheader = "PRIVATE-TOKEN: %s"\nheader = "Tus-Resumable: 1.0.0"\n' "$token"
        printf 'header = "Upload-Offset: %s"\nheader = "Content-Type: application/offset+octet-stream"\n' "$offset"
        printf 'upload-file = "%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code} %%{time_total}\\n"\n' "${chunks[i]}"
        offset=$(( offset + chunk ))
    done
}
create() {
    curl -sS -D - -o /dev/null -X POST -H "PRIVATE-TOKEN: $token" -H 'Tus-Resumable: 1.0.0' -H "Upload-Length: $size" \
        "$url/$1" | awk 'tolower($1) == "location:" { print $2 }' | tr -d '\r'
}
# Sends a prepared config for the upload at $1 (builtins only until curl starts); appends "code seconds" lines to $2.
send_patches() {
    printf '%s' "${3//@LOCATION@/$1}" >"$work/patches.cfg"
    curl -sS -K "$work/patches.cfg" >>"$2"
}
check_codes() { [[ "$(awk '{ print $1 }' "$1" | sort -u)" == 204 ]] || { echo "tus PATCH answers: $(awk '{ print $1 }' "$1" | sort | uniq -c)" >&2; exit 1; }; }
put() { curl -sS -o /dev/null -w '%{http_code}' -H "PRIVATE-TOKEN: $token" --upload-file "$work/payload.bin" "$url/$1"; }
tus() { # file name; whole upload
    local location; location=$(create "$1")
    [[ -n "$location" ]] || { echo "tus POST gave no Location" >&2; exit 1; }
    : >"$work/times"
    send_patches "$location" "$work/times" "$all_patches"
    check_codes "$work/times"
}

all_patches=$(patch_config 0 $(( ${#chunks[@]} - 1 )))
half=$(( ${#chunks[@]} / 2 ))
first_half=$(patch_config 0 $(( half - 1 )))
second_half=$(patch_config "$half" $(( ${#chunks[@]} - 1 )))

say "warm-up: ${WARMUP:-2} uploads of each kind"
for i in $(seq "${WARMUP:-2}"); do
    [[ "$(put "warm-$i.bin")" == 201 ]] || { echo "warm-up PUT failed" >&2; exit 1; }
    tus "warm-tus-$i.bin"
done

# ROUNDS (default 3) of one PUT then one tus upload, and their medians: single uploads of this size vary from one to
# the next (the first timed tus upload after the warm-up took 6.1-6.5 s where the next two took 4.6-4.8).
put_times=() put_cpus=() tus_times=() tus_cpus=() patch_medians=() last_patches=()
for r in $(seq "${ROUNDS:-3}"); do
    say "round $r: PUT, then tus (POST and ${#chunks[@]} PATCHes)"
    cpu=$(cpu_ticks "$server_pid"); start=$(now)
    code=$(put "put-$r.bin")
    put_times+=("$(elapsed "$start")"); put_cpus+=("$(( $(cpu_ticks "$server_pid") - cpu ))")
    [[ "$code" == 201 ]] || { echo "PUT: HTTP $code" >&2; exit 1; }
    cpu=$(cpu_ticks "$server_pid"); start=$(now)
    tus "tus-$r.bin"
    tus_times+=("$(elapsed "$start")"); tus_cpus+=("$(( $(cpu_ticks "$server_pid") - cpu ))")
    last_patches+=("$(tail -n 1 "$work/times" | awk '{ print $2 }')")
    patch_medians+=("$(head -n -1 "$work/times" | awk '{ print $2 }' | median)")
done
put_s=$(echo "${put_times[*]}" | median); put_cpu=$(echo "${put_cpus[*]}" | median)
tus_s=$(echo "${tus_times[*]}" | median); tus_cpu=$(echo "${tus_cpus[*]}" | median)
last_patch=$(echo "${last_patches[*]}" | median); median_patch=$(echo "${patch_medians[*]}" | median)
patch_stats=$(awk '{ s += $2; if ($2 > m) m = $2 } END { printf "last round: sum %.2f s, max %.3f s", s, m }' "$work/times")

say "tus resumed: $half PATCHes, a restart, then the rest"
location=$(create resumed.bin)
: >"$work/times"
send_patches "$location" "$work/times" "$first_half"
stop_server
: >"$work/server.log"
start_server
send_patches "$location" "$work/times" "$second_half"
check_codes "$work/times"
resumed_last=$(tail -n 1 "$work/times" | awk '{ print $2 }')

for f in put-1 tus-1 resumed; do
    actual=$(curl -sS -H "PRIVATE-TOKEN: $token" "$url/$f.bin" | sha256sum | cut -d' ' -f1)
    [[ "$actual" == "$expected" ]] || { echo "FAIL: the $f copy differs" >&2; exit 1; }
done

echo
echo "backend        : $backend, $size_arg, tus in PATCHes of ${CHUNK:-8M}"
echo "rounds         : ${ROUNDS:-3} (medians); PUT s: ${put_times[*]}; tus s: ${tus_times[*]}"
echo "PUT            : $(mbps "$put_s") MB/s ($put_s s), server CPU $(cpu_per_gib "$put_cpu") s/GiB"
echo "tus            : $(mbps "$tus_s") MB/s ($tus_s s), server CPU $(cpu_per_gib "$tus_cpu") s/GiB; PATCH median ${median_patch} s ($patch_stats)"
echo "ratio tus/PUT  : $(ratio "$(mbps "$tus_s")" "$(mbps "$put_s")")"
echo "last PATCH     : ${last_patch} s uninterrupted, ${resumed_last} s after a restart (digests from a re-read)"
