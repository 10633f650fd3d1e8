-- A node's revocation mirror reports the last stream entry it has applied.
-- KEYS[1]  rv-nodes:{rv}, a hash: node id -> last applied stream id
-- ARGV[1]  the node id     ARGV[2]  the last applied id     ARGV[3]  1: register (or register again), 0: ack
-- Register: writes the field and returns the stream's last id at that moment (KEYS[2], rv-events:{rv}): the
-- node trusts its mirror only once it has applied that far (a revocation written before it registered was not
-- waited for by the revoking node). Ack: updates the field only if the node is still registered (a node that
-- did not answer in time is dropped by the revoking node) and returns it, or 0 when it was dropped.
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
  if last[1] then
    return last[1][1]
  end
  return '0-0'
end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return ARGV[2]
