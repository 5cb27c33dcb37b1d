#!/usr/bin/env bash
# Many databases on one worker (issue 3): create COUNT (10,000) databases, then the SQL endpoint's
# latency on cold databases (outside the open-database LRU, --pool-cap, default 256) and on a warm
# one, and the worker's RSS. Env: COUNT, SAMPLES (2,000), POOL_CAP (256).
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
COUNT=${COUNT:-10000}; SAMPLES=${SAMPLES:-2000}; POOL_CAP=${POOL_CAP:-256}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
dir=$(new_data_dir)
start_cluster 1 --dir "$dir/data" --pool-cap "$POOL_CAP" ${EXTRA_FLAGS:-}
su=$(superuser_token "127.0.0.1:$HTTP_PORT")
pid=$(curl -s "127.0.0.1:$MGMT_PORT/_/health" | json 'd["workers"][0]["pid"]')
rss_before=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
result=$(timeout 900 python3 "$here/databases.py" "$HTTP_PORT" "$su" "$COUNT" "$SAMPLES")
rss_after=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
echo "$result pool_cap=$POOL_CAP worker_rss_before_kib=$rss_before worker_rss_after_kib=$rss_after"
echo "data dir: $(du -sh "$dir/data" | cut -f1)"
stop_cluster
rm -rf "$dir"
