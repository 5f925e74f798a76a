-- Mixed CI traffic for the memory benchmark: downloads (authenticated and anonymous), uploads of new small and
-- medium files, REST and GraphQL package lists, drawn at random by weight. Environment: TOKEN, SMALL_FILE,
-- MEDIUM_FILE (bodies for the uploads), RUN.
local function slurp(path)
  local f = assert(io.open(path, "rb")); local s = f:read("*a"); f:close(); return s
end
local token = os.getenv("TOKEN")
local small = slurp(os.getenv("SMALL_FILE"))
local medium = slurp(os.getenv("MEDIUM_FILE"))
local run = os.getenv("RUN") or "0"
local auth = { ["PRIVATE-TOKEN"] = token }
local json = { ["PRIVATE-TOKEN"] = token, ["Content-Type"] = "application/json" }
local generic = "/api/v4/projects/bench%2Fci/packages/generic/"
local graphql = '{"query":"{ project(fullPath: \\"bench/ci\\") { packages(first: 20) { count nodes { id name version '
  .. 'packageFiles { nodes { fileName size fileSha256 } } } pageInfo { endCursor } } } }"}'

local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
end

function init(args) math.randomseed(os.time() + tid) end

local n = 0
function request()
  n = n + 1
  local r = math.random(100)
  if r <= 45 then return wrk.format("GET", generic .. "small/1.0.0/small.bin", auth) end
  if r <= 60 then return wrk.format("GET", "/api/v4/projects/bench%2Fpublic/packages/generic/small/1.0.0/small.bin") end
  if r <= 70 then return wrk.format("PUT", string.format("%sput/%s.%d/f-%d.bin", generic, run, tid, n), auth, small) end
  if r <= 72 then return wrk.format("PUT", string.format("%smedium/%s.%d/m-%d.bin", generic, run, tid, n), auth, medium) end
  if r <= 77 then return wrk.format("GET", generic .. "medium/1.0.0/medium.bin", auth) end
  if r <= 88 then return wrk.format("GET", "/api/v4/projects/bench%2Fci/packages?page=" .. math.random(50), auth) end
  return wrk.format("POST", "/api/graphql", json, graphql)
end

local unexpected = 0
function response(status, h, b)
  if status >= 300 then
    unexpected = unexpected + 1
    if unexpected <= 3 then io.stderr:write("unexpected status " .. status .. ": " .. string.sub(b or "", 1, 200) .. "\n") end
  end
end
