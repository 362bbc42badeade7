package io.relog.frontend.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A full disk refuses writes without losing acknowledged ones: on a 4 MiB tmpfs filled up by a
 * filler file, writes end in an error starting with {@code MISCONF} while reads keep working;
 * once the filler is deleted the server accepts writes again by itself (it retries), and after
 * {@code kill -9} and a restart every acknowledged write is there. A write whose reply the
 * server holds back while the disk is full (not acknowledged, not refused) must be answered once
 * space is freed; if it is acknowledged then, it must last too. The checks of the replies while
 * the disk is full are soft: the recovery part runs and reports as well.
 *
 * <p>Mounting a tmpfs needs root (CI runs as root); elsewhere the test is aborted, not passed.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DiskFullIT {

    /**
     * No snapshots ({@code --save ""}): the full disk is met by the log's writes, not by a snapshot
     * (whose failure is {@code stop-writes-on-bgsave-error}'s MISCONF, tested elsewhere).
     */
    static final String[] SERVER_ARGS = {"--appendonly", "yes", "--appendfsync", "always", "--save", ""};
    private static final int VALUE_BYTES = 3 * 1024;
    /** Space left free for the server's files before the writes start. */
    private static final long HEADROOM = 512 * 1024;
    /** How long a reply may take before the test calls it held back. */
    private static final Duration REPLY_WAIT = Duration.ofSeconds(5);

    private static Path mountPoint;
    private static boolean mounted;

    @BeforeAll
    static void mountSmallTmpfs() throws Exception {
        mountPoint = Files.createTempDirectory("relog-diskfull-");
        ProcessResult r = run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mountPoint.toString());
        if (r.status != 0) {
            Files.deleteIfExists(mountPoint);
            String uid = run("id", "-u").output.trim();
            String why = r.output.toLowerCase();
            if (!uid.equals("0") || why.contains("permission denied") || why.contains("superuser")
                    || why.contains("only root") || why.contains("operation not permitted")) {
                Assumptions.abort("DiskFullIT needs root to mount a tmpfs (uid " + uid + "): " + r.output.trim());
            }
            throw new IllegalStateException("mount -t tmpfs failed with status " + r.status + ": " + r.output);
        }
        mounted = true;
    }

    @AfterAll
    static void unmount() throws Exception {
        if (mounted) {
            ProcessResult r = run("umount", mountPoint.toString());
            if (r.status != 0) {
                run("umount", "-l", mountPoint.toString());
            }
        }
        if (mountPoint != null) {
            Files.deleteIfExists(mountPoint);
        }
    }

    @Test
    void fullDiskRefusesWritesWithMisconfThenRecoversWithoutLosingAcknowledgedWrites() throws Exception {
        Path dataDir = Files.createDirectory(mountPoint.resolve("data"));
        Path filler = mountPoint.resolve("filler");
        FileStore store = Files.getFileStore(mountPoint);
        fill(filler, store.getUsableSpace() - HEADROOM);
        assertThat(store.getUsableSpace()).as("free space on the tmpfs after the filler")
                .isBetween(HEADROOM - 64 * 1024, HEADROOM + 64 * 1024);

        Map<String, String> acked = new LinkedHashMap<>();
        SoftAssertions whileFull = new SoftAssertions();
        ExecutorService clients = Executors.newCachedThreadPool();
        RelogProcess server = RelogProcess.start(dataDir, SERVER_ARGS);
        try {
            // Write until the disk is full, each write on a connection of its own so that a
            // reply the server holds back (not acknowledged, not refused) does not stop the loop.
            Map<String, Future<String>> held = new LinkedHashMap<>();
            String misconf = null;
            for (int i = 0; i < 2_000 && misconf == null && held.size() < 3; i++) {
                String key = "k:" + i;
                String value = value(i);
                Future<String> reply = clients.submit(() -> set(server, key, value));
                try {
                    String r = reply.get(REPLY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    assertThat(r).as("SET %s", key).isEqualTo("OK");
                    acked.put(key, value);
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).as("SET %s", key).isInstanceOf(JedisDataException.class);
                    misconf = e.getCause().getMessage();
                } catch (TimeoutException e) {
                    held.put(key, reply);
                }
            }
            System.out.println("DiskFullIT: " + acked.size() + " writes acknowledged, " + held.size()
                    + " without a reply after " + REPLY_WAIT.toSeconds() + " s " + held.keySet()
                    + ", then: " + misconf);
            assertThat(acked.size()).as("writes acknowledged before the disk was full")
                    .isGreaterThanOrEqualTo((int) (HEADROOM / VALUE_BYTES / 2));
            whileFull.assertThat(String.valueOf(misconf)).as("reply to a write while the disk is full (writes "
                    + "whose reply was held back instead: %s)", held.keySet()).startsWith("MISCONF");

            // Still full: reads answered, writes refused.
            String firstKey = acked.keySet().iterator().next();
            Future<String> get = clients.submit(() -> get(server, firstKey));
            String got = answer(get);
            whileFull.assertThat(acked.get(firstKey).equals(got))
                    .as("GET %s while the disk is full answers its value; got: %s", firstKey, abbreviate(got)).isTrue();
            Future<String> again = clients.submit(() -> set(server, "while-full", value(-1)));
            whileFull.assertThat(answer(again)).as("a second write while the disk is full").startsWith("MISCONF");

            Files.delete(filler);
            await("writes accepted again after space was freed").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> "OK".equals(answer(clients.submit(() -> set(server, "after-free", "1")))));
            acked.put("after-free", "1");
            // Writes whose replies were held are answered now; those acknowledged must last.
            for (Map.Entry<String, Future<String>> h : held.entrySet()) {
                String r = answer(h.getValue());
                System.out.println("DiskFullIT: held write " + h.getKey() + " answered after space was freed: " + r);
                if ("OK".equals(r)) {
                    acked.put(h.getKey(), value(Integer.parseInt(h.getKey().substring(2))));
                }
            }
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 30_000)) {
                for (int j = 0; j < 50; j++) {
                    String key = "after:" + j;
                    assertThat(jedis.set(key, value(j))).isEqualTo("OK");
                    acked.put(key, value(j));
                }
            }
            server.kill9();
            System.out.println("DiskFullIT: the server's warnings:");
            server.output().lines().filter(l -> l.contains(" # ")).forEach(System.out::println);
        } finally {
            server.close();
            clients.shutdownNow();
        }

        try (RelogProcess restarted = RelogProcess.start(dataDir, SERVER_ARGS);
             Jedis jedis = new Jedis("127.0.0.1", restarted.port(), 30_000)) {
            for (Map.Entry<String, String> e : acked.entrySet()) {
                assertThat(jedis.get(e.getKey())).as("acknowledged %s after kill -9 and restart", e.getKey())
                        .isEqualTo(e.getValue());
            }
            assertThat(jedis.set("after-restart", "1")).isEqualTo("OK");
        }
        whileFull.assertAll();
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static String set(RelogProcess server, String key, String value) {
        try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 60_000)) {
            return jedis.set(key, value);
        }
    }

    private static String get(RelogProcess server, String key) {
        try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 60_000)) {
            return jedis.get(key);
        }
    }

    /**
     * The reply within {@link #REPLY_WAIT}: the value, the error text of an error reply, or a
     * description of the missing reply.
     */
    private static String answer(Future<String> reply) throws InterruptedException {
        try {
            return reply.get(REPLY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause() instanceof JedisDataException ? e.getCause().getMessage() : e.getCause().toString();
        } catch (TimeoutException e) {
            return "(no reply within " + REPLY_WAIT.toSeconds() + " s)";
        }
    }

    private static String value(int i) {
        String head = "value-" + i + "-";
        return head + "z".repeat(VALUE_BYTES - head.length());
    }

    private static void fill(Path file, long bytes) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; left -= block.length) {
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
    }

    private record ProcessResult(int status, String output) {
    }

    private static ProcessResult run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new ProcessResult(-1, out + " (timed out)");
        }
        return new ProcessResult(p.exitValue(), out);
    }
}
