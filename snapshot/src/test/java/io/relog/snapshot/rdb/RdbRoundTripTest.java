package io.relog.snapshot.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.engine.Clock;
import io.relog.engine.Engine;
import io.relog.engine.keyspace.Database;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random keyspaces of every type → {@link RdbWriter} → {@link RdbReader} → identical content, TTLs and encodings. */
class RdbRoundTripTest {

    static final int DBS = 4;

    static byte[] write(Database[] views, RdbAux aux) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long n = RdbWriter.write(views, aux, out);
        assertThat(n).isEqualTo(out.size());
        return out.toByteArray();
    }

    static RdbLoad read(byte[] rdb) throws Exception {
        return RdbReader.read(new ByteArrayInputStream(rdb), rdb.length, RdbReader.Options.defaults(DBS));
    }

    static Database[] randomKeyspace(long seed, int maxKeys) {
        Engine engine = new Engine(DBS, Clock.SYSTEM, io.relog.engine.propagation.Propagation.DISCARD);
        Database[] dbs = new Database[DBS];
        for (int i = 0; i < DBS; i++) {
            dbs[i] = engine.db(i);
        }
        Keyspaces.fill(new Random(seed), dbs, maxKeys, 1_700_000_000_000L);
        return engine.freeze();
    }

    @Test
    void randomKeyspacesRoundTrip() throws Exception {
        long base = System.nanoTime();
        for (int round = 0; round < 25; round++) {
            long seed = base + round;
            Database[] views = randomKeyspace(seed, 40);
            RdbAux aux = new RdbAux("7.0.15", 1_700_000_000L, 123456, "0123456789abcdef0123456789abcdef01234567",
                    98765, 2, false);
            byte[] rdb = write(views, aux);
            RdbLoad load = read(rdb);
            assertThat(Keyspaces.model(load.databases())).as("seed %d", seed)
                    .isEqualTo(asLoaded(Keyspaces.model(views)));
            for (Database d : load.databases()) {
                assertThat(d.usedMemory()).as("seed %d, memory estimate of db %d", seed, d.index())
                        .isEqualTo(d.recomputeUsedMemory());
            }
            assertThat(load.version()).isEqualTo(9);
            assertThat(load.replId()).isEqualTo(aux.replId());
            assertThat(load.replOffset()).isEqualTo(98765);
            assertThat(load.replStreamDb()).isEqualTo(2);
            assertThat(load.auxString("redis-ver")).isEqualTo("7.0.15");
            assertThat(load.auxString("redis-bits")).isEqualTo("64");
            assertThat(load.auxString("aof-base")).isEqualTo("0");
            assertThat(load.warnings()).isEmpty();
            long keys = 0;
            for (Database d : views) {
                keys += d.size();
            }
            assertThat(load.keys()).isEqualTo(keys);
        }
    }

    @Test
    void emptyKeyspaceWithoutReplicationInfo() throws Exception {
        Engine engine = new Engine(DBS, Clock.SYSTEM, io.relog.engine.propagation.Propagation.DISCARD);
        byte[] rdb = write(engine.freeze(), RdbAux.withoutReplication(1, 2));
        assertThat(new String(rdb, 0, 9, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("REDIS0009");
        RdbLoad load = read(rdb);
        assertThat(load.replId()).isNull();
        assertThat(load.replOffset()).isEqualTo(-1);
        assertThat(load.keys()).isZero();
        // The trailer is the CRC of everything before it.
        long crc = Crc64.update(0, rdb, 0, rdb.length - 8);
        long stored = 0;
        for (int i = 0; i < 8; i++) {
            stored |= (rdb[rdb.length - 8 + i] & 0xffL) << (8 * i);
        }
        assertThat(stored).isEqualTo(crc);
    }

    @Test
    void integerStringsAreIntegerEncodedOnlyWhenCanonical() throws Exception {
        assertThat(RdbOutput.canonicalInt(Keyspaces.b("0"))).isZero();
        assertThat(RdbOutput.canonicalInt(Keyspaces.b("-2147483648"))).isEqualTo(Integer.MIN_VALUE);
        assertThat(RdbOutput.canonicalInt(Keyspaces.b("2147483647"))).isEqualTo(Integer.MAX_VALUE);
        for (String s : new String[] {"-0", "01", "+1", "2147483648", "-", "1a", " 1"}) {
            assertThat(RdbOutput.canonicalInt(Keyspaces.b(s))).as(s).isEqualTo(Long.MIN_VALUE);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RdbOutput out = new RdbOutput(bytes);
        out.writeString(Keyspaces.b("-1"));
        out.writeString(Keyspaces.b("300"));
        out.writeString(Keyspaces.b("70000"));
        out.writeString(Keyspaces.b("007"));
        out.flush();
        assertThat(bytes.toByteArray()).containsExactly(
                0xc0, 0xff, 0xc1, 0x2c, 0x01, 0xc2, 0x70, 0x11, 0x01, 0x00, 3, '0', '0', '7');
    }

    /**
     * The model as loading gives it back: a hash that once outgrew the listpack limits and is back
     * within them (a long value overwritten by a short one) stays a hashtable in memory but loads
     * as a listpack, as Redis does; every other encoding is kept.
     */
    @SuppressWarnings("unchecked")
    private static java.util.List<java.util.Map<java.nio.ByteBuffer, java.util.List<Object>>> asLoaded(
            java.util.List<java.util.Map<java.nio.ByteBuffer, java.util.List<Object>>> model) {
        java.util.List<java.util.Map<java.nio.ByteBuffer, java.util.List<Object>>> out = new java.util.ArrayList<>();
        for (java.util.Map<java.nio.ByteBuffer, java.util.List<Object>> db : model) {
            java.util.Map<java.nio.ByteBuffer, java.util.List<Object>> m = new java.util.HashMap<>();
            db.forEach((k, v) -> {
                java.util.List<Object> e = new java.util.ArrayList<>(v);
                if ("hash".equals(e.get(0)) && "hashtable".equals(e.get(1))) {
                    java.util.Map<java.nio.ByteBuffer, java.nio.ByteBuffer> h =
                            (java.util.Map<java.nio.ByteBuffer, java.nio.ByteBuffer>) e.get(2);
                    boolean fits = h.size() <= io.relog.engine.types.HashValue.DEFAULT_MAX_LISTPACK_ENTRIES
                            && h.entrySet().stream().allMatch(x ->
                                    x.getKey().remaining() <= io.relog.engine.types.HashValue.DEFAULT_MAX_LISTPACK_VALUE
                                    && x.getValue().remaining() <= io.relog.engine.types.HashValue.DEFAULT_MAX_LISTPACK_VALUE);
                    if (fits) {
                        e.set(1, "listpack");
                    }
                }
                m.put(k, java.util.List.copyOf(e));
            });
            out.add(m);
        }
        return out;
    }
}
