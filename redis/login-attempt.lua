-- One login attempt, counted before its password is checked (io.portcullis.auth.LoginAttemptStore.attempt).
-- KEYS     the counters of one group (hashes: n = attempts, next = epoch ms before which no attempt may be
--          made, ok = 1 after a success); KEYS[1] is the narrowest: when it holds ok, the others do not block
-- ARGV[1]  now (epoch ms)   ARGV[2] first back-off (ms)   ARGV[3] longest back-off (ms)
-- ARGV[4]  how long a counter is kept after its last attempt (ms)
-- ARGV[4+i] free attempts of KEYS[i]
-- Returns {1, ms to wait} when a counter is backing off (nothing counted), else {0, 0} (counted on every key).
local now = tonumber(ARGV[1])
local base = tonumber(ARGV[2])
local longest = tonumber(ARGV[3])
local window = tonumber(ARGV[4])
local trusted = redis.call('HGET', KEYS[1], 'ok') == '1'
local wait = 0
for i = 1, #KEYS do
  if i == 1 or not trusted then
    local nextAllowed = tonumber(redis.call('HGET', KEYS[i], 'next') or '0')
    if nextAllowed > now and nextAllowed - now > wait then
      wait = nextAllowed - now
    end
  end
end
if wait > 0 then
  return {1, wait}
end
for i = 1, #KEYS do
  local n = redis.call('HINCRBY', KEYS[i], 'n', 1)
  local free = tonumber(ARGV[4 + i])
  local keep = window
  if n >= free then
    local backoff = math.min(longest, base * math.pow(2, math.min(n - free, 40)))
    redis.call('HSET', KEYS[i], 'next', string.format('%d', now + backoff))
    keep = math.max(keep, backoff)
  end
  if redis.call('PTTL', KEYS[i]) < keep then
    redis.call('PEXPIRE', KEYS[i], keep)
  end
end
return {0, 0}
