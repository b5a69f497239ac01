-- efsgw qos lease script (SPDX-License-Identifier: Apache-2.0).
--
-- One atomic step of a file system's shared budget, run by every gateway
-- of the file system with EVALSHA (SCRIPT LOAD once per connection and
-- after NOSCRIPT). A gateway calls it at most every lease_ms / 2 (every
-- lease_ms while it has demand, every heartbeat_ms when idle), never per
-- call. It
--  * records the gateway's heartbeat (a zset of expiry times) and its
--    demand (bytes/s it would use: its recent usage plus its queue),
--    forgetting gateways whose heartbeat expired;
--  * spends the burst credits on Redis's own clock (TIME, so gateway
--    clocks do not matter): baseline is free, usage above it costs credits,
--    unused baseline earns them, as qos/bucket.c does - from the metered
--    bytes the gateway reports (refunds are negative);
--  * grants the gateway a rate: the permitted rate (burst while credits
--    last, tapering to baseline) times its share of the total demand, or the
--    permitted rate / live gateways when nobody has demand. So the grants
--    of all gateways add up to the permitted rate, split by demand, not
--    per gateway. The gateway refills its local bucket at that rate until
--    its next lease.
-- Key layout: docs/qos.md "Redis keys".
--
-- KEYS[1] efsgw:qos:{fs}:bucket    hash last (us), credits, metered
-- KEYS[2] efsgw:qos:{fs}:gateways  zset member gateway id, score expiry (ms)
-- KEYS[3] efsgw:qos:{fs}:gw:<id>   string, the gateway's last lease time, PX ttl
-- KEYS[4] efsgw:qos:{fs}:demand    hash gateway id -> demand (bytes/s)
-- ARGV  1 gateway id      2 demand (bytes/s)   3 metered bytes since last
--       4 rate (bytes/s, 0 = no shared bucket) 5 baseline (0 = no credits)
--       6 credit cap      7 depth (bytes)      8 heartbeat ttl (ms)
-- Returns { granted rate (bytes/s), live gateways, permitted rate, credits,
--           metered total }.

-- TIME is non-deterministic: Redis < 5 must replicate effects, not the script.
if redis.replicate_commands ~= nil then pcall(redis.replicate_commands) end

local gw = ARGV[1]
local demand = tonumber(ARGV[2]) or 0
local used = tonumber(ARGV[3]) or 0
local rate = tonumber(ARGV[4]) or 0
local baseline = tonumber(ARGV[5]) or 0
local cap = tonumber(ARGV[6]) or 0
local depth = tonumber(ARGV[7]) or 0
local ttl = tonumber(ARGV[8]) or 3000
if demand < 0 then demand = 0 end

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nowms = math.floor(now / 1000)

local h = redis.call('HMGET', KEYS[1], 'last', 'credits', 'metered')
local last = tonumber(h[1]) or now
-- A new file system starts with a full balance.
local credits = tonumber(h[2]) or cap
local metered = tonumber(h[3]) or 0

local dt = (now - last) / 1000000
if dt < 0 then dt = 0 end
local bursting = baseline > 0 and baseline < rate
if bursting then
	credits = credits + baseline * dt - used
	if credits > cap then credits = cap end
	-- Overshoot within one lease is paid back, never more than a depth.
	if credits < -depth then credits = -depth end
end
metered = metered + used

-- Heartbeats: forget expired gateways and their demand.
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', nowms)
for i = 1, #gone do redis.call('HDEL', KEYS[4], gone[i]) end
if #gone > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', nowms) end
redis.call('ZADD', KEYS[2], nowms + ttl, gw)
redis.call('PEXPIRE', KEYS[2], ttl)
local live = redis.call('ZCARD', KEYS[2])
if live < 1 then live = 1 end
redis.call('SET', KEYS[3], now, 'PX', ttl)

if demand > 0 then
	redis.call('HSET', KEYS[4], gw, demand)
else
	redis.call('HDEL', KEYS[4], gw)
end
redis.call('PEXPIRE', KEYS[4], ttl)
local total = 0
local vals = redis.call('HVALS', KEYS[4])
for i = 1, #vals do total = total + (tonumber(vals[i]) or 0) end

-- Baseline, plus what the credits can pay for over one bucket window
-- (depth / rate seconds, one lease period by default): full burst while
-- they last, tapering to baseline as they run out, so the balance goes to
-- zero at exhaustion instead of stopping at a threshold it would burst
-- from again after any pause.
local permitted = rate
if bursting then
	local window = depth / rate
	local extra = 0
	if credits > 0 and window > 0 then extra = credits / window end
	permitted = baseline + math.min(rate - baseline, extra)
end
local grant = 0
if rate > 0 then
	if total > 0 then
		grant = permitted * demand / total
	else
		grant = permitted / live
	end
end

redis.call('HSET', KEYS[1], 'last', now, 'credits', credits, 'metered', metered)
if credits < 0 then credits = 0 end
return { math.floor(grant), live, math.floor(permitted), math.floor(credits),
	math.floor(math.max(metered, 0)) }
