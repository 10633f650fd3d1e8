-- A check, then a rate-limit count, in one script: one round trip for both, atomic, and nothing is counted
-- when the check refuses. Never loaded alone: the gateway loads it with two scripts of this directory put in
-- front of it, each as a function of its own KEYS and ARGV (io.portcullis.store.LuaScript.checkThenCount):
--   local function check(KEYS, ARGV) <revocation-check.lua | api-key-match.lua> end
--   local function count(KEYS, ARGV) <fixed-window.lua | sliding-window.lua | token-bucket.lua> end
-- KEYS     the check's keys, then the rate-limit bucket's key (last)
-- ARGV[1]  how many of the ARGV after it are the check's; they follow, then the rate-limit script's
-- In Redis Cluster every key must be on one slot: the caller combines only when they are.
-- Returns {check's answer} when it is not 0 (refused: nothing counted), else {0, rate-limit script's answer…}.
local checkCount = tonumber(ARGV[1])
local checkKeys, checkArgs, countArgs = {}, {}, {}
for i = 1, #KEYS - 1 do
  checkKeys[i] = KEYS[i]
end
for i = 2, #ARGV do
  if i <= checkCount + 1 then
    checkArgs[#checkArgs + 1] = ARGV[i]
  else
    countArgs[#countArgs + 1] = ARGV[i]
  end
end
local verdict = check(checkKeys, checkArgs)
if verdict ~= 0 then
  return {verdict}
end
local counted = count({KEYS[#KEYS]}, countArgs)
table.insert(counted, 1, 0)
return counted
