-- post_existing: POST /v2/videos of one video the harness tracked before the run.
--
-- The server answers 200 with the stored record: this measures the "already tracked"
-- path (validation, identifier resolution, one store lookup, JSON encoding) without
-- content generation. The identifier comes as the first script argument (after "--").

local request_bytes

function init(args)
   local identifier = args[1] or "6718335390845095173"
   local platform = args[2] or "tiktok"
   local body = '{"platform":"' .. platform .. '","identifier":"' .. identifier .. '"}'
   -- The request never changes, so it is formatted once per thread.
   request_bytes = wrk.format("POST", "/v2/videos", {
      ["Authorization"] = "Bearer ca_test_full",
      ["Content-Type"] = "application/json",
   }, body)
end

function request()
   return request_bytes
end
