#!/usr/bin/env bash
# ./build.sh [test|build|plan <stack> [options]|cost|check|simulate|bench|cert <stack> --domain <name>|config-table|sdk]
# Pulumi and Pulumi.Random are always the real packages. Pulumi.Aws is the real package when a configured feed
# serves it, else the generated stand-in in offline/Pulumi.Aws (said in one line); the choice is cached in
# .pulumi-sdk, and PULUMI_SDK=NuGet|Offline forces it. NUGET_EXTRA_SOURCES adds package sources to every
# restore: semicolon-separated folders or feed URLs (read by Directory.Build.props, so plain dotnet commands
# and `pulumi up` honour it too).
# Restore and build run only when what feeds them changed: a fingerprint of those files' contents, the SDK choice,
# NUGET_EXTRA_SOURCES and the installed .NET SDKs. The tool is published for start-up (tools/Startup.props) into a
# cache keyed by its fingerprint (INFRA_TOOL_CACHE, default ~/.cache/infra-tool), so any version built before,
# such as the base of `plan --base`, starts at once.
set -euo pipefail
shopt -s inherit_errexit   # a failed build inside $(...) stops the script too
cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# What feeds restore and build (git pathspecs). Stack files, docs and CI files do not.
restore_inputs=(':(glob)**/*.csproj' ':(glob)**/*.props' ':(glob)**/*.targets' ':(glob)**/packages.lock.json' Infra.sln global.json NuGet.Config)
tool_inputs=(infra components offline/Pulumi.Aws tools schema Directory.Build.props Directory.Build.targets Directory.Packages.props global.json NuGet.Config .editorconfig)
solution_inputs=("${tool_inputs[@]}" tests Infra.sln)
stamps=obj/build-stamps
tool_cache="${INFRA_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/infra-tool}"

missing_pulumi() {   # LOG: true when restore could not find Pulumi or Pulumi.Random at all
  grep -qE "NU110[12]: Unable to find package Pulumi(\.Random)?(\. | with version)" "$1"
}

restore() {   # SDK LOG
  dotnet restore Infra.sln -p:PulumiSdk="$1" >"$2" 2>&1
}

choose_sdk() {
  if [ -n "${PULUMI_SDK:-}" ]; then
    case "$PULUMI_SDK" in NuGet|Offline) echo "$PULUMI_SDK"; return ;; esac
    echo "PULUMI_SDK is '$PULUMI_SDK'; allowed: NuGet or Offline" >&2; exit 1
  fi
  if [ -f .pulumi-sdk ]; then cat .pulumi-sdk; return; fi
  local log; log="$(mktemp)"
  if restore NuGet "$log"; then
    echo NuGet | tee .pulumi-sdk
  elif missing_pulumi "$log"; then
    echo NuGet   # the restore below says what to set
  elif grep -qE "NU110[12]: Unable to find package Pulumi\.Aws(\. | with version)" "$log"; then
    echo "No configured NuGet feed serves Pulumi.Aws: building with its generated stand-in (offline/Pulumi.Aws)." >&2
    echo Offline | tee .pulumi-sdk
  else
    cat "$log" >&2; echo "restore failed for another reason than a missing Pulumi package (see above)" >&2; exit 1
  fi
  rm -f "$log"
}

fingerprint() {   # PATHSPEC...: digest of the files' contents and of everything else a build depends on
  local files
  # Outside a git checkout (an unpacked archive) nothing says what changed: build every time.
  files="$(git ls-files -co --exclude-standard --deduplicate -- "$@" 2>/dev/null)" || { echo "unknown-$$-$RANDOM"; return; }
  local dotnet; dotnet="$(readlink -f "$(command -v dotnet)")"
  local sdks=("${dotnet%/*}"/sdk/*)
  local print
  # A tracked file deleted from the working tree drops out of the list (sha256sum says so on stderr).
  print="$({ echo "$sdk;${NUGET_EXTRA_SOURCES:-};${sdks[*]##*/}"; tr '\n' '\0' <<<"$files" | xargs -0 -r sha256sum 2>/dev/null || true; } | sha256sum)"
  echo "${print:0:20}"
}

fresh() { [ -f "$stamps/$1" ] && [ "$(cat "$stamps/$1")" = "$2" ] && [ -e "$3" ]; }   # NAME FINGERPRINT OUTPUT

stamp() { mkdir -p "$stamps"; echo "$2" >"$stamps/$1"; }

# Progress: the terminal logger's live view on a terminal, a line per finished project in a log.
msbuild_output=(-nologo -v minimal -tl:auto -clp:NoSummary)

ensure_restored() {
  local print; print="$(fingerprint "${restore_inputs[@]}")"
  fresh restore "$print" tools/Plan/obj/project.assets.json && return
  echo "Restoring packages (project files changed since the last restore)..." >&2
  local log; log="$(mktemp)"
  if ! restore "$sdk" "$log"; then
    if missing_pulumi "$log"; then
      echo "No package source serves Pulumi 3.112.1 and Pulumi.Random 4.21.1: set NUGET_EXTRA_SOURCES to a folder or feed that has them (semicolon-separated), e.g. NUGET_EXTRA_SOURCES=/path/to/packages ./build.sh" >&2
    else
      cat "$log" >&2
    fi
    rm -f "$log"; exit 1
  fi
  rm -f "$log"
  stamp restore "$print"
}

ensure_solution() {   # everything, for the tests (warnings are errors)
  local print; print="$(fingerprint "${solution_inputs[@]}")"
  fresh solution "$print" tests/Infra.Tests/bin/Release/net10.0/Infra.Tests.dll && return
  ensure_restored
  echo "Building the solution (sources changed since the last build)..." >&2
  dotnet build Infra.sln -c Release --no-restore -p:PulumiSdk="$sdk" "${msbuild_output[@]}" >&2
  stamp solution "$print"
}

published() {   # PROJECT EXECUTABLE PATHSPEC...: prints the path of the project's published executable, built if needed
  local project="$1" executable="$2"; shift 2
  local print; print="$(fingerprint "$@")"
  local folder="$tool_cache/$print"
  if [ ! -x "$folder/$executable" ]; then
    ensure_restored
    echo "Building $project for start-up (its sources changed since it was last built; a minute or two)..." >&2
    local staging="$tool_cache/.$print.$$"
    rm -rf "$staging"; mkdir -p "$tool_cache"
    dotnet publish "$project" -c Release --no-restore -p:PulumiSdk="$sdk" -o "$staging" "${msbuild_output[@]}" >&2
    # Another build of the same sources may have finished first: either copy is the same.
    mv -T "$staging" "$folder" 2>/dev/null || rm -rf "$staging"
    # Keep the six most recent builds.
    find "$tool_cache" -mindepth 1 -maxdepth 1 -type d -not -name '.*' -printf '%T@ %p\n' | sort -rn | tail -n +7 | cut -d' ' -f2- | xargs -r rm -rf
  fi
  echo "$folder/$executable"
}

command="${1:-test}"; shift || true
sdk="$(choose_sdk)"

case "$command" in
  sdk) echo "$sdk" ;;
  build) ensure_solution ;;
  test)
    ensure_solution
    log="$(mktemp)"; trap 'rm -f "$log"' EXIT
    set +e
    dotnet test Infra.sln -c Release --no-build -p:PulumiSdk="$sdk" -nologo 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    set -e
    # One closing line over all test projects, in the plain 'N passed, N failed' form.
    awk '/(Passed|Failed)!/ { gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1) } }
         END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
    exit "$status" ;;
  bench)
    ensure_solution
    tool="$(published tools/Plan infra-tool "${tool_inputs[@]}")"
    # The floor of any .NET tool: an empty console app built the same way.
    empty="$(published tools/Bench/Empty empty tools/Bench/Empty tools/Startup.props Directory.Build.props global.json)"
    exec "$tool" bench --empty-app "$empty" "$@" ;;
  plan|cost|check|simulate|dashboard|cert|config-table)
    tool="$(published tools/Plan infra-tool "${tool_inputs[@]}")"
    exec "$tool" "$command" "$@" ;;
  *) echo "usage: ./build.sh [test|build|plan <stack>|bench|cert <stack> --domain <name>|cost <stack>|check <stack>|simulate <stack> --scenario <name>|dashboard <stack> --out <file.png>|config-table|sdk]" >&2; exit 1 ;;
esac
