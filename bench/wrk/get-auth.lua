-- GET with the header in AUTH_HEADER ("Name: value").
local auth = os.getenv("AUTH_HEADER")
local name, value = auth:match("^([^:]+):%s*(.*)$")
wrk.headers[name] = value
