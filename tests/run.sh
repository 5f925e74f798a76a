#!/usr/bin/env bash
# The one test command (README and .ci/run): installs what the tests need if it is missing, then runs them all.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# A missing Snapshooter snapshot must fail, not be written.
export SNAPSHOOTER_STRICT_MODE=true

log=$(mktemp)
set +e
dotnet test Registry.sln "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# The plain closing line CI reads: "N passed, N failed".
summary=$(grep -E '^(Passed|Failed)!' "$log" | tail -n 1 || true)
passed=$(sed -nE 's/.*Passed: *([0-9]+).*/\1/p' <<<"$summary")
failed=$(sed -nE 's/.*Failed: *([0-9]+),.*/\1/p' <<<"$summary")
skipped=$(sed -nE 's/.*Skipped: *([0-9]+).*/\1/p' <<<"$summary")
rm -f "$log"
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit "$status"
