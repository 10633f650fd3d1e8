-- Token bucket: ARGV[1] tokens at most, refilled evenly at ARGV[1] per ARGV[2] milliseconds; a request takes
-- one token or is refused. Time is Redis server time (TIME), so the nodes' clocks never matter. Tokens are
-- kept scaled by the window (one token = ARGV[2] units, refill = ARGV[1] units per millisecond), so all
-- arithmetic is on integers. The key's TTL is the time to refill: a bucket full again has no key.
-- KEYS[1]  the bucket's hash {s = scaled tokens, t = ms of last update}
-- ARGV[1]  limit (capacity)                   ARGV[2]  window in milliseconds
-- Returns {1 admitted | 0 refused, whole tokens remaining, milliseconds until the next token}.
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local capacity = limit * window
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 's', 't')
local scaled = capacity
if state[1] and state[2] then
  scaled = tonumber(state[1])
  local last = tonumber(state[2])
  if now > last then
    scaled = math.min(capacity, scaled + (now - last) * limit)
  else
    -- Server time stepped back: refill nothing, and keep the later instant.
    now = last
  end
end
local admitted = 0
if scaled >= window then
  scaled = scaled - window
  admitted = 1
end
-- Never full here (a request was just counted against it), so the TTL is at least 1 ms.
local untilFull = math.ceil((capacity - scaled) / limit)
redis.call('HSET', KEYS[1], 's', string.format('%d', scaled), 't', string.format('%d', now))
redis.call('PEXPIRE', KEYS[1], math.max(1, untilFull))
local untilNext = math.ceil((window - (scaled % window)) / limit)
return {admitted, math.floor(scaled / window), untilNext}
