#!/usr/bin/env bash
# Mutation testing (Stryker.NET, pinned in dotnet-tools.json) of Registry.Schema's identity, permission and package
# rules against the fast unit tests (tests/Registry.UnitTests): prints the mutation score and fails below 85 %.
# Not part of CI (tests/run.sh): it takes about 5-10 minutes on 2 busy cores. The files and thresholds are in
# tests/Registry.UnitTests/stryker-config.json; the HTML and JSON reports go to $MUTATION_OUTPUT (default: a
# temporary folder, printed at the end).
#
# Surviving mutants, each checked and equivalent (no test can tell them from the original):
# - AccessRules.PathPrefixes, `i >= 0` -> `i > 0`: differs only for a path starting with '/', and full paths never
#   do (ProjectLocator.PathKey trims slashes; paths are validated without one).
# - DuplicatePolicy.Get, the cache bound (`Count > 1024` -> `>= 1024`, negated, or the Clear() removed): the cache
#   changes how often a pattern is compiled, never what it matches; the answers stay the same.
# - DuplicatePolicy.FullMatch, `catch (RegexMatchTimeoutException) { return false; }` (no coverage): the linear-time
#   engine on a name or version of at most 255 characters does not reach the 1 s timeout; the catch is a guard.
# - PackageNameRules, `Length: > 0` -> `>= 0` (name, version, file segment): the patterns need at least one
#   character (`+`), so an empty string is refused either way.
# - VersionOrder.CompareSemVer, a missing minor/patch read as "" instead of "0" (two string and two conditional
#   mutants): CompareNumbers trims leading zeros first, so "" and "0" are the same number.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out=${MUTATION_OUTPUT:-$(mktemp -d /tmp/registry-mutation.XXXXXX)}
dotnet tool restore >/dev/null
log="$out/stryker.log"
mkdir -p "$out"
started=$(date +%s)
set +e
(cd tests/Registry.UnitTests && dotnet stryker --config-file stryker-config.json --output "$out") 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
score=$(sed -nE 's/.*The final mutation score is ([0-9.]+) %.*/\1/p' "$log" | tail -n 1)
echo "[tests/mutation.sh] mutation score: ${score:-unknown} % (break below 85 %), $(( $(date +%s) - started )) s; reports in $out/reports"
exit "$rc"
