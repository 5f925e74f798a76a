-- Blob uploads to Docker's distribution registry, the way docker push sends a small layer: POST starts an upload (202
-- with a Location), PUT <location>&digest=... sends the bytes and completes it (201). A connection's next request takes
-- the Location its POST got back. Two requests per upload. Environment: BODY_FILE, DIGEST ("sha256:<hex>").
local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
local body = f:read("*a")
f:close()
local digest = os.getenv("DIGEST")
local pending = {}
local headers = { ["Content-Type"] = "application/octet-stream" }

function request()
  local location = table.remove(pending)
  if location then
    local sep = location:find("?", 1, true) and "&" or "?"
    return wrk.format("PUT", location .. sep .. "digest=" .. digest, headers, body)
  end
  return wrk.format("POST", "/v2/bench/small/blobs/uploads/", nil, "")
end

local unexpected = 0
function response(status, h, b)
  if status == 202 then
    local location = (h["Location"] or h["location"]):gsub("^https?://[^/]+", "")
    table.insert(pending, location)
  elseif status ~= 201 then
    unexpected = unexpected + 1
    if unexpected <= 3 then io.stderr:write("unexpected status " .. status .. ": " .. (b or "") .. "\n") end
  end
end
