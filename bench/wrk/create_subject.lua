-- P1: POST /v1/subjects with 6 contact fields, a unique e-mail address per request.
-- wrk -s bench/wrk/create_subject.lua ... ; the token comes from the environment (CHARTER_TOKEN).
local token = os.getenv("CHARTER_TOKEN")
math.randomseed(os.time())
local counter = 0
local tag = nil

setup = function(thread)
  thread:set("tid", tostring(math.random(1, 1e9)))
end

request = function()
  if tag == nil then tag = tid or tostring(math.random(1, 1e9)) end
  counter = counter + 1
  local body = '{"purposes":["prospecting"],"fields":{' ..
    '"last_name":"Martin","first_name":"Camille","job_title":"Buyer",' ..
    '"postal_address":"12 rue de la Paix, 75002 Paris","phone":"+33 6 12 34 56 78",' ..
    '"email":"p' .. tag .. '.' .. counter .. '@bench.example.org"}}'
  return wrk.format("POST", "/v1/subjects", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end
