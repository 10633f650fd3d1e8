-- Rotate a refresh token: spend the presented one and make the successor current, atomically.
-- KEYS[1]  session:{s:<sid>}  hash: user, created, expires, last (epoch ms), cur, prev, prev_at, env,
--                             and one field x:<hash> per spent token
-- ARGV[1] presented hash   ARGV[2] successor hash   ARGV[3] successor envelope
-- ARGV[4] now (epoch ms)   ARGV[5] grace (ms)       ARGV[6] idle timeout (ms)
-- Returns {outcome, user, created, expires, last, current hash, envelope}; outcome is one of
-- rotated | grace | reused | expired | unknown (the RotationResult outcomes).
local key = KEYS[1]
local f = redis.call('HMGET', key, 'user', 'created', 'expires', 'last', 'cur', 'prev', 'prev_at', 'env')
local user, created, expires, last, cur, prev, prev_at, env = f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]
if not user then
  return {'unknown'}
end
local presented = ARGV[1]
local now = tonumber(ARGV[4])
local idle = tonumber(ARGV[6])
if now >= tonumber(expires) or now - tonumber(last) >= idle then
  redis.call('DEL', key)
  return {'expired'}
end
if presented == cur then
  redis.call('HSET', key, 'cur', ARGV[2], 'prev', cur, 'prev_at', ARGV[4], 'env', ARGV[3],
    'last', ARGV[4], 'x:' .. cur, ARGV[4])
  redis.call('PEXPIREAT', key, math.min(tonumber(expires), now + idle))
  return {'rotated', user, created, expires, ARGV[4], ARGV[2], ARGV[3]}
end
if presented == prev and now - tonumber(prev_at) <= tonumber(ARGV[5]) then
  return {'grace', user, created, expires, last, cur, env}
end
if redis.call('HEXISTS', key, 'x:' .. presented) == 1 then
  -- RFC 9700 4.14.2: a spent refresh token came back; whoever holds the chain may be an attacker.
  redis.call('DEL', key)
  return {'reused', user, created, expires, last, '', ''}
end
return {'unknown'}
