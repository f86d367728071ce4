#!/usr/bin/env bash
# ./build.sh [test|build|plan <stack> [options]|bench|cert <stack> --domain <name>|sdk]
# Pulumi and Pulumi.Random are always the real packages. Pulumi.Aws is the real package when a configured feed
# serves it, else the generated stand-in in offline/Pulumi.Aws (said in one line); the choice is cached in
# .pulumi-sdk, and PULUMI_SDK=NuGet|Offline forces it. NUGET_EXTRA_SOURCES adds package sources to every
# restore: semicolon-separated folders or feed URLs (read by Directory.Build.props, so plain dotnet commands
# and `pulumi up` honour it too).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

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

command="${1:-test}"; shift || true
sdk="$(choose_sdk)"
props=(-p:PulumiSdk="$sdk")
log="$(mktemp)"; trap 'rm -f "$log"' EXIT
if ! restore "$sdk" "$log"; then
  if missing_pulumi "$log"; then
    echo "No package source serves Pulumi 3.112.1 and Pulumi.Random 4.21.1: set NUGET_EXTRA_SOURCES to a folder or feed that has them (semicolon-separated), e.g. NUGET_EXTRA_SOURCES=/path/to/packages ./build.sh" >&2
  else
    cat "$log" >&2
  fi
  exit 1
fi

case "$command" in
  sdk) echo "$sdk" ;;
  build) dotnet build Infra.sln -c Release --no-restore "${props[@]}" -nologo ;;
  test)
    dotnet build Infra.sln -c Release --no-restore "${props[@]}" -nologo -v q
    set +e
    dotnet test Infra.sln -c Release --no-build "${props[@]}" -nologo 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    set -e
    # One closing line over all test projects, in the plain 'N passed, N failed' form.
    awk '/(Passed|Failed)!/ { gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1) } }
         END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
    exit "$status" ;;
  plan|cost|check|simulate|dashboard|bench|cert|config-table)
    dotnet build tools/Plan -c Release --no-restore "${props[@]}" -nologo -v q >/dev/null || dotnet build tools/Plan -c Release --no-restore "${props[@]}" -nologo -v q
    dotnet exec tools/Plan/bin/Release/net10.0/infra-tool.dll "$command" "$@" ;;
  *) echo "usage: ./build.sh [test|build|plan <stack>|bench|cert <stack> --domain <name>|cost <stack>|check <stack>|simulate <stack> --scenario <name>|dashboard <stack> --out <file.png>|config-table|sdk]" >&2; exit 2 ;;
esac
