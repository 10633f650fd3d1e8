-- Is an access token revoked? One round trip for the three ways a token can be revoked.
-- KEYS[1]  rv:{u:<sub>}:j:<jti>   (absent when the token has no jti: the key is then never written)
-- KEYS[2]  rv:{u:<sub>}:s:<sid>
-- KEYS[3]  rv:{u:<sub>}:nbf       epoch milliseconds: tokens issued before it are revoked
-- ARGV[1]  the token's iat in epoch milliseconds
-- All keys share the {u:<sub>} hash tag, so this runs on one Cluster slot.
-- Returns 0 active, 1 token revoked, 2 session revoked, 3 subject revoked.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 1
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  return 2
end
local mark = redis.call('GET', KEYS[3])
if mark and tonumber(ARGV[1]) < tonumber(mark) then
  return 3
end
return 0
