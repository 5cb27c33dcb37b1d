#!/usr/bin/env bash
# Sign-ups (auth-collection creates: a bcrypt hash each) and logins (a bcrypt check each), and what
# they do to the database's other writes, 1 worker: sign-ups alone (`wrk -t2 -c4`, `signup.lua`),
# creates of posts alone (`-c16`), sign-ups and creates at once, then logins and creates at once.
# Env: DURATION (s, default 15), WARMUP (s of the mixed load first, default 20).
. "$(dirname "$0")/lib.sh"
DURATION=${DURATION:-15}
here=$(cd "$(dirname "$0")" && pwd)
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
dir=$(new_data_dir)
start_cluster "${WORKERS:-1}" --dir "$dir/data" ${EXTRA_FLAGS:-}
base="http://127.0.0.1:$HTTP_PORT"
su=$(superuser_token "$base")
curl -s -o /dev/null -X POST "$base/api/collections" -H "Authorization: $su" -H 'Content-Type: application/json' -d '{
  "name":"users","type":"auth","createRule":""}'
curl -s -o /dev/null -X POST "$base/api/collections" -H "Authorization: $su" -H 'Content-Type: application/json' -d '{
  "name":"posts","createRule":"","fields":[{"name":"title","type":"text"},{"name":"views","type":"number"}]}'
signups() { PREFIX=$1 wrk -t2 -c4 -d"$2s" --latency -s "$here/signup.lua" "$base"; }
creates() { METHOD=POST PATH_TEMPLATE=/api/collections/posts/records BODY='{"title":"new post","views":{n}}' \
  wrk -t2 -c16 -d"$1s" --latency -s "$here/records.lua" "$base"; }
row() { # name file
  read -r rps p50 p99 errors _ < <(wrk_summary "$2")
  echo "| $1 | $rps | $p50 | $p99 | $errors |"
}
a=$(mktemp); b=$(mktemp)
signups w "${WARMUP:-20}" >/dev/null & load=$!
creates "${WARMUP:-20}" >/dev/null; wait "$load"
echo "| load | req/s | p50 | p99 | errors |"
echo "| --- | --- | --- | --- | --- |"
signups a "$DURATION" >"$a"; row "sign-ups alone (-c4)" "$a"
creates "$DURATION" >"$a"; row "creates alone (-c16)" "$a"
signups b "$DURATION" >"$b" & load=$!
creates "$DURATION" >"$a"; wait "$load"
row "sign-ups, beside creates (-c4)" "$b"
row "creates, beside sign-ups (-c16)" "$a"
curl -s -o /dev/null -X POST "$base/api/collections/users/records" -H 'Content-Type: application/json' \
  -d '{"email":"login@example.com","password":"login-password","passwordConfirm":"login-password"}'
METHOD=POST PATH_TEMPLATE=/api/collections/users/auth-with-password \
  BODY='{"identity":"login@example.com","password":"login-password"}' \
  wrk -t2 -c4 -d"${DURATION}s" --latency -s "$here/records.lua" "$base" >"$b" & load=$!
creates "$DURATION" >"$a"; wait "$load"
row "logins, beside creates (-c4)" "$b"
row "creates, beside logins (-c16)" "$a"
rm -f "$a" "$b"
stop_cluster
rm -rf "$dir"
