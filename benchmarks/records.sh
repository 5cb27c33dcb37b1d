#!/usr/bin/env bash
# The records API under wrk (issue 4's scenarios), 1 and 2 workers, 10,000 records:
# GET by id (public rule; with a user token), list perPage=20 sorted on an indexed field (with and
# without skipTotal), list with a filter, create, update. Env: DURATION (s, default 15),
# CONNECTIONS (32), WORKERS ("1 2"), SCENARIOS (all by default), WARMUP (s of load before the first
# scenario, default 20), SCENARIO_WARMUP (s of each scenario's own load before it is measured, default 10),
# WRITE_WARMUP (s of load before the first write scenario, default 60: with 2 workers on 2 cores, each JVM
# compiles the write path with one compiler thread, and creates measured 0.8k, 1.6k, then 4.9k req/s
# in the first, fourth and sixth 10 s of load).
. "$(dirname "$0")/lib.sh"
DURATION=${DURATION:-15}; CONNECTIONS=${CONNECTIONS:-32}
here=$(cd "$(dirname "$0")" && pwd)
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
echo "| workers | scenario | req/s | p50 | p99 | errors |"
echo "| --- | --- | --- | --- | --- | --- |"
for workers in ${WORKERS:-1 2}; do
  dir=$(new_data_dir)
  start_cluster "$workers" --dir "$dir/data" ${EXTRA_FLAGS:-}
  base="http://127.0.0.1:$HTTP_PORT"
  su=$(superuser_token "$base")
  user=$(user_token "$base" "$su")
  curl -s -o /dev/null -X POST "$base/api/collections" -H "Authorization: $su" -H 'Content-Type: application/json' -d '{
    "name":"posts","listRule":"","viewRule":"","createRule":"","updateRule":"",
    "fields":[{"name":"title","type":"text"},{"name":"views","type":"number"},
              {"name":"created","type":"autodate","onCreate":true},{"name":"updated","type":"autodate","onCreate":true,"onUpdate":true}],
    "indexes":["CREATE INDEX idx_posts_views ON posts (views)"]}'
  curl -s -o /dev/null -X POST "$base/api/collections" -H "Authorization: $su" -H 'Content-Type: application/json' -d '{
    "name":"private_posts","listRule":"@request.auth.id != \"\"","viewRule":"@request.auth.id != \"\"",
    "fields":[{"name":"title","type":"text"},{"name":"views","type":"number"}]}'
  for table in posts private_posts; do
    curl -s -o /dev/null -X POST "$base/api/databases/main/query" -H "Authorization: $su" -d "{\"sql\":
      \"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 10000) INSERT INTO $table (id, title, views) SELECT substr(lower(hex(randomblob(8))), 1, 15), printf('post %d', x), abs(random() % 1000) FROM c\"}"
  done
  ids=$(mktemp); pids=$(mktemp)
  curl -s -X POST "$base/api/databases/main/query" -H "Authorization: $su" -d '{"sql":"SELECT id FROM posts LIMIT 2000"}' \
    | json '"\n".join(r[0] for r in d["rows"])' > "$ids"
  curl -s -X POST "$base/api/databases/main/query" -H "Authorization: $su" -d '{"sql":"SELECT id FROM private_posts LIMIT 2000"}' \
    | json '"\n".join(r[0] for r in d["rows"])' > "$pids"
  run() { # name method path [body] [auth] [idsfile]
    local name=$1 method=$2 path=$3 body=${4:-} auth=${5:-} idf=${6:-$ids}
    case " ${SCENARIOS:-all} " in *" all "*|*" $name "*) ;; *) return 0 ;; esac
    local out; out=$(mktemp)
    local envs=(METHOD="$method" PATH_TEMPLATE="$path" AUTH="$auth" IDS="$idf")
    [ -n "$body" ] && envs+=(BODY="$body")
    # The first scenario of a cluster also warms the JIT (C2 needs ~20 s of load on 2 cores); every
    # scenario runs unmeasured first, long enough for its own path to be compiled in every worker
    # (with 2 workers each JVM compiles it, with one compiler thread: 3 s measured half the steady rate).
    env "${envs[@]}" wrk -t2 -c"$CONNECTIONS" -d"${WARM}s" -s "$here/records.lua" "$base" >/dev/null
    WARM=${SCENARIO_WARMUP:-10}
    env "${envs[@]}" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$here/records.lua" "$base" >"$out"
    read -r rps p50 p99 errors _ < <(wrk_summary "$out")
    echo "| $workers | $name | $rps | $p50 | $p99 | $errors |"
    rm -f "$out"
  }
  WARM=${WARMUP:-20}
  run get-by-id GET '/api/collections/posts/records/{id}'
  run get-by-id-token GET '/api/collections/private_posts/records/{id}' '' "$user" "$pids"
  run list-sorted GET '/api/collections/posts/records?perPage=20&sort=-views'
  run list-sorted-skiptotal GET '/api/collections/posts/records?perPage=20&sort=-views&skipTotal=1'
  run list-filter GET '/api/collections/posts/records?perPage=20&filter=views%3E900'
  WARM=${WRITE_WARMUP:-60}
  run create POST '/api/collections/posts/records' '{"title":"new post","views":{n}}'
  run update PATCH '/api/collections/posts/records/{id}' '{"views":{n}}'
  stop_cluster
  rm -rf "$dir" "$ids" "$pids"
done
