package io.relog.snapshot.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.FileType;
import com.moilioncircle.redis.replicator.RedisReplicator;
import com.moilioncircle.redis.replicator.Replicator;
import com.moilioncircle.redis.replicator.rdb.datatype.KeyValuePair;
import com.moilioncircle.redis.replicator.rdb.datatype.ZSetEntry;
import io.relog.engine.keyspace.Database;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An independent RDB parser (leonchen83/redis-replicator) reads {@link RdbWriter}'s output to
 * the same keys, values and expiry times, so the writer is not only checked against our own reader.
 */
class ReplicatorCrossCheckTest {

    @Test
    void redisReplicatorReadsOurRdb() throws Exception {
        long seed = System.nanoTime();
        Database[] views = RdbRoundTripTest.randomKeyspace(seed, 40);
        byte[] rdb = RdbRoundTripTest.write(views, RdbAux.withoutReplication(1, 1));

        List<Map<ByteBuffer, List<Object>>> theirs = new ArrayList<>();
        for (int i = 0; i < views.length; i++) {
            theirs.add(new HashMap<>());
        }
        Replicator replicator = new RedisReplicator(new ByteArrayInputStream(rdb), FileType.RDB,
                Configuration.defaultSetting());
        replicator.addEventListener((r, event) -> {
            if (event instanceof KeyValuePair<?, ?> kv) {
                long expire = kv.getExpiredMs() != null ? kv.getExpiredMs() : -1;
                theirs.get((int) kv.getDb().getDbNumber()).put(ByteBuffer.wrap((byte[]) kv.getKey()),
                        List.of(model(kv.getValue()), expire));
            }
        });
        replicator.open();
        replicator.close();

        List<Map<ByteBuffer, List<Object>>> ours = new ArrayList<>();
        for (Database db : views) {
            Map<ByteBuffer, List<Object>> m = new HashMap<>();
            db.keys().forEach((k, v) -> {
                Object content = Keyspaces.content(v);
                m.put(ByteBuffer.wrap(k), List.of(content instanceof List<?> l && v instanceof
                        io.relog.engine.types.ZSetValue ? new HashSet<>(l) : content, db.expireAt(k)));
            });
            ours.add(m);
        }
        assertThat(theirs).as("seed %d", seed).isEqualTo(ours);
    }

    /** redis-replicator's value as our model: byte[] → ByteBuffer, zset → set of (score, member). */
    private static Object model(Object v) {
        if (v instanceof byte[] b) {
            return ByteBuffer.wrap(b);
        } else if (v instanceof Map<?, ?> map) {
            Map<ByteBuffer, ByteBuffer> out = new HashMap<>();
            map.forEach((f, x) -> out.put(ByteBuffer.wrap((byte[]) f), ByteBuffer.wrap((byte[]) x)));
            return out;
        } else if (v instanceof List<?> list) {
            List<ByteBuffer> out = new ArrayList<>();
            list.forEach(e -> out.add(ByteBuffer.wrap((byte[]) e)));
            return out;
        } else if (v instanceof Collection<?> set) {
            HashSet<Object> out = new HashSet<>();
            for (Object e : set) {
                if (e instanceof ZSetEntry z) {
                    out.add(List.of(z.getScore(), ByteBuffer.wrap(z.getElement())));
                } else {
                    out.add(ByteBuffer.wrap((byte[]) e));
                }
            }
            return out;
        }
        throw new AssertionError(v.getClass());
    }
}
