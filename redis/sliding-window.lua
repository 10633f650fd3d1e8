-- Sliding-window log: exact. Every admitted request is a member of one sorted set, scored by Redis server
-- time in milliseconds (TIME, so the nodes' clocks never matter); a request is admitted while fewer than
-- ARGV[1] members are younger than ARGV[2] milliseconds. Refused requests are not recorded.
-- KEYS[1]  the bucket's sorted set            ARGV[1]  limit            ARGV[2]  window in milliseconds
-- Returns {1 admitted | 0 refused, requests remaining, milliseconds until the remaining count next grows}.
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if newest[2] and tonumber(newest[2]) > now then
  -- Server time stepped back: keep scores monotonic so members stay unique and ordered.
  now = tonumber(newest[2])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local admitted = 0
if count < limit then
  -- Unique: at one instant the count only grows, so (now, count) never repeats.
  redis.call('ZADD', KEYS[1], now, now .. '-' .. count)
  redis.call('PEXPIRE', KEYS[1], window)
  count = count + 1
  admitted = 1
end
-- The member whose departure frees the next slot: the oldest, or (over a lowered limit) the one that
-- brings the count back under it.
local index = 0
if count >= limit then
  index = count - limit
end
local freeing = redis.call('ZRANGE', KEYS[1], index, index, 'WITHSCORES')
local reset = window
if freeing[2] then
  reset = tonumber(freeing[2]) + window - now
end
local remaining = limit - count
if remaining < 0 then
  remaining = 0
end
return {admitted, remaining, reset}
