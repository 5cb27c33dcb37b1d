-- wrk: one records-API request per call, from the environment:
--   METHOD (GET), PATH (may contain {id}: a random record id from the file IDS), BODY (may contain {n}:
--   a random integer in [1, 10000]), AUTH (an Authorization header value, optional).
local method = os.getenv("METHOD") or "GET"
local path = os.getenv("PATH_TEMPLATE")
local body = os.getenv("BODY")
local auth = os.getenv("AUTH")
local ids = {}
local idsFile = os.getenv("IDS")
if idsFile then
  for line in io.lines(idsFile) do ids[#ids + 1] = line end
end
wrk.method = method
if body then wrk.headers["Content-Type"] = "application/json" end
if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
request = function()
  local p = path
  if #ids > 0 then p = p:gsub("{id}", ids[math.random(1, #ids)]) end
  local b = nil
  if body then b = body:gsub("{n}", tostring(math.random(1, 10000))) end
  return wrk.format(nil, p, nil, b)
end
