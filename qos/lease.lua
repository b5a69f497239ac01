-- efsgw qos lease script (SPDX-License-Identifier: Apache-2.0).
--
-- One atomic step of a file system's shared token bucket, run by every
-- gateway of the file system with EVALSHA (EVAL after NOSCRIPT). It
-- refills the bucket from the time elapsed on Redis's own clock (TIME, so
-- gateway clocks do not matter) - at baseline, plus burst bought with
-- credits, unused baseline earning credits, as qos/bucket.c does - adds the
-- metered bytes the gateway reports, records its heartbeat, and grants up to the
-- requested tokens, at most depth / live gateways per lease so that one
-- gateway cannot take a whole refill when others are waiting.
-- Key layout: docs/qos.md "Redis keys".
--
-- KEYS[1] efsgw:qos:{fs}:bucket    hash tokens, last (us), credits, metered
-- KEYS[2] efsgw:qos:{fs}:gateways  zset member gateway id, score expiry (ms)
-- KEYS[3] efsgw:qos:{fs}:gw:<id>   string, the gateway's last lease time, PX ttl
-- ARGV  1 gateway id      2 tokens requested  3 metered bytes used since last
--       4 rate (bytes/s, 0 = no shared bucket) 5 baseline (0 = no credits)
--       6 credit cap      7 depth             8 heartbeat ttl (ms)
--       9 tokens returned (an idle gateway gives back what it held)
-- Returns { granted, live gateways, permitted rate, credits, metered total }.

-- TIME is non-deterministic: Redis < 5 must replicate effects, not the script.
if redis.replicate_commands ~= nil then pcall(redis.replicate_commands) end

local gw = ARGV[1]
local req = tonumber(ARGV[2]) or 0
local used = tonumber(ARGV[3]) or 0
local rate = tonumber(ARGV[4]) or 0
local baseline = tonumber(ARGV[5]) or 0
local cap = tonumber(ARGV[6]) or 0
local depth = tonumber(ARGV[7]) or 0
local ttl = tonumber(ARGV[8]) or 3000
local back = tonumber(ARGV[9]) or 0

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nowms = math.floor(now / 1000)

local h = redis.call('HMGET', KEYS[1], 'tokens', 'last', 'credits', 'metered')
local tokens = tonumber(h[1])
local last = tonumber(h[2])
local credits = tonumber(h[3])
local metered = tonumber(h[4]) or 0
if tokens == nil or last == nil then
	tokens = depth
	last = now
end
-- A new file system starts with a full balance.
if credits == nil then credits = cap end

local dt = (now - last) / 1000000
if dt < 0 then dt = 0 end
if back < 0 then back = 0 end
if baseline > 0 and baseline < rate then
	-- Baseline is free; unused baseline (a full bucket) earns credits;
	-- tokens above baseline, up to the burst rate, are bought with credits.
	local t = tokens + baseline * dt + back
	if t > depth then
		credits = math.min(cap, credits + (t - depth))
		t = depth
	else
		local extra = math.min((rate - baseline) * dt, credits, depth - t)
		t = t + extra
		credits = credits - extra
	end
	tokens = t
else
	tokens = math.min(depth, tokens + rate * dt + back)
end
metered = metered + used

redis.call('ZADD', KEYS[2], nowms + ttl, gw)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', nowms)
redis.call('PEXPIRE', KEYS[2], ttl)
local live = redis.call('ZCARD', KEYS[2])
if live < 1 then live = 1 end
redis.call('SET', KEYS[3], now, 'PX', ttl)

local grant = 0
if req > 0 and rate > 0 and tokens > 0 then
	grant = math.floor(math.min(req, tokens, math.max(depth / live, 1)))
	tokens = tokens - grant
end

redis.call('HSET', KEYS[1], 'tokens', tokens, 'last', now,
	'credits', credits, 'metered', metered)

local permitted = rate
-- Exhausted = not enough left to burst for one bucket depth.
if baseline > 0 and baseline < rate and credits < (rate - baseline) * depth / rate then
	permitted = baseline
end
return { grant, live, math.floor(permitted), math.floor(credits), math.floor(metered) }
