// The registry's Lua scripts. Each runs atomically in Redis, which is what makes a seat
// reservation safe against concurrent joins through other nodes: the check for a free seat and
// the seat itself happen in one step. Every script gets the key prefix as ARGV[1] and builds
// its keys from it; all keys share one hash tag, so they live in one slot.
//
// Keys (P = prefix, e.g. `{netschema}:`):
//   P node:<id>         string, the node's URL; its TTL is the node's lease
//   P members           set of registered node ids (the reaper walks it)
//   P nodes             zset node id -> load; nodes that take new rooms (not draining)
//   P draining          set of draining node ids
//   P noderooms:<id>    set of a node's room ids
//   P room:<id>         hash name, node, clients, max, private, locked, pending, created
//   P byname:<name>     set of every room id of a name (listing by name)
//   P name:<name>       zset room id -> free seats: the public, unlocked rooms of live, non-draining nodes
//   P seats:<room>      zset seat id -> expiry (ms, Redis clock)
//   P seatexp           zset room id -> its earliest seat expiry (so expired seats are found without a scan)

const PRELUDE = `
local P = ARGV[1]
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function live(node)
  return redis.call('EXISTS', P .. 'node:' .. node) == 1
end
-- Purges a room's expired seats and puts its free seats in its name's index (or takes it out).
-- Returns free seats and the room's fields, or nil when the room is gone.
local function refresh(id, now)
  local r = redis.call('HMGET', P .. 'room:' .. id, 'name', 'node', 'clients', 'max', 'private', 'locked')
  if not r[1] then
    redis.call('ZREM', P .. 'seatexp', id)
    return nil
  end
  local sk = P .. 'seats:' .. id
  redis.call('ZREMRANGEBYSCORE', sk, '-inf', now)
  local first = redis.call('ZRANGE', sk, 0, 0, 'WITHSCORES')
  if first[2] then redis.call('ZADD', P .. 'seatexp', first[2], id) else redis.call('ZREM', P .. 'seatexp', id) end
  local free = tonumber(r[4]) - tonumber(r[3]) - redis.call('ZCARD', sk)
  local ik = P .. 'name:' .. r[1]
  if r[5] == '0' and r[6] == '0' and redis.call('SISMEMBER', P .. 'draining', r[2]) == 0 then
    redis.call('ZADD', ik, free, id)
  else
    redis.call('ZREM', ik, id)
  end
  return free, r
end
local function drop_room(id)
  local r = redis.call('HMGET', P .. 'room:' .. id, 'name', 'node')
  if r[1] then
    redis.call('ZREM', P .. 'name:' .. r[1], id)
    redis.call('SREM', P .. 'byname:' .. r[1], id)
  end
  if r[2] then redis.call('SREM', P .. 'noderooms:' .. r[2], id) end
  redis.call('DEL', P .. 'room:' .. id, P .. 'seats:' .. id)
  redis.call('ZREM', P .. 'seatexp', id)
end
-- A node without a lease is dead: its rooms leave the registry.
local function reap(node)
  for _, id in ipairs(redis.call('SMEMBERS', P .. 'noderooms:' .. node)) do drop_room(id) end
  redis.call('DEL', P .. 'noderooms:' .. node)
  redis.call('ZREM', P .. 'nodes', node)
  redis.call('SREM', P .. 'members', node)
  redis.call('SREM', P .. 'draining', node)
end
-- Seats past their expiry give their place back (a bounded number per call).
local function expire_seats(now)
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'seatexp', '-inf', now, 'LIMIT', 0, 32)) do refresh(id, now) end
end
local function add_seat(id, node, seat, ttl, now)
  local exp = now + ttl
  redis.call('ZADD', P .. 'seats:' .. id, exp, seat)
  redis.call('ZADD', P .. 'seatexp', 'LT', exp, id)
  -- Counted in the node's load at once, so concurrent creations spread (the heartbeat sets the real load).
  redis.call('ZADD', P .. 'nodes', 'XX', 'INCR', 1, node)
  refresh(id, now)
end
local function placed(id, name, node, seat)
  return {'seat', id, name, node, redis.call('GET', P .. 'node:' .. node) or '', seat}
end
`;

/**
 * A seat for a join by name. ARGV: P, name, maxClients, newRoomId, seatId, seatTtlMs.
 * The fullest room with a free seat wins (rooms fill before new ones open); with none, a new
 * room on the least loaded live node. Returns {'seat', roomId, name, node, url, seat} or
 * {'none', reason, message}.
 */
export const PLACE_BY_NAME = `${PRELUDE}
local name, max, new_id, seat, ttl = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], tonumber(ARGV[6])
local now = now_ms()
expire_seats(now)
local ik = P .. 'name:' .. name
for _ = 1, 16 do
  local c = redis.call('ZRANGEBYSCORE', ik, 1, '+inf', 'LIMIT', 0, 1)[1]
  if not c then break end
  local free, r = refresh(c, now)
  if free == nil then
    redis.call('ZREM', ik, c)
  elseif not live(r[2]) then
    reap(r[2])
  elseif free >= 1 then
    add_seat(c, r[2], seat, ttl, now)
    return placed(c, name, r[2], seat)
  end
end
for _ = 1, 16 do
  local n = redis.call('ZRANGE', P .. 'nodes', 0, 0)[1]
  if not n then break end
  if live(n) then
    redis.call('HSET', P .. 'room:' .. new_id, 'name', name, 'node', n, 'clients', 0, 'max', max, 'private', 0, 'locked', 0, 'pending', 1, 'created', now)
    redis.call('SADD', P .. 'noderooms:' .. n, new_id)
    redis.call('SADD', P .. 'byname:' .. name, new_id)
    add_seat(new_id, n, seat, ttl, now)
    return placed(new_id, name, n, seat)
  end
  reap(n)
end
return {'none', 'full', 'every room named ' .. name .. ' is full and no live node takes new rooms'}
`;

/** A seat in a room by id. ARGV: P, roomId, seatId, seatTtlMs. */
export const PLACE_BY_ID = `${PRELUDE}
local id, seat, ttl = ARGV[2], ARGV[3], tonumber(ARGV[4])
local now = now_ms()
local free, r = refresh(id, now)
if free == nil then return {'none', 'not-found', 'no room with id ' .. id .. ' in the cluster'} end
if not live(r[2]) then
  reap(r[2])
  return {'none', 'not-found', 'room ' .. id .. ' was on a node that is gone'}
end
if free < 1 then return {'none', 'full', 'room ' .. id .. ' is full (' .. r[4] .. ' clients)'} end
add_seat(id, r[2], seat, ttl, now)
return placed(id, r[1], r[2], seat)
`;

/**
 * A redirected client presents its seat. ARGV: P, roomId, seatId, node, holdMs. The seat must be
 * live and in a room of this node; it is then held (still counted) until the node's next
 * update consumes it. Returns {'ok', name} or {'no', reason}.
 */
export const CLAIM_SEAT = `${PRELUDE}
local id, seat, node, hold = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local now = now_ms()
local r = redis.call('HMGET', P .. 'room:' .. id, 'name', 'node')
if not r[1] then return {'no', 'room ' .. id .. ' is gone'} end
if r[2] ~= node then return {'no', 'room ' .. id .. ' is on another node'} end
local exp = redis.call('ZSCORE', P .. 'seats:' .. id, seat)
if not exp or tonumber(exp) <= now then return {'no', 'the seat expired'} end
redis.call('ZADD', P .. 'seats:' .. id, now + hold, seat)
return {'ok', r[1]}
`;

/**
 * A node's room as it is now. ARGV: P, node, id, name, clients, max, private, locked, seats...
 * The listed seats are used up (their clients are now in \`clients\`, or refused) in the same
 * step, so the room's count is never both or neither.
 */
export const UPDATE_ROOM = `${PRELUDE}
local node, id, name = ARGV[2], ARGV[3], ARGV[4]
local rk = P .. 'room:' .. id
local owner = redis.call('HGET', rk, 'node')
if owner and owner ~= node then return 0 end
local now = now_ms()
redis.call('HSET', rk, 'name', name, 'node', node, 'clients', ARGV[5], 'max', ARGV[6], 'private', ARGV[7], 'locked', ARGV[8], 'pending', 0)
redis.call('HSETNX', rk, 'created', now)
redis.call('SADD', P .. 'noderooms:' .. node, id)
redis.call('SADD', P .. 'byname:' .. name, id)
for i = 9, #ARGV do redis.call('ZREM', P .. 'seats:' .. id, ARGV[i]) end
refresh(id, now)
return 1
`;

/** A node's room was disposed. ARGV: P, node, id. */
export const CLOSE_ROOM = `${PRELUDE}
local node, id = ARGV[2], ARGV[3]
if redis.call('HGET', P .. 'room:' .. id, 'node') == node then drop_room(id) end
return 1
`;

/**
 * The heartbeat. ARGV: P, node, url, leaseMs, load, draining (1/0). Renews the lease, writes
 * the node's load (plus the seats reserved in its rooms), says whether the lease had lapsed (1:
 * the node must register its rooms again), reaps dead nodes, and expires seats. It walks the
 * node's rooms: O(rooms of the node) once per heartbeat.
 */
export const BEAT = `${PRELUDE}
local node, url, lease, load, draining = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local had = redis.call('SET', P .. 'node:' .. node, url, 'PX', lease, 'GET')
redis.call('SADD', P .. 'members', node)
local now = now_ms()
if draining == '1' then
  redis.call('ZREM', P .. 'nodes', node)
  redis.call('SADD', P .. 'draining', node)
else
  -- Clients on their way (live seats in its rooms) count too: the node cannot see them yet.
  for _, id in ipairs(redis.call('SMEMBERS', P .. 'noderooms:' .. node)) do
    load = load + redis.call('ZCOUNT', P .. 'seats:' .. id, now, '+inf')
  end
  redis.call('ZADD', P .. 'nodes', load, node)
end
for _, m in ipairs(redis.call('SMEMBERS', P .. 'members')) do
  if not live(m) then reap(m) end
end
expire_seats(now)
if had then return 0 end
return 1
`;

/** Drops this node's registered rooms it no longer holds. ARGV: P, node, minAgeMs, ids... */
export const DROP_STALE = `${PRELUDE}
local node, min_age = ARGV[2], tonumber(ARGV[3])
local now = now_ms()
local n = 0
for i = 4, #ARGV do
  local id = ARGV[i]
  local r = redis.call('HMGET', P .. 'room:' .. id, 'node', 'pending', 'created')
  if r[1] == node then
    local sk = P .. 'seats:' .. id
    redis.call('ZREMRANGEBYSCORE', sk, '-inf', now)
    -- A room placed here whose first client has not arrived yet keeps its seat: not stale.
    if r[2] ~= '1' or (redis.call('ZCARD', sk) == 0 and now - tonumber(r[3]) > min_age) then
      drop_room(id)
      n = n + 1
    end
  elseif not r[1] then
    redis.call('SREM', P .. 'noderooms:' .. node, id)
  end
end
return n
`;

/** This node leaves: its lease and rooms go. ARGV: P, node. */
export const LEAVE = `${PRELUDE}
redis.call('DEL', P .. 'node:' .. ARGV[2])
reap(ARGV[2])
return 1
`;

/** Stops placing new rooms here and takes this node's rooms out of the name indexes. ARGV: P, node. */
export const DRAIN = `${PRELUDE}
local node = ARGV[2]
redis.call('SADD', P .. 'draining', node)
redis.call('ZREM', P .. 'nodes', node)
local now = now_ms()
for _, id in ipairs(redis.call('SMEMBERS', P .. 'noderooms:' .. node)) do refresh(id, now) end
return 1
`;
