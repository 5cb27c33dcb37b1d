-- wrk: POST a JSON body with an Authorization header, both from the environment.
-- BODY may contain {n}, replaced by a random integer in [1, ROWS] per request (point selects).
local body = os.getenv("BODY")
local auth = os.getenv("AUTH")
local rows = tonumber(os.getenv("ROWS") or "10000")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = auth
request = function()
  return wrk.format(nil, nil, nil, (body:gsub("{n}", tostring(math.random(1, rows)))))
end
