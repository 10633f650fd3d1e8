-- Is an issued API key still there, and still the one this node read before? The hot-path check of an issued
-- key: the node remembers a key's id and scopes from its first lookup, and this confirms them on every request
-- instead of sending the whole record back, so that it can run in front of a rate-limit script.
-- KEYS[1]  apikey:{k:<id>}, the hot-path copy of the key's id and scopes (on the slot of its rate-limit bucket)
-- ARGV[1]  the key id the node remembers       ARGV[2]  its scopes as stored (joined by U+001F)
-- Returns 0 it is, 1 no such key (never issued, or revoked: the record is deleted), 2 it changed (read it again).
local stored = redis.call('HMGET', KEYS[1], 'id', 'scopes')
if not stored[1] then
  return 1
end
if stored[1] ~= ARGV[1] or (stored[2] or '') ~= ARGV[2] then
  return 2
end
return 0
