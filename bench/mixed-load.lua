-- wrk script for bench/mixed-load.sh: each connection cycles through uploads (new files and identical retries),
-- downloads, a missing file, package lists, GraphQL queries and a GraphQL error. Counts answers by status.
local counter = 0
local token = os.getenv("TOKEN")
local project = os.getenv("PROJECT")
local body = string.rep("x", 2048)
statuses = {}
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

local function generic(path)
  return "/api/v4/projects/" .. project .. "/packages/generic/" .. path
end

function request()
  counter = counter + 1
  local headers = { ["PRIVATE-TOKEN"] = token }
  local kind = counter % 8
  if kind == 0 then
    return wrk.format("PUT", generic("load/1." .. id .. "." .. (counter % 50) .. "/f" .. counter .. ".bin"), headers, body)
  elseif kind == 1 then
    return wrk.format("PUT", generic("load/seed/same.bin"), headers, body) -- races into one version
  elseif kind == 2 or kind == 3 then
    return wrk.format("GET", generic("load/seed/seed.bin"), headers)
  elseif kind == 4 then
    return wrk.format("GET", generic("load/seed/missing.bin"), headers)
  elseif kind == 5 then
    return wrk.format("GET", "/api/v4/projects/" .. project .. "/packages?per_page=20", headers)
  elseif kind == 6 then
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", "/api/graphql", headers, '{"query":"{ project(fullPath: \\"load/app\\") { packages(first: 5) { nodes { name version } } } }"}')
  else
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", "/api/graphql", headers, '{"query":"{ noSuchField }"}')
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for status, n in pairs(s) do total[status] = (total[status] or 0) + n end
  end
  local line = "answers by status:"
  for status, n in pairs(total) do line = line .. " " .. status .. "=" .. n end
  print(line)
end
