package io.relog.tools.tail;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Transaction;

/** A random write workload: several databases, transactions, binary keys and values, pipelines (multi-command batches). */
final class Workload {

    private Workload() {
    }

    static void run(Jedis j, Random rnd, int ops) {
        int db = 0;
        j.select(0);
        for (int i = 0; i < ops;) {
            int kind = rnd.nextInt(10);
            if (kind == 0) {
                db = rnd.nextInt(4);
                j.select(db);
                continue;
            }
            if (kind == 1) {
                Transaction t = j.multi();
                int n = 1 + rnd.nextInt(4);
                for (int k = 0; k < n; k++) {
                    t.set(key(rnd), value(rnd));
                }
                t.incr("counter");
                t.exec();
                i += n + 1;
                continue;
            }
            if (kind == 2) {
                Pipeline p = j.pipelined();
                int n = 1 + rnd.nextInt(20);
                for (int k = 0; k < n; k++) {
                    p.set(key(rnd), value(rnd));
                }
                p.sync();
                i += n;
                continue;
            }
            switch (rnd.nextInt(6)) {
                case 0 -> j.del(key(rnd));
                case 1 -> j.hset(typed("hash:", rnd), value(rnd), value(rnd));
                case 2 -> j.lpush(typed("list:", rnd), value(rnd));
                case 3 -> j.sadd(typed("set:", rnd), value(rnd));
                case 4 -> j.pexpire(key(rnd), 1_000_000);
                default -> j.set(key(rnd), value(rnd));
            }
            i++;
        }
    }

    static byte[] key(Random rnd) {
        if (rnd.nextInt(8) == 0) {
            byte[] b = new byte[2 + rnd.nextInt(6)];
            rnd.nextBytes(b);
            b[0] = (byte) 0xfe; // binary string keys never collide with the typed ones
            return b;
        }
        return ("key:" + rnd.nextInt(200)).getBytes(StandardCharsets.UTF_8);
    }

    /** A key that only ever holds one type (no WRONGTYPE). */
    static byte[] typed(String prefix, Random rnd) {
        return (prefix + rnd.nextInt(50)).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] value(Random rnd) {
        if (rnd.nextInt(8) == 0) {
            byte[] b = new byte[rnd.nextInt(40)];
            rnd.nextBytes(b);
            return b;
        }
        return ("v" + rnd.nextInt(1_000_000) + (rnd.nextInt(10) == 0 ? " é\n\"" : "")).getBytes(StandardCharsets.UTF_8);
    }
}
