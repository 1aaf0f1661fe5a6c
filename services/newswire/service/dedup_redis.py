"""The near-duplicate index shared by every consumer through one Redis (the `redis`
extra): service layer, because it talks to a server. The signatures, bands and the
decision rule are the core's (`newswire.core.enrichers.dedup`)."""

from __future__ import annotations

from newswire.core.enrichers.dedup import Candidate, Duplicate, DuplicateIndex, MemoryIndex, band_keys, decide, pack, unpack
from newswire.service.settings import Settings


def make_dedup_index(settings: Settings) -> DuplicateIndex | None:
    """The near-duplicate index the settings ask for (None when switched off)."""
    if settings.dedup_backend == "off":
        return None
    if settings.dedup_backend == "redis":
        return RedisIndex(settings.redis_url, settings.dedup_threshold, settings.dedup_window_seconds)
    return MemoryIndex(settings.dedup_threshold, settings.dedup_window_seconds, settings.dedup_max_entries)


# Insert-and-query in one atomic step. ARGV: prefix, id, packed signature, ttl, band keys...
_LUA = """
local p, id, ttl = ARGV[1], ARGV[2], tonumber(ARGV[4])
local skey = p .. 's:' .. id
local seq = redis.call('HGET', skey, 'seq')
if not seq then
  seq = redis.call('INCR', p .. 'seq')
  redis.call('HSET', skey, 'seq', seq, 'sig', ARGV[3])
end
redis.call('EXPIRE', skey, ttl)
local seen = {}
local out = {tostring(seq)}
for i = 5, #ARGV do
  local bkey = p .. 'b:' .. ARGV[i]
  for _, m in ipairs(redis.call('SMEMBERS', bkey)) do
    if m ~= id and not seen[m] then
      seen[m] = true
      local v = redis.call('HMGET', p .. 's:' .. m, 'seq', 'sig', 'root')
      if v[1] then
        table.insert(out, m); table.insert(out, v[1]); table.insert(out, v[2]); table.insert(out, v[3] or '')
      end
    end
  end
  redis.call('SADD', bkey, id)
  redis.call('EXPIRE', bkey, ttl)
end
return out
"""


class RedisIndex:
    """Index shared by every consumer through one Redis (the `redis` extra).

    Limits: one Redis node (the script touches keys it computes, which Redis Cluster
    does not allow); memory is about 1.2 KB per article for the window, so set Redis
    `maxmemory` with `volatile-ttl` for a hard bound."""

    def __init__(self, url: str, threshold: float = 0.5, window_seconds: int = 7 * 86400,
                 prefix: str = "newswire:dedup:") -> None:
        import redis  # optional dependency: pip install 'newswire[redis]'

        self.threshold = threshold
        self.window = int(window_seconds)
        self.prefix = prefix
        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self._script = self._redis.register_script(_LUA)

    def ping(self) -> bool:
        return bool(self._redis.ping())

    def check_and_add(self, article_id: str, sig: tuple[int, ...]) -> Duplicate | None:
        reply = self._script(args=[self.prefix, article_id, pack(sig), self.window, *band_keys(sig)])
        own_seq = int(reply[0])
        candidates = [
            Candidate(reply[i].decode(), int(reply[i + 1]), reply[i + 3].decode() or None, unpack(reply[i + 2]))
            for i in range(1, len(reply), 4)
        ]
        result = decide(own_seq, candidates, sig, self.threshold)
        if result is not None:
            # Copies leave the bands (see MemoryIndex); they stay findable by id.
            pipe = self._redis.pipeline(transaction=False)
            pipe.hset(f"{self.prefix}s:{article_id}", "root", result.duplicate_of)
            for key in band_keys(sig):
                pipe.srem(f"{self.prefix}b:{key}", article_id)
            pipe.execute()
        return result
