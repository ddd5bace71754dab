#!/usr/bin/env bash
# Runs every test of the solution from a fresh clone: restores, builds (warnings are errors)
# and tests. Later layers add what their tests need here (Azurite, nginx), installed if absent.
set -euo pipefail
cd "$(dirname "$0")"

# Azurite (npm, pinned in package-lock.json): the Table Storage emulator the integration tests
# start themselves, one per test project (tests/ConsentGateway.Testing/AzuriteServer.cs).
if [[ ! -x node_modules/.bin/azurite-table ]]; then
  npm ci --no-audit --no-fund
fi

dotnet test ConsentFunctions.sln --configuration Release --logger "console;verbosity=minimal" "$@"
