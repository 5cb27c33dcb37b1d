-- wrk: sign-ups (creates in the auth collection "users"), each with an email no other request uses:
-- the thread's number and a counter. Env: PREFIX (keeps emails apart across runs on one database).
local prefix = os.getenv("PREFIX") or "s"
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
wrk.method = "POST"
wrk.path = "/api/collections/users/records"
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n + 1
  local body = string.format('{"email":"%s%d-%d@example.com","password":"signup-password","passwordConfirm":"signup-password"}',
    prefix, tid, n)
  return wrk.format(nil, nil, nil, body)
end
