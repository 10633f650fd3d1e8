-- Create a user unless the username is taken, atomically.
-- KEYS[1]  user:{n:<username>}     ARGV  id, username, password hash, roles (joined by U+001F)
-- Returns 1 when created, 0 when the username is taken.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'username', ARGV[2], 'hash', ARGV[3], 'roles', ARGV[4])
return 1
