"""The Lua scripts of the Redis store: each one is a check-and-set Redis runs atomically.

Redis runs a script with nothing interleaved, so every guarantee that needs a read and
then a write (insert unless present, quota, idempotency claims, the preload claim)
holds across every process sharing the store. Scripts are sent once per connection
pool by SHA (``EVALSHA``), and sent again by redis-py when a restarted Redis forgot them.

Videos: ``KEYS[1]`` is the organization's hash (id -> order key + JSON), ``KEYS[2]`` its
listing index, a sorted set whose members are ``order key .. id``, all of score 0, so
the set is ordered by (added_at, id) lexicographically (see :mod:`.codec`).
"""

from __future__ import annotations

# ARGV: id, encoded video, quota ("" for none). -> {1} new, {0, stored} present, {2} quota.
INSERT_VIDEO = """
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if stored then return {0, stored} end
if ARGV[3] ~= '' and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return {2} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], 0, string.sub(ARGV[2], 1, 16) .. ARGV[1])
return {1}
"""

# ARGV: id, encoded video. -> 1 replaced, 0 not there (nothing written).
SAVE_VIDEO = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old then return 0 end
local before, after = string.sub(old, 1, 16), string.sub(ARGV[2], 1, 16)
if before ~= after then
  redis.call('ZREM', KEYS[2], before .. ARGV[1])
  redis.call('ZADD', KEYS[2], 0, after .. ARGV[1])
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
"""

# ARGV: id. -> 1 deleted, 0 not there.
DELETE_VIDEO = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], string.sub(old, 1, 16) .. ARGV[1])
return 1
"""

# ARGV: first and last lex bound, count (-1: all), "1" for descending.
# -> the videos of that index range, in its order, one consistent read: their encodings
# joined by newlines (which JSON text never holds raw) into one string, which the
# client parses in one go rather than reply by reply.
PAGE_VIDEOS = """
local members
if ARGV[4] == '1' then
  members = redis.call('ZRANGE', KEYS[2], ARGV[1], ARGV[2], 'BYLEX', 'REV', 'LIMIT', 0, ARGV[3])
else
  members = redis.call('ZRANGE', KEYS[2], ARGV[1], ARGV[2], 'BYLEX', 'LIMIT', 0, ARGV[3])
end
local videos = {}
for i, member in ipairs(members) do
  videos[i] = redis.call('HGET', KEYS[1], string.sub(member, 17))
end
return table.concat(videos, '\\n')
"""

# KEYS: the record (a hash: f fingerprint, r response, e expiry in simulated seconds).
# ARGV: fingerprint, now, backstop ms. -> {"new"}, {"in_flight"}, {"mismatch"},
# {"replay", response}. Expiry is judged by the simulated ``now``; the real TTL only
# collects records nobody asks for (and in-flight claims of a process that died).
BEGIN_IDEMPOTENT = """
local record = redis.call('HMGET', KEYS[1], 'f', 'r', 'e')
if record[1] and not (record[2] and tonumber(record[3]) <= tonumber(ARGV[2])) then
  if record[1] ~= ARGV[1] then return {'mismatch'} end
  if record[2] then return {'replay', record[2]} end
  return {'in_flight'}
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'f', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {'new'}
"""

# ARGV: encoded response, expiry (simulated seconds), backstop ms. Only an in-flight
# claim is completed: a record released or completed meanwhile stays as it is.
COMPLETE_IDEMPOTENT = """
if redis.call('HEXISTS', KEYS[1], 'f') == 0 or redis.call('HEXISTS', KEYS[1], 'r') == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'r', ARGV[1], 'e', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""

# Forget an in-flight claim; a completed record is kept for replay.
RELEASE_IDEMPOTENT = """
if redis.call('HEXISTS', KEYS[1], 'r') == 0 then redis.call('DEL', KEYS[1]) end
return 0
"""

# ARGV: backstop seconds. -> the window's count including this request. The key names
# the window (bucket and start), so a new window is a new key starting from 1.
HIT_RATE_LIMIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""

# ARGV: encoded entry, limit. Keeps the ``limit`` most recent entries.
RECORD = """
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
return 0
"""

# KEYS: the registry of sessions. ARGV: name, cap. -> 1 exists now, 0 over the cap.
REGISTER_SESSION = """
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('SADD', KEYS[1], ARGV[1])
return 1
"""

# KEYS: registry, preload marker. ARGV: session, claimer's token, lease ms.
# The marker is absent (load it), "loaded", or "loading <deadline ms> <token>".
# -> {1} claimed: load, then finish; {0} loaded; {2, token} being loaded by token.
# A claim never finished by its deadline counts as loaded: the claimer took the
# session over without the bundled dataset (a control-plane dataset) or died.
# The session is registered again if another replica dropped it: it is in use.
CLAIM_PRELOAD = """
redis.call('SADD', KEYS[1], ARGV[1])
local state = redis.call('GET', KEYS[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if not state then
  redis.call('SET', KEYS[2], string.format('loading %d %s', now + tonumber(ARGV[3]), ARGV[2]))
  return {1}
end
if state == 'loaded' then return {0} end
local deadline, owner = string.match(state, '^loading (%d+) (%S+)$')
if not deadline or tonumber(deadline) <= now then
  redis.call('SET', KEYS[2], 'loaded')
  return {0}
end
return {2, owner}
"""

# KEYS: preload marker. ARGV: token. Marks the claim of ``token`` loaded (a reset since
# then cleared it: nothing to mark).
FINISH_PRELOAD = """
local state = redis.call('GET', KEYS[1])
if state and string.match(state, '^loading %d+ (%S+)$') == ARGV[1] then
  redis.call('SET', KEYS[1], 'loaded')
end
return 0
"""

ALL = {
    "insert_video": INSERT_VIDEO,
    "save_video": SAVE_VIDEO,
    "delete_video": DELETE_VIDEO,
    "page_videos": PAGE_VIDEOS,
    "begin_idempotent": BEGIN_IDEMPOTENT,
    "complete_idempotent": COMPLETE_IDEMPOTENT,
    "release_idempotent": RELEASE_IDEMPOTENT,
    "hit_rate_limit": HIT_RATE_LIMIT,
    "record": RECORD,
    "register_session": REGISTER_SESSION,
    "claim_preload": CLAIM_PRELOAD,
    "finish_preload": FINISH_PRELOAD,
}
