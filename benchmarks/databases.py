"""Creates many databases, then measures the SQL endpoint's latency on cold databases (not in the
worker's open-database LRU) and on a warm one. Loopback only, one keep-alive connection, bounded.
Usage: python3 databases.py PORT TOKEN COUNT SAMPLES"""
import http.client, json, random, sys, time

port, token, count, samples = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
headers = {"Authorization": token, "Content-Type": "application/json"}

def call(method, path, body=None):
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = conn.getresponse()
    data = r.read()
    return r.status, data

start = time.time()
for i in range(count):
    status, data = call("POST", "/api/databases", {"name": "tenant-%05d" % i})
    if status != 200:
        sys.exit("create tenant-%05d: %d %s" % (i, status, data[:200]))
created = time.time() - start

def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(p * len(values) + 0.5)) - 1))]

names = ["tenant-%05d" % i for i in random.sample(range(count), min(samples, count))]
cold = []
for name in names:
    t = time.perf_counter()
    status, data = call("POST", "/api/databases/%s/query" % name, {"sql": "SELECT 1"})
    cold.append((time.perf_counter() - t) * 1000)
    if status != 200:
        sys.exit("query %s: %d %s" % (name, status, data[:200]))
warm = []
for _ in range(samples):
    t = time.perf_counter()
    call("POST", "/api/databases/%s/query" % names[0], {"sql": "SELECT 1"})
    warm.append((time.perf_counter() - t) * 1000)
print("databases=%d create_seconds=%.1f creates_per_second=%.0f cold_p50_ms=%.2f cold_p99_ms=%.2f cold_max_ms=%.2f "
      "warm_p50_ms=%.2f warm_p99_ms=%.2f" % (count, created, count / created, percentile(cold, 0.5),
      percentile(cold, 0.99), max(cold), percentile(warm, 0.5), percentile(warm, 0.99)))
