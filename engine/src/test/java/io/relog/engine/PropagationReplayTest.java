package io.relog.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.engine.keyspace.Database;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The propagated stream is a faithful log: replaying it on an empty engine, at the same clock
 * times, gives the identical keyspace (keys, values, expiry times) in every database; and a frozen
 * view taken mid-workload equals the replay of the stream up to that point.
 *
 * <p>The workload is random (seeded {@link Random}; the seed is printed on failure) over every
 * string, key and database command, with TTLs and a clock that advances, plus runs of the active
 * expiry cycle. Key hashing and RANDOMKEY use process-level randomness, so a failing seed
 * reproduces the same command sequence though not always the same keyspace walk order.
 */
class PropagationReplayTest {

    private static final int COMMANDS = 10_000;
    private static final int DATABASES = 4;

    @Test
    void replayOfPropagatedStreamGivesIdenticalKeyspace() {
        long seed = new Random().nextLong();
        for (long s : new long[] {42L, seed}) {
            try {
                run(s);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + s + ": " + e.getMessage(), e);
            }
        }
    }

    /** A master under the random workload, recording its stream and the time of each entry. */
    private static final class Master {
        final long[] clock = {TestEngine.START};
        final List<byte[][]> stream = new ArrayList<>();
        final List<Long> times = new ArrayList<>();
        final Engine engine = new Engine(DATABASES, () -> clock[0], argv -> {
            stream.add(argv);
            times.add(clock[0]);
        });
        final Session session = new Session(1);
        final RecordingReply reply = new RecordingReply();

        Master() {
            EngineCommands.registerAll(engine.commands());
        }

        void exec(String... args) {
            byte[][] argv = new byte[args.length][];
            for (int i = 0; i < args.length; i++) {
                argv[i] = args[i].getBytes(StandardCharsets.ISO_8859_1);
            }
            engine.execute(session, argv, reply);
            reply.take();
        }
    }

    private void run(long seed) {
        Random r = new Random(seed);
        Master m = new Master();
        int freezeAt = COMMANDS / 2 + r.nextInt(COMMANDS / 4);
        Database[] frozen = null;
        int frozenStreamLength = -1;
        for (int i = 0; i < COMMANDS; i++) {
            if (i == freezeAt) {
                frozen = new Database[DATABASES];
                for (int d = 0; d < DATABASES; d++) {
                    frozen[d] = m.engine.db(d).freeze();
                }
                frozenStreamLength = m.stream.size();
            }
            m.clock[0] += r.nextInt(100) < 90 ? r.nextInt(40) : r.nextInt(3000);
            if (r.nextInt(50) == 0) {
                m.engine.activeExpireCycle(Long.MAX_VALUE);
            } else {
                m.exec(randomCommand(r, m.clock[0]));
            }
        }
        Engine replayed = replay(m, m.stream.size(), 0);
        for (int d = 0; d < DATABASES; d++) {
            assertThat(dump(replayed.db(d))).as("db %d after %d commands", d, COMMANDS)
                    .isEqualTo(dump(m.engine.db(d)));
        }
        // Replayed an hour earlier, the stream must still give the same keyspace: every expiry in it
        // is absolute, and every deletion the master made by expiry is in it as DEL, so an earlier
        // clock (at which nothing the master kept has expired yet) changes nothing. A relative time
        // left in the stream would show up here.
        Engine earlier = replay(m, m.stream.size(), -3_600_000L);
        for (int d = 0; d < DATABASES; d++) {
            assertThat(dump(earlier.db(d))).as("db %d replayed an hour earlier", d)
                    .isEqualTo(dump(m.engine.db(d)));
        }
        Engine prefix = replay(m, frozenStreamLength, 0);
        for (int d = 0; d < DATABASES; d++) {
            assertThat(dump(prefix.db(d))).as("db %d frozen at command %d", d, freezeAt)
                    .isEqualTo(dump(frozen[d]));
        }
        // The workload must have exercised what it claims to: expiry, rewrites and several dbs.
        List<String> names = new ArrayList<>();
        for (byte[][] argv : m.stream) {
            names.add(new String(argv[0], StandardCharsets.US_ASCII).toUpperCase());
        }
        assertThat(names).contains("DEL", "PEXPIREAT", "SET", "SELECT", "SWAPDB", "MOVE", "FLUSHDB", "COPY");
        assertThat(m.stream.stream().anyMatch(a -> a.length == 5 && new String(a[3]).equals("PXAT"))).isTrue();
        assertThat(m.engine.expiredKeys()).isPositive();
    }

    /**
     * Feeds the first {@code n} propagated commands (SELECTs included) to a fresh engine, each at
     * the time the master propagated it plus {@code shiftMs}.
     */
    private static Engine replay(Master m, int n, long shiftMs) {
        long[] clock = {TestEngine.START};
        Engine e = new Engine(DATABASES, () -> clock[0], argv -> { });
        EngineCommands.registerAll(e.commands());
        Session s = new Session(2);
        RecordingReply reply = new RecordingReply();
        for (int i = 0; i < n; i++) {
            clock[0] = m.times.get(i) + shiftMs;
            byte[][] argv = m.stream.get(i);
            e.execute(s, argv, reply);
            String out = reply.take();
            assertThat(out).as("replay of %s", show(argv)).doesNotStartWith("-");
        }
        return e;
    }

    private static String show(byte[][] argv) {
        StringBuilder sb = new StringBuilder();
        for (byte[] a : argv) {
            sb.append(new String(a, StandardCharsets.ISO_8859_1)).append(' ');
        }
        return sb.toString().trim();
    }

    /** Physical contents of a database: key → value and expiry time (expired, not yet deleted keys included). */
    private static Map<String, String> dump(Database db) {
        Map<String, String> out = new TreeMap<>();
        db.keys().forEach((k, v) -> out.put(new String(k, StandardCharsets.ISO_8859_1),
                new String((byte[]) v, StandardCharsets.ISO_8859_1) + " @" + db.expireAt(k)));
        return out;
    }

    // ------------------------------------------------------------------ workload

    private static String key(Random r) {
        return r.nextInt(4) == 0 ? "n" + r.nextInt(4) : "k" + r.nextInt(16);
    }

    private static String value(Random r) {
        switch (r.nextInt(5)) {
            case 0:
                return Integer.toString(r.nextInt(200) - 100);
            case 1:
                return r.nextInt(10) + "." + r.nextInt(100);
            case 2:
                return "";
            default:
                StringBuilder sb = new StringBuilder();
                int n = 1 + r.nextInt(8);
                for (int i = 0; i < n; i++) {
                    sb.append((char) ('a' + r.nextInt(6)));
                }
                return sb.toString();
        }
    }

    private static String[] expireOption(Random r, long now) {
        switch (r.nextInt(5)) {
            case 0:
                return new String[] {"EX", Integer.toString(1 + r.nextInt(3))};
            case 1:
                return new String[] {"PX", Integer.toString(1 + r.nextInt(3000))};
            case 2:
                return new String[] {"EXAT", Long.toString(now / 1000 + r.nextInt(4) - 1)};
            case 3:
                return new String[] {"PXAT", Long.toString(now + r.nextInt(4000) - 500)};
            default:
                return new String[0];
        }
    }

    private static String[] cat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String[] randomCommand(Random r, long now) {
        String k = key(r);
        switch (r.nextInt(48)) {
            case 0, 1, 2: {
                String[] c = {"SET", k, value(r)};
                if (r.nextInt(4) == 0) {
                    c = cat(c, r.nextBoolean() ? "NX" : "XX");
                }
                if (r.nextInt(4) == 0) {
                    c = cat(c, "GET");
                }
                if (r.nextInt(5) == 0) {
                    c = cat(c, "KEEPTTL");
                } else {
                    c = cat(c, expireOption(r, now));
                }
                return c;
            }
            case 3: return new String[] {"SETNX", k, value(r)};
            case 4: return new String[] {"SETEX", k, Integer.toString(1 + r.nextInt(3)), value(r)};
            case 5: return new String[] {"PSETEX", k, Integer.toString(1 + r.nextInt(3000)), value(r)};
            case 6: return new String[] {"GETSET", k, value(r)};
            case 7: return new String[] {"GETDEL", k};
            case 8: {
                String[] c = {"GETEX", k};
                return r.nextInt(4) == 0 ? cat(c, "PERSIST") : cat(c, expireOption(r, now));
            }
            case 9: return new String[] {"GET", k};
            case 10: return new String[] {"MGET", k, key(r), key(r)};
            case 11: return new String[] {"MSET", k, value(r), key(r), value(r)};
            case 12: return new String[] {"MSETNX", k, value(r), key(r), value(r)};
            case 13: return new String[] {"INCR", k};
            case 14: return new String[] {"DECR", k};
            case 15: return new String[] {"INCRBY", k, Integer.toString(r.nextInt(100) - 50)};
            case 16: return new String[] {"DECRBY", k, Integer.toString(r.nextInt(100) - 50)};
            case 17: return new String[] {"INCRBYFLOAT", k, (r.nextInt(20) - 10) + "." + r.nextInt(1000)};
            case 18: return new String[] {"APPEND", k, value(r)};
            case 19: return new String[] {"STRLEN", k};
            case 20: return new String[] {"GETRANGE", k, Integer.toString(r.nextInt(10) - 5), Integer.toString(r.nextInt(10) - 5)};
            case 21: return new String[] {"SETRANGE", k, Integer.toString(r.nextInt(12)), value(r)};
            case 22: return new String[] {"SUBSTR", k, "0", "2"};
            case 23: return new String[] {"LCS", k, key(r)};
            case 24: return new String[] {"DEL", k, key(r)};
            case 25: return new String[] {"UNLINK", k};
            case 26: return new String[] {"EXISTS", k, key(r)};
            case 27: return new String[] {"TYPE", k};
            case 28: return new String[] {"RENAME", k, key(r)};
            case 29: return new String[] {"RENAMENX", k, key(r)};
            case 30: return new String[] {"KEYS", r.nextBoolean() ? "*" : "k1*"};
            case 31: return new String[] {"SCAN", "0", "COUNT", Integer.toString(1 + r.nextInt(20))};
            case 32: return new String[] {"RANDOMKEY"};
            case 33, 34: {
                String[] names = {"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"};
                int which = r.nextInt(4);
                long t = switch (which) {
                    case 0 -> r.nextInt(5) - 1;
                    case 1 -> r.nextInt(4000) - 200;
                    case 2 -> now / 1000 + r.nextInt(5) - 1;
                    default -> now + r.nextInt(4000) - 500;
                };
                String[] c = {names[which], k, Long.toString(t)};
                if (r.nextInt(3) == 0) {
                    c = cat(c, new String[] {"NX", "XX", "GT", "LT"}[r.nextInt(4)]);
                }
                return c;
            }
            case 35: return new String[] {new String[] {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"}[r.nextInt(4)], k};
            case 36: return new String[] {"PERSIST", k};
            case 37: return new String[] {"TOUCH", k, key(r)};
            case 38: {
                String[] c = {"COPY", k, key(r)};
                if (r.nextBoolean()) {
                    c = cat(c, "DB", Integer.toString(r.nextInt(DATABASES)));
                }
                return r.nextBoolean() ? cat(c, "REPLACE") : c;
            }
            case 39: return new String[] {"OBJECT", "ENCODING", k};
            case 40, 41: return new String[] {"SELECT", Integer.toString(r.nextInt(DATABASES))};
            case 42: return new String[] {"DBSIZE"};
            case 43: return r.nextInt(10) == 0 ? new String[] {"FLUSHDB", r.nextBoolean() ? "ASYNC" : "SYNC"}
                    : new String[] {"GET", k};
            case 44: return r.nextInt(40) == 0 ? new String[] {"FLUSHALL"} : new String[] {"TTL", k};
            case 45: return new String[] {"SWAPDB", Integer.toString(r.nextInt(DATABASES)), Integer.toString(r.nextInt(DATABASES))};
            case 46: return new String[] {"MOVE", k, Integer.toString(r.nextInt(DATABASES))};
            default: return new String[] {"TIME"};
        }
    }
}
