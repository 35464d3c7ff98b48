-- P2: POST /v1/decisions for prospecting, the subject picked in turn from the ids in the file
-- CHARTER_SUBJECTS (one per line); the token comes from CHARTER_TOKEN.
local token = os.getenv("CHARTER_TOKEN")
local ids = {}
for line in io.lines(os.getenv("CHARTER_SUBJECTS")) do ids[#ids + 1] = line end
local i = 0
local headers = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}

request = function()
  i = i % #ids + 1
  return wrk.format("POST", "/v1/decisions", headers,
                    '{"subject_id":"' .. ids[i] .. '","purpose":"prospecting"}')
end
