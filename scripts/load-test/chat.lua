-- wrk script: POST /v1/chat turns spread over 200 conversations (so sessions are reused, as in real use).
local key = os.getenv("SUPPORTKIT_LOAD_KEY") or ""
local counter = 0
local messages = { "Where is my refund?", "How do I change my email address?", "My order has not arrived", "I was charged twice" }

request = function()
  counter = counter + 1
  local body = string.format('{"customer_id":"load-%d","conversation_id":"conv-%d","message":"%s"}',
    counter % 200, counter % 200, messages[(counter % #messages) + 1])
  return wrk.format("POST", "/v1/chat", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. key,
  }, body)
end

local non200 = 0
response = function(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end
