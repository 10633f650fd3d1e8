-- Take a user out of the set of enabled admins unless they are the last one, atomically across nodes.
-- KEYS[1]  admins     ARGV  user id
-- Returns 1 when released (or not in the set), 0 when refused: the user is the last enabled admin.
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then
  return 1
end
if redis.call('SCARD', KEYS[1]) <= 1 then
  return 0
end
redis.call('SREM', KEYS[1], ARGV[1])
return 1
