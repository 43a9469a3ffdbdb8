-- post_new: POST /v2/videos with a different, valid identifier on every request.
--
-- Every request tracks a post the server has never seen, so neither the store's
-- "already tracked" path nor any cache can answer it: this measures the full create
-- path (identifier resolution, content generation, insert, JSON encoding).
--
-- Uniqueness: each wrk thread gets its own index in setup(); its identifiers come from
-- the block base + index * 2^40 + n (n = the thread's own counter), so threads never
-- repeat each other and a thread would need 2^40 requests to wrap. An optional first
-- script argument (after "--") shifts every block, to keep runs against one server apart.
--
-- Ids are 64-bit: LuaJIT numbers are doubles (exact only to 2^53), so all id arithmetic
-- uses uint64 cdata (the ULL literals), which LuaJIT supports natively.
--
-- The forms rotate so that every resolver branch is exercised:
--   0: https://www.tiktok.com/@u{n}/video/{id}      (TikTok URL)
--   1: {id}                                        (bare TikTok id)
--   2: {pk}                                        (Instagram numeric media pk)
--   3: https://www.instagram.com/p/{shortcode}/    (Instagram URL, base64url of a pk)

local TIKTOK_BASE = 7300000000000000000ULL    -- 19 digits, below 2^63-1, no leading zero
local INSTAGRAM_BASE = 3100000000000000000ULL -- a realistic pk size: 11-character shortcodes
local THREAD_STRIDE = 1099511627776ULL         -- 2^40 identifiers per thread
local RUN_STRIDE = 70368744177664ULL           -- 2^46: 64 threads' blocks per run salt

local ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

local next_index = 0

function setup(thread)
   -- Runs in the main Lua state once per thread, before it starts: hand out indexes.
   thread:set("thread_index", next_index)
   next_index = next_index + 1
end

local offset = 0ULL
local counter = 0ULL

function init(args)
   -- thread_index is the global that setup() put into this thread's own Lua state.
   local salt = tonumber(args[1] or "0") or 0
   offset = RUN_STRIDE * salt + THREAD_STRIDE * thread_index
end

local function decimal(n)
   -- tostring() of a uint64 cdata reads "123ULL".
   return (tostring(n):gsub("ULL$", ""))
end

local function shortcode(pk)
   -- Big-endian base 64 with Instagram's URL-safe alphabet; pk > 0, so no leading "A".
   local chars = {}
   while pk > 0ULL do
      local digit = tonumber(bit.band(pk, 63ULL))
      table.insert(chars, 1, ALPHABET:sub(digit + 1, digit + 1))
      pk = bit.rshift(pk, 6)
   end
   return table.concat(chars)
end

local headers = {
   ["Authorization"] = "Bearer ca_test_full",
   ["Content-Type"] = "application/json",
}

function request()
   local n = offset + counter
   local form = tonumber(counter % 4ULL)
   counter = counter + 1ULL
   local platform, identifier
   if form == 0 then
      platform = "tiktok"
      identifier = "https://www.tiktok.com/@u" .. decimal(counter) .. "/video/"
         .. decimal(TIKTOK_BASE + n)
   elseif form == 1 then
      platform, identifier = "tiktok", decimal(TIKTOK_BASE + n)
   elseif form == 2 then
      platform, identifier = "instagram", decimal(INSTAGRAM_BASE + n)
   else
      platform = "instagram"
      identifier = "https://www.instagram.com/p/" .. shortcode(INSTAGRAM_BASE + n) .. "/"
   end
   local body = '{"platform":"' .. platform .. '","identifier":"' .. identifier .. '"}'
   return wrk.format("POST", "/v2/videos", headers, body)
end
