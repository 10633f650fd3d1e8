-- Per-subject not-before mark (logout-all): every token issued before it is revoked.
-- KEYS[1]  rv:{u:<sub>}:nbf        ARGV[1]  the mark, epoch milliseconds
-- ARGV[2]  keep the mark this many milliseconds (longest token lifetime plus leeway)
-- The mark never moves back (two nodes, skewed clocks); its TTL is always renewed.
local current = redis.call('GET', KEYS[1])
if (not current) or tonumber(current) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
else
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 1
