-- Mixed CI traffic for bench/mixed-load.sh: downloads (authenticated and anonymous), uploads of new small and medium
-- files and identical re-uploads racing into one version, a missing file, REST and GraphQL package lists and a
-- GraphQL error, drawn at random by weight. Counts the answers by status; any 5xx, or a status no request here
-- should get, is written to stderr (the script then fails). Environment: TOKEN, SMALL_FILE, MEDIUM_FILE (bodies
-- for the uploads), RUN.
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

local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  math.randomseed(os.time() + tid)
  statuses = {}
end

local n = 0
function request()
  n = n + 1
  local r = math.random(100)
  if r <= 43 then return wrk.format("GET", generic .. "small/1.0.0/small.bin", auth) end
  if r <= 57 then return wrk.format("GET", "/api/v4/projects/bench%2Fpublic/packages/generic/small/1.0.0/small.bin") end
  if r <= 66 then return wrk.format("PUT", string.format("%sput/%s.%d/f-%d.bin", generic, run, tid, n), auth, small) end
  if r <= 68 then return wrk.format("PUT", generic .. "small/1.0.0/small.bin", auth, small) end -- races into one version
  if r <= 70 then return wrk.format("PUT", string.format("%smedium/%s.%d/m-%d.bin", generic, run, tid, n), auth, medium) end
  if r <= 75 then return wrk.format("GET", generic .. "medium/1.0.0/medium.bin", auth) end
  if r <= 76 then return wrk.format("GET", generic .. "small/1.0.0/missing.bin", auth) end -- 404
  if r <= 87 then return wrk.format("GET", "/api/v4/projects/bench%2Fci/packages?page=" .. math.random(50), auth) end
  if r <= 88 then return wrk.format("POST", "/api/graphql", json, '{"query":"{ noSuchField }"}') end -- 400
  return wrk.format("POST", "/api/graphql", json, graphql)
end

local expected = { [200] = true, [201] = true, [400] = true, [404] = true }
function response(status, h, b)
  statuses[status] = (statuses[status] or 0) + 1
  if not expected[status] then
    statuses.unexpected = (statuses.unexpected or 0) + 1
    if statuses.unexpected <= 3 then io.stderr:write("unexpected status " .. status .. ": " .. string.sub(b or "", 1, 200) .. "\n") end
  end
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      if status ~= "unexpected" then total[status] = (total[status] or 0) + count end
    end
  end
  local line = "answers by status:"
  for status, count in pairs(total) do line = line .. " " .. status .. "=" .. count end
  print(line)
end
