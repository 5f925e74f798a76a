-- PUTs the same body under a new name every time: PUT_PREFIX<run>-<thread>-<n>.bin. Environment: BODY_FILE (the
-- bytes), PUT_PREFIX (path up to the name), AUTH_HEADER ("Name: value", optional), RUN (keeps repeated runs apart).
local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
local body = f:read("*a")
f:close()
local prefix = os.getenv("PUT_PREFIX")
local run = os.getenv("RUN") or "0"
local headers = { ["Content-Type"] = "application/octet-stream" }
local auth = os.getenv("AUTH_HEADER")
if auth and auth ~= "" then
  local name, value = auth:match("^([^:]+):%s*(.*)$")
  headers[name] = value
end

local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
end

local n = 0
function request()
  n = n + 1
  return wrk.format("PUT", string.format("%s%s-%d-%d.bin", prefix, run, tid, n), headers, body)
end

local unexpected = 0
function response(status, h, b)
  if status ~= 201 then
    unexpected = unexpected + 1
    if unexpected <= 3 then io.stderr:write("unexpected status " .. status .. ": " .. (b or "") .. "\n") end
  end
end
