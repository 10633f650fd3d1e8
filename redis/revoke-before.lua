-- Per-subject not-before mark (logout-all): every token issued before it is revoked.
-- KEYS[1]  rv:{u:<sub>}:nbf        ARGV[1]  the mark, epoch milliseconds
-- ARGV[2]  keep the mark this many milliseconds (longest token lifetime plus leeway)
-- KEYS[2]  (optional) the revocation stream, rv-events:{rv}; ARGV[3] its approximate MAXLEN. The mark in force
--          after this call and its expiry (Redis time) are appended to it in the same call.
-- The mark never moves back (two nodes, skewed clocks); its TTL is always renewed.
-- Returns the stream entry's id, or "" without a stream.
local current = redis.call('GET', KEYS[1])
local mark = ARGV[1]
if (not current) or tonumber(current) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
else
  mark = current
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
if KEYS[2] then
  local now = redis.call('TIME')
  local expires = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) + tonumber(ARGV[2])
  return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'k', KEYS[1], 'v', mark, 'x', tostring(expires))
end
return ''
