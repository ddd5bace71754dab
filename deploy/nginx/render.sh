#!/usr/bin/env bash
# Renders the consent egress proxy's nginx configuration into a directory:
#
#   EGRESS_LISTEN=10.0.0.5:8080 EGRESS_ACCESS_LOG=logs/consent-egress.access.log \
#   CONSENT_GATEWAY_SCHEME=https \
#   CONSENT_GATEWAY_HOST=consent-gateway.azurewebsites.net CONSENT_GATEWAY_PORT=443 \
#   CONSENT_PROXY_KEY="$(cat /run/secrets/consent-proxy-key)" \
#   CONSENT_CACHE_DIR=/var/cache/nginx/consent CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt \
#   PARTNER_GOOGLE_URL=https://... PARTNER_FACEBOOK_URL=https://... \
#   PARTNER_EXAMPLE_ADVERTISER_URL=https://... \
#   deploy/nginx/render.sh /etc/consent-egress
#
# writes <dir>/nginx.conf, <dir>/consent/egress.conf and <dir>/consent/route.conf, creates
# <dir>/logs and <dir>/temp, and checks the result with `nginx -t`. Only the placeholders listed in
# consent/egress.conf.template are replaced (nginx's own $variables are left alone); a
# missing one is an error. Needs envsubst (Debian: gettext-base).
set -euo pipefail

out=${1:?usage: render.sh <output directory>}
here=$(cd "$(dirname "$0")" && pwd)
names=(EGRESS_LISTEN EGRESS_ACCESS_LOG CONSENT_GATEWAY_SCHEME CONSENT_GATEWAY_HOST CONSENT_GATEWAY_PORT CONSENT_PROXY_KEY
       CONSENT_CACHE_DIR CA_BUNDLE PARTNER_GOOGLE_URL PARTNER_FACEBOOK_URL PARTNER_EXAMPLE_ADVERTISER_URL)

missing=()
for name in "${names[@]}"; do
  [[ -n "${!name:-}" ]] || missing+=("$name")
done
if ((${#missing[@]})); then
  echo "render.sh: set ${missing[*]}" >&2
  exit 2
fi
if [[ "$CONSENT_PROXY_KEY" == *[\"\\\$\;\ ]* ]]; then
  echo "render.sh: CONSENT_PROXY_KEY must not contain quotes, backslashes, \$, ; or spaces (use hex or base64url)" >&2
  exit 2
fi

mkdir -p "$out/consent" "$out/logs" "$out/temp"
umask 027
cp "$here/nginx.conf" "$out/nginx.conf"
cp "$here/consent/route.conf" "$out/consent/route.conf"
envsubst "$(printf '${%s} ' "${names[@]}")" < "$here/consent/egress.conf.template" > "$out/consent/egress.conf"

if command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]]; then
  "$(command -v nginx || echo /usr/sbin/nginx)" -t -q -p "$out" -c "$out/nginx.conf" -e logs/error.log
fi
echo "rendered into $out"
