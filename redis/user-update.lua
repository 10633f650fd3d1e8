-- Change one user's roles or disabled flag, atomically (two admins granting different roles at once both count).
-- KEYS[1]  user:{n:<username>}     ARGV  id, op (grant | revoke | disable | enable), role (grant, revoke)
-- Returns -1 when no user with this id is stored under the key, else 1.
if redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] then
  return -1
end
local op = ARGV[2]
if op == 'disable' then
  redis.call('HSET', KEYS[1], 'disabled', '1')
  return 1
end
if op == 'enable' then
  redis.call('HDEL', KEYS[1], 'disabled')
  return 1
end
local sep = '\031'
local current = redis.call('HGET', KEYS[1], 'roles') or ''
local roles = {}
local present = false
for role in string.gmatch(current, '[^' .. sep .. ']+') do
  if role == ARGV[3] then
    present = true
    if op ~= 'revoke' then
      table.insert(roles, role)
    end
  else
    table.insert(roles, role)
  end
end
if op == 'grant' and not present then
  table.insert(roles, ARGV[3])
end
redis.call('HSET', KEYS[1], 'roles', table.concat(roles, sep))
return 1
