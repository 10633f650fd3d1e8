#!/usr/bin/env bash
# The README's tour as one script, top to bottom, against the built-in demo:
#
#   mvn jetty:run                                   # in one terminal (port 8080; -Djetty.http.port=… for another)
#   bash docs/tour.sh                               # in another; or: bash docs/tour.sh http://127.0.0.1:18282
#
# Needs bash, curl and sed. Each step prints what it sent and what came back, and the script stops at the
# first answer that is not the one the README describes. TourIT runs it against a started gateway on every build.
set -euo pipefail
GW=${1:-http://127.0.0.1:8080}

step() { printf '\n== %s\n' "$*"; }
check() {   # expected actual description
  if [ "$1" != "$2" ]; then
    printf 'FAILED: %s: expected %s, got %s\n' "$3" "$1" "$2" >&2
    exit 1
  fi
  printf 'ok  %s: %s\n' "$3" "$2"
}
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
# The value of a string field in a one-line JSON object: field NAME < json
field() { sed -n 's/.*"'"$1"'":"\([^"]*\)".*/\1/p'; }

step "1. Through the proxy to the demo's echo service; a forged identity header is dropped"
ECHO=$(curl -s "$GW/api/echo/hello?name=world" -H 'X-Request-Id: tour-1' -H 'X-User-Id: admin')
echo "$ECHO"
check "/hello" "$(printf '%s' "$ECHO" | field path)" "path the upstream received"
check "tour-1" "$(printf '%s' "$ECHO" | field x-request-id)" "request id passed on"
check "anonymous" "$(printf '%s' "$ECHO" | field x-auth-method)" "auth method"
check "" "$(printf '%s' "$ECHO" | field x-user-id)" "client's X-User-Id removed"

step "2. No route: problem+json"
curl -s "$GW/nowhere"; echo
check 404 "$(code "$GW/nowhere")" "GET /nowhere"

step "3. Health"
curl -s "$GW/health/live"; echo
curl -s "$GW/health/ready"; echo
check 200 "$(code "$GW/health/ready")" "GET /health/ready"

step "4. Log in as the demo user; a JWT route without and with the token"
LOGIN=$(curl -s -X POST "$GW/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"alice","password":"password123"}')
AT=$(printf '%s' "$LOGIN" | field access_token)
RT=$(printf '%s' "$LOGIN" | field refresh_token)
echo "access token: ${AT:0:24}…  refresh token: ${RT:0:8}…"
check 401 "$(code "$GW/api/orders/1")" "GET /api/orders/1 without a token"
ORDER=$(curl -s "$GW/api/orders/1" -H "Authorization: Bearer $AT")
echo "$ORDER"
check jwt "$(printf '%s' "$ORDER" | field x-auth-method)" "auth method upstream"
curl -s "$GW/auth/me" -H "Authorization: Bearer $AT"; echo

step "5. Refresh: a new access token and a new (single-use) refresh token"
REFRESHED=$(curl -s -X POST "$GW/auth/refresh" -H 'Content-Type: application/json' \
  -d "{\"refresh_token\":\"$RT\"}")
AT=$(printf '%s' "$REFRESHED" | field access_token)
RT=$(printf '%s' "$REFRESHED" | field refresh_token)
check 200 "$(code "$GW/api/orders/2" -H "Authorization: Bearer $AT")" "GET /api/orders/2 with the new token"

step "6. A direct route: alice's cart, answered from the store"
curl -s "$GW/api/cart" -H "Authorization: Bearer $AT"; echo
check 200 "$(code "$GW/api/cart" -H "Authorization: Bearer $AT")" "GET /api/cart"

step "7. API keys: mint one (scope inventory), then spend the route's limit of 5 a minute"
KEY=$(curl -s -X POST "$GW/auth/api-keys" -H "Authorization: Bearer $AT" -H 'Content-Type: application/json' \
  -d '{"name":"tour","scopes":["inventory"]}' | field api_key)
echo "new key: ${KEY:0:10}…"
check 401 "$(code "$GW/api/inventory")" "GET /api/inventory without a key"
check 401 "$(code "$GW/api/inventory" -H 'x-api-key: nope')" "GET /api/inventory with an unknown key"
for i in 1 2 3 4 5; do
  check 200 "$(code "$GW/api/inventory" -H "x-api-key: $KEY")" "GET /api/inventory with the key, call $i"
done
curl -si "$GW/api/inventory" -H "x-api-key: $KEY" | sed -n '/^HTTP/p;/^RateLimit/p;/^Retry-After/p'
check 429 "$(code "$GW/api/inventory" -H "x-api-key: $KEY")" "GET /api/inventory, limit spent"

step "8. The WAF"
check 403 "$(code "$GW/api/echo/?q=1'%20OR%201=1--")" "SQL injection in the query"
check 403 "$(code "$GW/api/echo/?q=<script>alert(1)</script>")" "XSS in the query"

step "9. Metrics"
curl -s "$GW/metrics" | grep -E '^portcullis_(requests|rejections)_total|^portcullis_build_info' | head -n 8

step "10. Log out: the access token is refused at once, the refresh token too"
check 204 "$(code -X POST "$GW/auth/logout" -H "Authorization: Bearer $AT")" "POST /auth/logout"
curl -si "$GW/api/orders/1" -H "Authorization: Bearer $AT" | sed -n '/^HTTP/p;/^WWW-Authenticate/p'
check 401 "$(code "$GW/api/orders/1" -H "Authorization: Bearer $AT")" "GET /api/orders/1 with the logged-out token"
check 401 "$(code -X POST "$GW/auth/refresh" -H 'Content-Type: application/json' \
  -d "{\"refresh_token\":\"$RT\"}")" "POST /auth/refresh with the logged-out session's token"

printf '\ntour complete\n'
