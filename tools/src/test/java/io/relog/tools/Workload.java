package io.relog.tools;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;

/**
 * Random writes of every type Relog and Redis share, in three databases, some inside
 * MULTI/EXEC, with binary keys and values; sent as raw commands so they run unchanged on Relog
 * and on redis-server.
 */
final class Workload {

    private final Random rnd;
    private int db;

    Workload(Random rnd) {
        this.rnd = rnd;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private byte[] key(String type) {
        int n = rnd.nextInt(12);
        return n == 0 ? b(type + ":bin\u0000\r\n\u00ff") : b(type + ":" + n);
    }

    private byte[] value() {
        int kind = rnd.nextInt(6);
        if (kind == 0) {
            byte[] v = new byte[rnd.nextInt(20)];
            rnd.nextBytes(v);
            return v;
        }
        if (kind == 1) {
            return b("x".repeat(rnd.nextInt(300)));
        }
        return b("v" + rnd.nextInt(1000));
    }

    /** One random write (or a transaction of a few). */
    List<byte[][]> next() {
        List<byte[][]> out = new ArrayList<>();
        if (rnd.nextInt(15) == 0) {
            db = rnd.nextInt(3);
            out.add(new byte[][] {b("SELECT"), b(Integer.toString(db))});
        }
        if (rnd.nextInt(10) == 0) {
            out.add(new byte[][] {b("MULTI")});
            int n = 1 + rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                out.add(write());
            }
            out.add(new byte[][] {b("EXEC")});
        } else {
            out.add(write());
        }
        return out;
    }

    private byte[][] write() {
        return switch (rnd.nextInt(14)) {
            case 0, 1 -> new byte[][] {b("SET"), key("s"), value()};
            case 2 -> new byte[][] {b("INCRBY"), key("n"), b(Integer.toString(rnd.nextInt(100) - 50))};
            case 3 -> new byte[][] {b("APPEND"), key("s"), value()};
            case 4 -> new byte[][] {b("DEL"), key(new String[] {"s", "l", "h", "z", "t"}[rnd.nextInt(5)])};
            case 5 -> new byte[][] {b("RPUSH"), key("l"), value(), value()};
            case 6 -> new byte[][] {b("LPOP"), key("l")};
            case 7 -> new byte[][] {b("SADD"), key("t"), value(), b("m" + rnd.nextInt(10))};
            case 8 -> new byte[][] {b("SREM"), key("t"), b("m" + rnd.nextInt(10))};
            case 9 -> new byte[][] {b("HSET"), key("h"), b("f" + rnd.nextInt(8)), value()};
            case 10 -> new byte[][] {b("HDEL"), key("h"), b("f" + rnd.nextInt(8))};
            case 11 -> new byte[][] {b("ZADD"), key("z"), b(Integer.toString(rnd.nextInt(50))), b("m" + rnd.nextInt(10))};
            case 12 -> new byte[][] {b("ZINCRBY"), key("z"), b("1.5"), b("m" + rnd.nextInt(10))};
            default -> new byte[][] {b("INCRBYFLOAT"), key("f"), b("0.25")};
        };
    }

    /** Sends {@code n} random writes through {@code j}. */
    void run(Jedis j, int n) {
        for (int i = 0; i < n; i++) {
            for (byte[][] argv : next()) {
                send(j, argv);
            }
        }
    }

    static Object send(Jedis j, byte[][] argv) {
        String name = new String(argv[0], StandardCharsets.US_ASCII);
        byte[][] args = java.util.Arrays.copyOfRange(argv, 1, argv.length);
        ProtocolCommand cmd = () -> name.getBytes(StandardCharsets.US_ASCII);
        return j.sendCommand(cmd, args);
    }

    /** The database the workload has selected (a new client must SELECT it to continue). */
    int db() {
        return db;
    }
}
