-- A direct route's value in one round trip, whatever its type.
-- KEYS[1]  the application's own key, as the route's template made it (no gateway prefix)
-- Returns {'none'}, {'string', value}, {'hash', field, value, field, value, …}, or {<type>} for any other type.
local kind = redis.call('TYPE', KEYS[1]).ok
if kind == 'string' then
  return {kind, redis.call('GET', KEYS[1])}
end
if kind == 'hash' then
  local fields = redis.call('HGETALL', KEYS[1])
  table.insert(fields, 1, kind)
  return fields
end
return {kind}
