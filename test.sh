#!/usr/bin/env bash
# Runs every test of the solution from a fresh clone: restores, builds (warnings are errors)
# and tests. Later layers add what their tests need here (Azurite, nginx), installed if absent.
set -euo pipefail
cd "$(dirname "$0")"

# Azurite (npm, pinned in package-lock.json): the Table and Blob Storage emulators the integration
# tests start themselves, one of each per test project that needs it (tests/ConsentGateway.Testing/
# AzuriteServer.cs, AzuriteBlobServer.cs: the policy blob); the OpenAPI linters the API
# description's tests run (Redocly CLI, Spectral); and axe-core, which the browser tests inject
# into the settings page.
if [[ ! -x node_modules/.bin/azurite-table || ! -x node_modules/.bin/azurite-blob || ! -x node_modules/.bin/redocly || ! -x node_modules/.bin/spectral || ! -f node_modules/axe-core/axe.min.js ]]; then
  npm ci --no-audit --no-fund
fi

# nginx (Debian package, built with auth_request): the end-to-end egress tests run the shipped
# deploy/nginx configuration with /usr/sbin/nginx, on loopback ports of their own
# (tests/ConsentGateway.EndToEnd.Tests/Proxies/NginxServer.cs). A fresh machine has empty apt
# lists, hence the update.
if ! command -v nginx >/dev/null && [[ ! -x /usr/sbin/nginx ]]; then
  sudo=""
  [[ $EUID -eq 0 ]] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx
  # The package may start the system's nginx on port 80 (where systemd runs); the tests never
  # use it, so stop what this script started rather than leave it running.
  if command -v systemctl >/dev/null; then
    $sudo systemctl disable --now nginx >/dev/null 2>&1 || true
  fi
fi

# Chromium (Debian package): the browser walk-through of Scalar's page drives /usr/bin/chromium
# with Playwright (tests/ConsentGateway.EndToEnd.Tests/Browser); Playwright never downloads a browser.
if [[ ! -x /usr/bin/chromium ]]; then
  sudo=""
  [[ $EUID -eq 0 ]] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
fi

dotnet test ConsentFunctions.sln --configuration Release --logger "console;verbosity=minimal" "$@"
