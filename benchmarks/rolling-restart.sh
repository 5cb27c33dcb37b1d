#!/usr/bin/env bash
# Rolling restart under load: 2 workers, wrk on /_/health, a rolling restart after 5 s; counts failed
# requests (socket errors + non-2xx). Env: DURATION (s, default 40), CONNECTIONS (32),
# MIGRATE_REQ=0|1 (as root: set net.ipv4.tcp_migrate_req for this run and restore it after),
# TARGET=health|api (api: GET of a record only signed-in users may view, with a user's token, so each
# request goes through the token, schema and rule checks the workers cache while they see each other),
# RESTART=1|0 (0: the same load without a restart, to compare), FIRST_ROLL=1 (measure the first roll on
# a fresh data folder, before any worker has written its slot's class-data archive; by default two
# rolls run unmeasured first).
. "$(dirname "$0")/lib.sh"
if [ -n "${MIGRATE_REQ:-}" ]; then
  previous=$(cat /proc/sys/net/ipv4/tcp_migrate_req)
  echo "$MIGRATE_REQ" > /proc/sys/net/ipv4/tcp_migrate_req
  trap 'cleanup; echo "$previous" > /proc/sys/net/ipv4/tcp_migrate_req' EXIT
fi
DURATION=${DURATION:-40}; CONNECTIONS=${CONNECTIONS:-32}
dir=$(new_data_dir)
start_cluster 2 --dir "$dir/data"
url="http://127.0.0.1:$HTTP_PORT/_/health"; load=()
if [ "${TARGET:-health}" = api ]; then
  base="http://127.0.0.1:$HTTP_PORT"
  su=$(superuser_token "$base")
  user=$(user_token "$base" "$su")
  curl -s -o /dev/null -X POST "$base/api/collections" -H "Authorization: $su" -H 'Content-Type: application/json' -d '{
    "name":"notes","listRule":"@request.auth.id != \"\"","viewRule":"@request.auth.id != \"\"",
    "fields":[{"name":"title","type":"text"}]}'
  curl -s -o /dev/null -X POST "$base/api/databases/main/query" -H "Authorization: $su" -d "{\"sql\":
    \"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 2000) INSERT INTO notes (id, title) SELECT substr(lower(hex(randomblob(8))), 1, 15), printf('note %d', x) FROM c\"}"
  ids=$(mktemp)
  curl -s -X POST "$base/api/databases/main/query" -H "Authorization: $su" -d '{"sql":"SELECT id FROM notes"}' \
    | python3 -c 'import json,sys; print("\n".join(r[0] for r in json.load(sys.stdin)["rows"]))' > "$ids"
  url=$base; load=(-s "$(dirname "$0")/records.lua")
  export METHOD=GET PATH_TEMPLATE='/api/collections/notes/records/{id}' AUTH="$user" IDS="$ids"
fi
pids() { curl -s "127.0.0.1:$MGMT_PORT/_/health" | python3 -c 'import json,sys; print(" ".join(str(w["pid"]) for w in json.load(sys.stdin)["workers"]))'; }
# roll: a rolling restart, returning once it is over and none of the pids it began with is left.
roll() {
  local old; old=$(pids)
  curl -s -o /dev/null -X POST "127.0.0.1:$MGMT_PORT/_/workers/restart"
  local began; began=$(date +%s.%N)
  while :; do
    rolling=$(curl -s "127.0.0.1:$MGMT_PORT/_/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rollingRestart"])')
    if [ "$rolling" = "False" ] && python3 -c 'import sys; old=set(sys.argv[1].split()); new=set(sys.argv[2].split()); sys.exit(0 if new and not (old & new) else 1)' "$old" "$(pids)"; then
      return 0
    fi
    if (( $(echo "$(date +%s.%N) - $began > 120" | bc) )); then
      echo "rolling-restart: FAILED, the rolling restart did not finish in 120 s" >&2
      exit 1
    fi
    sleep 0.2
  done
}
# Workers map their slot's class-data archive once one has been written: by a worker of that slot that
# stopped, and had not mapped one itself (WorkerLauncher). Two rolls before the load reach that state,
# where a roll neither writes an archive nor starts a worker without one; FIRST_ROLL=1 measures the very
# first roll on a fresh data folder instead.
if [ "${FIRST_ROLL:-0}" != 1 ] && [ "${RESTART:-1}" = 1 ]; then roll; roll; fi
[ "${TARGET:-health}" = api ] && wrk -t2 -c"$CONNECTIONS" -d10s "${load[@]}" "$url" >/dev/null # warm-up
before=$(pids)
out=$(mktemp); SCRATCH=$out
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "${load[@]}" "$url" >"$out" &
wrk_pid=$!
LOAD_PID=$wrk_pid
sleep 5
start=$(date +%s.%N)
[ "${RESTART:-1}" = 1 ] && roll
took=$(echo "$(date +%s.%N) - $start" | bc)
after_pids=$(pids)
if (( $(echo "5 + $took > $DURATION - 2" | bc) )); then
  echo "rolling-restart: WARNING, the restart ended less than 2 s before wrk stopped: raise DURATION so the load covers it" >&2
fi
wait "$wrk_pid"
read -r rps p50 p99 errors total < <(wrk_summary "$out")
grep -E "Socket errors|Non-2xx" "$out" >&2 || true
migrate=$(cat /proc/sys/net/ipv4/tcp_migrate_req 2>/dev/null || echo n/a)
stop_cluster; rc=$STOP_RC
printf "| tcp_migrate_req | requests | failed | failed %% | req/s | p99 | restart took (s) | pids before → after | exit |\n"
printf "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
printf "| %s | %s | %s | %.4f | %s | %s | %.1f | %s → %s | %s |\n" "$migrate" "$total" "$errors" \
  "$(echo "100 * $errors / $total" | bc -l)" "$rps" "$p99" "$took" "$before" "$after_pids" "$rc" 2>/dev/null || true
rm -f "$out"
rm -rf "${ids:-}" "$dir"
