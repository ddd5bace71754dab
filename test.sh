#!/usr/bin/env bash
# Runs every test of the solution from a fresh clone: restores, builds (warnings are errors)
# and tests. Later layers add what their tests need here (Azurite, nginx), installed if absent.
set -euo pipefail
cd "$(dirname "$0")"

dotnet test ConsentFunctions.sln --configuration Release --logger "console;verbosity=minimal" "$@"
