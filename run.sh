#!/usr/bin/env bash
# Starts the self-hosted consent gateway on http://127.0.0.1:7071 (pass --urls to change it).
# By default its store is one SQLite file, .data/consent.db: durable, nothing else to install.
#
#   ./run.sh                                  start the gateway on SQLite (.data/consent.db)
#   ./run.sh --table-storage                  start it on Table Storage: a local Azurite keeping its
#                                             tables in .data/azurite (needs Node.js; for developing
#                                             against the Table Storage API)
#   ./run.sh backup FILE                      copy the SQLite store into FILE while the gateway runs
#   ./run.sh dev-token --sub u1 --scope consent.user
#                                             print a development bearer token for this gateway
#                                             (--hours N; ./run.sh dev-token --help)
#   ./run.sh dev-proxy-key                    print the key of the development egress proxy "dev"
#                                             (X-Consent-Key; it may ask about every partner)
set -euo pipefail
cd "$(dirname "$0")"

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  echo "Commands take --help too (./run.sh dev-token --help); the server's settings: README.md, Configuration."
  exit 0
fi

azurite_port=10002
mkdir -p .data

# A development signing key, made once and kept out of git (.data/ is ignored).
if [ ! -s .data/dev-signing-key ]; then
  (umask 077; head -c 48 /dev/urandom | base64 | tr -d '\n' > .data/dev-signing-key)
fi
export Consent__Auth__SigningKey="$(cat .data/dev-signing-key)"

# The key of consistency tokens, made once too, so that a token handed out before a restart is
# still accepted after it (without one, each process signs with a random key of its own).
if [ ! -s .data/consistency-token-key ]; then
  (umask 077; head -c 32 /dev/urandom | base64 | tr -d '\n' > .data/consistency-token-key)
fi
export Consent__ConsistencyTokens__Key="$(cat .data/consistency-token-key)"

# A development egress proxy key, made once; the gateway is configured with its SHA-256 only.
if [ ! -s .data/dev-proxy-key ]; then
  (umask 077; head -c 24 /dev/urandom | base64 | tr -d '\n/+=' > .data/dev-proxy-key)
fi
if [ "${1:-}" = "dev-proxy-key" ]; then
  cat .data/dev-proxy-key; echo
  exit 0
fi
export Consent__Proxies__dev__KeySha256="$(tr -d '\n' < .data/dev-proxy-key | sha256sum | cut -d' ' -f1)"
export Consent__Proxies__dev__Partners='*'

# The API docs (/scalar/v1, /openapi/v1.json) are off in Production, which is what this runs as;
# on this development launcher they are on unless Consent__ApiDocs__Enabled says otherwise.
export Consent__ApiDocs__Enabled="${Consent__ApiDocs__Enabled:-true}"

# Build once, and again only when a source changed since the last build (.data/server-build.stamp):
# a dev-token or backup call then starts in a second instead of waiting for MSBuild.
server_dll=src/ConsentGateway.Server/bin/Release/net10.0/ConsentGateway.Server.dll
build_stamp=.data/server-build.stamp
if [ ! -f "$server_dll" ] || [ ! -f "$build_stamp" ] || [ -n "$(find src Directory.Build.props Directory.Packages.props global.json \
     \( -path '*/bin' -o -path '*/obj' \) -prune -o -type f -newer "$build_stamp" -print -quit)" ]; then
  touch "$build_stamp.next"   # stamped before the build: a file saved during it triggers the next one
  dotnet build src/ConsentGateway.Server -c Release --nologo -v quiet >&2
  mv "$build_stamp.next" "$build_stamp"
fi

case "${1:-}" in
  dev-token|backup|policy) exec dotnet "$server_dll" "$@" ;;
esac

if [ "${1:-}" = "--table-storage" ]; then
  shift
  [ -x node_modules/.bin/azurite-table ] || npm ci --no-audit --no-fund
  if (exec 3<>/dev/tcp/127.0.0.1/$azurite_port) 2>/dev/null; then
    echo "Port $azurite_port is already in use: stop the other Azurite (or whatever listens there) first." >&2
    exit 1
  fi

  mkdir -p .data/azurite
  node_modules/.bin/azurite-table --location .data/azurite --tableHost 127.0.0.1 --tablePort $azurite_port \
    --skipApiVersionCheck --disableProductStyleUrl --silent &
  azurite=$!
  # Azurite writes its tables to disk on SIGINT only (a TERM or KILL loses what it holds in memory).
  trap 'kill -INT $azurite 2>/dev/null || true; wait $azurite 2>/dev/null || true' EXIT

  for _ in $(seq 1 100); do
    (exec 3<>/dev/tcp/127.0.0.1/$azurite_port) 2>/dev/null && break
    kill -0 $azurite 2>/dev/null || { echo "Azurite did not start." >&2; exit 1; }
    sleep 0.1
  done
  export Consent__Storage__Provider=TableStorage
fi

# The server runs as a child so that Ctrl-C (or a TERM to this script) stops it cleanly first
# (it commits what is queued and closes the SQLite file), then Azurite if it runs, whether or
# not the terminal delivered the signal to both.
dotnet "$server_dll" "$@" &
server=$!
trap 'kill -TERM $server 2>/dev/null || true' INT TERM
status=0
wait $server || status=$?
# A signal ends the first wait while the server is still stopping: wait for it, and keep its exit code.
if kill -0 $server 2>/dev/null; then
  status=0
  wait $server || status=$?
fi
exit $status
