// netschema clusters on Redis: see docs/cluster.md.
export { redisCluster, RedisCluster, RedisClusterStats, type RedisClusterOptions } from './redis-cluster.js';
