-- One revoked token or session: the key exists until what it revokes expires, and when the revocation mirror
-- is on, the same call appends the revocation to the stream every node's mirror reads, so the key and the
-- event can never diverge.
-- KEYS[1]  rv:{u:<sub>}:j:<jti> or rv:{u:<sub>}:s:<sid>
-- KEYS[2]  (optional) the revocation stream, rv-events:{rv}
-- ARGV[1]  expire at, epoch milliseconds           ARGV[2]  (with KEYS[2]) the stream's approximate MAXLEN
-- Returns the stream entry's id, or "" without a stream.
redis.call('SET', KEYS[1], '1', 'PXAT', ARGV[1])
if KEYS[2] then
  return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'k', KEYS[1], 'v', '1', 'x', ARGV[1])
end
return ''
