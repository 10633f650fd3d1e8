-- A login attempt whose password was right, or that was never checked (io.portcullis.auth.LoginAttemptStore
-- .succeeded): its own count is taken back, and no other attempt's is; a back-off already set runs its course.
-- KEYS     the counters of one group, as for login-attempt.lua
-- ARGV[1]  ms to remember a success on KEYS[1] (0: nothing is remembered)
-- Returns 0.
local remember = tonumber(ARGV[1])
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 and tonumber(redis.call('HGET', KEYS[i], 'n') or '0') > 0 then
    redis.call('HINCRBY', KEYS[i], 'n', -1)
  end
end
if remember > 0 then
  redis.call('HSET', KEYS[1], 'ok', '1')
  if redis.call('PTTL', KEYS[1]) < remember then
    redis.call('PEXPIRE', KEYS[1], remember)
  end
end
return 0
