#!/usr/bin/env bash
# ./build.sh [test|build|plan <stack> [options]|bench|cert <stack> --domain <name>|sdk]
# Builds and tests with the real Pulumi packages when a configured NuGet feed serves them, else with
# the stand-ins in offline/ (said in one line). The choice is cached in .pulumi-sdk; PULUMI_SDK=NuGet|Offline forces it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

choose_sdk() {
  if [ -n "${PULUMI_SDK:-}" ]; then
    case "$PULUMI_SDK" in NuGet|Offline) echo "$PULUMI_SDK"; return ;; esac
    echo "PULUMI_SDK is '$PULUMI_SDK'; allowed: NuGet or Offline" >&2; exit 1
  fi
  if [ -f .pulumi-sdk ]; then cat .pulumi-sdk; return; fi
  local log; log="$(mktemp)"
  if dotnet restore infra/Infra.csproj -p:PulumiSdk=NuGet >"$log" 2>&1; then
    echo NuGet | tee .pulumi-sdk
  elif grep -qE "NU110[12].*(Pulumi|pulumi)" "$log"; then
    echo "No configured NuGet feed serves the Pulumi packages: building with the offline stand-ins (offline/)." >&2
    echo Offline | tee .pulumi-sdk
  else
    cat "$log" >&2; echo "restore failed for another reason than missing Pulumi packages (see above)" >&2; exit 1
  fi
  rm -f "$log"
}

command="${1:-test}"; shift || true
sdk="$(choose_sdk)"
props=(-p:PulumiSdk="$sdk")

case "$command" in
  sdk) echo "$sdk" ;;
  build) dotnet build Infra.sln -c Release "${props[@]}" -nologo ;;
  test)
    dotnet build Infra.sln -c Release "${props[@]}" -nologo -v q
    log="$(mktemp)"
    set +e
    dotnet test Infra.sln -c Release --no-build "${props[@]}" -nologo 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    set -e
    # One closing line over all test projects, in the plain 'N passed, N failed' form.
    awk '/(Passed|Failed)!/ { gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1) } }
         END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
    rm -f "$log"
    exit "$status" ;;
  plan|bench|cert)
    dotnet build tools/Plan -c Release "${props[@]}" -nologo -v q >/dev/null || dotnet build tools/Plan -c Release "${props[@]}" -nologo -v q
    dotnet run --project tools/Plan -c Release --no-build "${props[@]}" -- "$command" "$@" ;;
  *) echo "usage: ./build.sh [test|build|plan <stack>|bench|cert <stack> --domain <name>|sdk]" >&2; exit 2 ;;
esac
