#!/usr/bin/env bash
# The SQL endpoint under wrk, 1 and 2 workers: point select by primary key (10,000 rows) and
# single-row insert, with a database's API key. Env: DURATION (s, default 15), CONNECTIONS (32).
. "$(dirname "$0")/lib.sh"
DURATION=${DURATION:-15}; CONNECTIONS=${CONNECTIONS:-32}
here=$(cd "$(dirname "$0")" && pwd)
echo "| workers | scenario | req/s | p50 | p99 | errors |"
echo "| --- | --- | --- | --- | --- | --- |"
for workers in 1 2; do
  dir=$(new_data_dir)
  start_cluster "$workers" --dir "$dir/data" ${EXTRA_FLAGS:-}
  base="http://127.0.0.1:$HTTP_PORT"
  token=$(superuser_token "$base")
  curl -s -o /dev/null -X POST "$base/api/databases" -H "Authorization: $token" -d '{"name":"bench"}'
  key=$(curl -s -X POST "$base/api/databases/bench/keys" -H "Authorization: $token" -d '{"label":"bench"}' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
  curl -s -o /dev/null -X POST "$base/api/databases/bench/query" -H "Authorization: Bearer $key" -d '{"statements":[
    {"sql":"CREATE TABLE items (id INTEGER PRIMARY KEY, title TEXT NOT NULL, views INTEGER NOT NULL)"},
    {"sql":"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 10000) INSERT INTO items (title, views) SELECT printf(\"item %d\", x), x FROM c"}]}'
  for scenario in select insert; do
    if [ "$scenario" = select ]; then
      body='{"sql":"SELECT id, title, views FROM items WHERE id = ?","params":[{n}]}'
    else
      body='{"sql":"INSERT INTO items (title, views) VALUES (?, ?)","params":["new",{n}]}'
    fi
    out=$(mktemp)
    BODY="$body" AUTH="Bearer $key" wrk -t2 -c"$CONNECTIONS" -d5s -s "$here/post.lua" "$base/api/databases/bench/query" >/dev/null
    BODY="$body" AUTH="Bearer $key" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$here/post.lua" \
      "$base/api/databases/bench/query" >"$out"
    read -r rps p50 p99 errors _ < <(wrk_summary "$out")
    echo "| $workers | $scenario | $rps | $p50 | $p99 | $errors |"
    rm -f "$out"
  done
  stop_cluster
  rm -rf "$dir"
done
