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
import java.util.concurrent.TimeUnit;

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
 * {@code kill -9} and a restart every acknowledged write is there.
 *
 * <p>Mounting a tmpfs needs root (CI runs as root); elsewhere the test is aborted, not passed.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DiskFullIT {

    static final String[] SERVER_ARGS = {"--appendonly", "yes", "--appendfsync", "always"};
    private static final int VALUE_BYTES = 3 * 1024;
    /** Space left free for the server's files before the writes start. */
    private static final long HEADROOM = 512 * 1024;

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
        String refusedKey;
        RelogProcess server = RelogProcess.start(dataDir, SERVER_ARGS);
        try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 30_000)) {
            // Write until the disk is full. 4 MiB / 3 KiB bounds the loop; HEADROOM / VALUE_BYTES
            // writes at least must fit.
            String error = null;
            int i = 0;
            for (; i < 2_000 && error == null; i++) {
                String key = "k:" + i;
                String value = value(i);
                try {
                    assertThat(jedis.set(key, value)).isEqualTo("OK");
                    acked.put(key, value);
                } catch (JedisDataException e) {
                    error = e.getMessage();
                }
            }
            assertThat(error).as("reply to a write on a full disk (after %d acknowledged)", acked.size())
                    .isNotNull().startsWith("MISCONF");
            refusedKey = "k:" + (i - 1);
            assertThat(acked.size()).as("writes acknowledged before the disk was full")
                    .isGreaterThanOrEqualTo((int) (HEADROOM / VALUE_BYTES / 2));
            System.out.println("DiskFullIT: " + acked.size() + " writes acknowledged, then: " + error);
            System.out.println("DiskFullIT: refused key " + refusedKey + " in memory: " + jedis.exists(refusedKey));

            // Still full: writes keep being refused, reads keep working.
            JedisDataException again = org.assertj.core.api.Assertions.catchThrowableOfType(JedisDataException.class,
                    () -> jedis.set("while-full", value(-1)));
            assertThat(again).as("a second write while the disk is full").isNotNull();
            assertThat(again.getMessage()).startsWith("MISCONF");
            String firstKey = acked.keySet().iterator().next();
            assertThat(jedis.get(firstKey)).as("GET while the disk is full").isEqualTo(acked.get(firstKey));
            assertThat(jedis.ping()).isEqualTo("PONG");

            Files.delete(filler);
            await("writes accepted again after space was freed").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreException(JedisDataException.class)
                    .until(() -> "OK".equals(jedis.set("after-free", "1")));
            acked.put("after-free", "1");
            for (int j = 0; j < 50; j++) {
                String key = "after:" + j;
                assertThat(jedis.set(key, value(j))).isEqualTo("OK");
                acked.put(key, value(j));
            }
            server.kill9();
        } finally {
            server.close();
        }

        try (RelogProcess restarted = RelogProcess.start(dataDir, SERVER_ARGS);
             Jedis jedis = new Jedis("127.0.0.1", restarted.port(), 30_000)) {
            for (Map.Entry<String, String> e : acked.entrySet()) {
                assertThat(jedis.get(e.getKey())).as("acknowledged %s after kill -9 and restart", e.getKey())
                        .isEqualTo(e.getValue());
            }
            // Not asserted: whether a write answered MISCONF was applied is not specified (Redis
            // refuses it before executing; a server that executes before appending may keep it).
            System.out.println("DiskFullIT: after restart, refused writes present: " + refusedKey + "="
                    + jedis.exists(refusedKey) + ", while-full=" + jedis.exists("while-full"));
            assertThat(jedis.set("after-restart", "1")).isEqualTo("OK");
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
