-- PUTs the same body under a new name every time: PUT_PREFIX<run>-<thread>-<n>.bin. Environment: BODY_FILE (the
-- bytes), PUT_PREFIX (path up to the name), AUTH_HEADER ("Name: value", optional), RUN (keeps repeated runs apart),
-- DISTINCT=1 (every body differs: its first bytes are replaced by its name, so no upload finds its bytes stored).
local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
local body = f:read("*a")
f:close()
local prefix = os.getenv("PUT_PREFIX")
local run = os.getenv("RUN") or "0"
local distinct = os.getenv("DISTINCT") == "1"
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
  local name = string.format("%s-%d-%d", run, tid, n)
  local b = body
  if distinct then b = name .. body:sub(#name + 1) end
  return wrk.format("PUT", prefix .. name .. ".bin", headers, b)
end

local unexpected = 0
function response(status, h, b)
  if status ~= 201 then
    unexpected = unexpected + 1
    if unexpected <= 3 then io.stderr:write("unexpected status " .. status .. ": " .. (b or "") .. "\n") end
  end
end
