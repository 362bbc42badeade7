package io.relog.frontend.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relog.engine.Clock;
import io.relog.engine.Engine;
import io.relog.engine.EngineCommands;
import io.relog.engine.Session;
import io.relog.engine.command.Reply;
import io.relog.engine.keyspace.Database;
import io.relog.engine.propagation.Propagation;
import io.relog.frontend.RelogServer;
import io.relog.frontend.config.ServerConfig;
import io.relog.log.CommandLog;
import io.relog.log.LogOptions;
import io.relog.log.resp.RespCommands;
import io.relog.snapshot.SnapshotFiles;
import io.relog.snapshot.rdb.RdbAux;
import io.relog.snapshot.rdb.RdbLoad;
import io.relog.snapshot.rdb.RdbReader;
import io.relog.snapshot.rdb.RdbWriter;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A snapshot taken while clients write holds exactly the state at its offset: replaying the log
 * up to that offset on an empty engine gives the same data set, byte for byte once both are
 * written as RDB.
 */
class SnapshotConsistencyIT {

    @TempDir
    Path dir;

    @Test
    void aSnapshotUnderConcurrentWritesEqualsTheLogReplayedToItsOffset() throws Exception {
        long seed = System.nanoTime();
        AtomicBoolean stop = new AtomicBoolean();
        try (RelogServer s = RelogServer.start(ServerConfig.fromArgs("--port", "0", "--bind", "127.0.0.1", "--dir",
                dir.toString(), "--appendonly", "yes", "--save", ""))) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long mySeed = seed + t;
                writers.add(pool.submit(() -> {
                    Random r = new Random(mySeed);
                    try (Jedis j = new Jedis("127.0.0.1", s.port())) {
                        while (!stop.get()) {
                            write(j, r);
                        }
                    }
                    return null;
                }));
            }
            try (Jedis j = new Jedis("127.0.0.1", s.port())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> j.dbSize() > 200);
                assertThat(j.bgsave()).isEqualTo("Background saving started");
                await().atMost(Duration.ofSeconds(20)).until(() -> j.info("persistence").contains("rdb_saves:1"));
                long savedAt = offset(j, "rdb_last_snapshot_offset");
                // Writes went on after the freeze.
                await().atMost(Duration.ofSeconds(10)).until(() -> offset(j, "log_end_offset") > savedAt + 20_000);
            } finally {
                stop.set(true);
                for (Future<?> f : writers) {
                    f.get();
                }
                pool.shutdown();
            }
        }
        SnapshotFiles.Snapshot snap = new SnapshotFiles(dir).list().get(0);
        RdbLoad loaded = RdbReader.read(snap.path(), RdbReader.Options.defaults(16));

        Engine replayed = new Engine(16, Clock.SYSTEM, Propagation.DISCARD);
        EngineCommands.registerAll(replayed.commands());
        Session session = new Session(-1);
        Reply discard = new io.relog.engine.command.DiscardedReply();
        long[] commands = {0};
        try (CommandLog log = CommandLog.open(dir.resolve("log"), LogOptions.defaults())) {
            assertThat(log.endOffset()).as("seed %d", seed).isGreaterThan(snap.offset());
            log.scan(0, (argv, offset, length) -> {
                if (offset < snap.offset() && !RespCommands.is(argv[0], "ping")) {
                    replayed.execute(session, argv, discard);
                    commands[0]++;
                }
            });
        }
        RdbAux aux = new RdbAux(RdbAux.REDIS_VERSION, 0, 0, null, 0, 0, false);
        Database[] fromSnapshot = new Database[16];
        for (int i = 0; i < 16; i++) {
            fromSnapshot[i] = loaded.databases()[i].freeze();
        }
        assertThat(rdb(replayed.freeze(), aux)).as("seed %d, %d commands replayed", seed, commands[0])
                .isEqualTo(rdb(fromSnapshot, aux));
    }

    private static long offset(Jedis j, String field) {
        for (String line : j.info("persistence").split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1));
            }
        }
        throw new AssertionError("no " + field + " in INFO persistence");
    }

    private static byte[] rdb(Database[] views, RdbAux aux) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RdbWriter.write(views, aux, out);
        return out.toByteArray();
    }

    private static void write(Jedis j, Random r) {
        String k = Integer.toString(r.nextInt(300));
        switch (r.nextInt(9)) {
            case 0 -> j.set("s" + k, Long.toString(r.nextLong()));
            case 1 -> j.hset("h" + (r.nextInt(20)), "f" + k, "v" + r.nextInt(1000));
            case 2 -> j.rpush("l" + r.nextInt(10), "e" + k);
            case 3 -> j.zadd("z" + r.nextInt(10), r.nextInt(1000) / 7.0, "m" + k);
            case 4 -> j.sadd("set" + r.nextInt(10), Integer.toString(r.nextInt(2000)));
            case 5 -> j.incrBy("n" + r.nextInt(20), r.nextInt(100));
            case 6 -> j.del("s" + k);
            case 7 -> j.expire("s" + k, 100_000L);
            default -> {
                var t = j.multi();
                t.set("t1", k);
                t.lpop("l" + r.nextInt(10));
                t.exec();
            }
        }
    }
}
