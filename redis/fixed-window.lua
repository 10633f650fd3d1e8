-- Fixed-window counter: count one event; the first one opens a window of ARGV[1] milliseconds.
-- Used by the fixed-window rate limiter (allowed while count <= limit, decided by the caller from the
-- atomic count) and by the counters behind login brute-force limits.
-- KEYS[1]  the bucket or counter key          ARGV[1]  window in milliseconds
-- Returns {count in this window, milliseconds until the window ends}.
local count = redis.call('INCR', KEYS[1])
local ttl
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
else
  ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then
    -- A key without a TTL (written by hand, or a lost PEXPIRE) would never reset.
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
    ttl = tonumber(ARGV[1])
  end
end
return {count, ttl}
