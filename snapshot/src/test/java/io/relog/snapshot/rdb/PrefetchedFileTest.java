package io.relog.snapshot.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading a file (read ahead and checksummed on a second thread, parsed in place chunk by chunk)
 * gives exactly what loading the same bytes from a stream gives: the same keys and values, and
 * for a damaged file the same error, offset and key. The chunks here are the smallest allowed
 * (64 KiB), and the strings straddle their boundaries, fill whole chunks or span several.
 */
class PrefetchedFileTest {

    private static final int CHUNK = PrefetchedFile.HEAD;

    @TempDir
    Path dir;

    /** Strings of 0 bytes to 3 chunks, some of exactly a chunk or the head, plus a random keyspace. */
    static byte[] sample(long seed) throws Exception {
        Random r = new Random(seed);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int[] special = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, PrefetchedFile.HEAD / 2, 3 * CHUNK};
        for (int i = 0; i < 60; i++) {
            int len = i < special.length ? special[i] : r.nextInt(4) == 0 ? r.nextInt(2 * CHUNK) : r.nextInt(300);
            byte[] v = new byte[len];
            r.nextBytes(v);
            body.write(RdbCorruptionTest.key(Rdb.TYPE_STRING, "key:" + i, v));
        }
        byte[] random = RdbRoundTripTest.write(RdbRoundTripTest.randomKeyspace(seed, 200), RdbAux.withoutReplication(1, 1));
        // the random keyspace's records, without its header, EOF and checksum
        body.write(random, 9, random.length - 9 - 9);
        return RdbCorruptionTest.file(9, body.toByteArray());
    }

    private Object fromFile(byte[] rdb) throws Exception {
        Path f = dir.resolve("f.rdb");
        Files.write(f, rdb);
        try (RdbInput in = RdbInput.open(f, rdb.length, CHUNK)) {
            return Keyspaces.model(RdbReader.read(in, RdbReader.Options.defaults(4)).databases());
        }
    }

    private static Object fromStream(byte[] rdb) throws Exception {
        return Keyspaces.model(RdbReader.read(new ByteArrayInputStream(rdb), rdb.length,
                RdbReader.Options.defaults(4)).databases());
    }

    /** The model loaded, or the error's class and message. */
    private static Object outcome(ThrowingLoad load) {
        Throwable t = catchThrowable(() -> load.run());
        if (t == null) {
            return "loaded";
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private interface ThrowingLoad {
        Object run() throws Exception;
    }

    @Test
    void sameKeysAsFromAStream() throws Exception {
        long seed = System.nanoTime();
        byte[] rdb = sample(seed);
        assertThat(rdb.length).as("spans many chunks").isGreaterThan(8 * CHUNK);
        assertThat(fromFile(rdb)).as("seed %d", seed).isEqualTo(fromStream(rdb));
    }

    @Test
    void sameErrorsAsFromAStream() throws Exception {
        long seed = System.nanoTime();
        byte[] good = sample(seed);
        Random r = new Random(seed);
        for (int i = 0; i < 60; i++) {
            byte[] bad = good.clone();
            int at = i < 20 ? good.length - 1 - r.nextInt(CHUNK) : r.nextInt(bad.length);
            bad[at] ^= (byte) (1 + r.nextInt(255));
            Object expected = outcome(() -> fromStream(bad));
            assertThat(expected).as("seed %d, byte %d flipped", seed, at).isNotEqualTo("loaded");
            assertThat(outcome(() -> fromFile(bad))).as("seed %d, byte %d flipped", seed, at).isEqualTo(expected);
        }
        for (int i = 0; i < 60; i++) {
            int len = i < 10 ? good.length - 1 - i : r.nextInt(good.length);
            if (i == 10) {
                len = 8 * CHUNK; // a cut on a chunk boundary
            }
            byte[] cut = Arrays.copyOf(good, len);
            Object expected = outcome(() -> fromStream(cut));
            assertThat(expected).as("seed %d, cut at %d", seed, len).isNotEqualTo("loaded");
            assertThat(outcome(() -> fromFile(cut))).as("seed %d, cut at %d", seed, len).isEqualTo(expected);
        }
    }

    /** The checksum read at a position still in the previous chunk's tail (carried into the head of the next). */
    @Test
    void checksumOfAFileEndingJustPastAChunk() throws Exception {
        for (int tail : new int[] {0, 1, 5, 8, 9, 17}) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            // header 9 + record + EOF 1 + CRC 8 = 2 * CHUNK + tail
            int recordLength = 2 * CHUNK + tail - 9 - 1 - 8;
            byte[] v = new byte[recordLength - 1 - 2 - 3]; // type, "k" with its length, 14-bit length + ... 
            byte[] rec = RdbCorruptionTest.key(Rdb.TYPE_STRING, "k", v);
            v = new byte[v.length + (recordLength - rec.length)];
            new Random(tail).nextBytes(v);
            rec = RdbCorruptionTest.key(Rdb.TYPE_STRING, "k", v);
            assertThat(rec.length).isEqualTo(recordLength);
            body.write(rec);
            byte[] rdb = RdbCorruptionTest.file(9, body.toByteArray());
            assertThat(rdb.length).isEqualTo(2 * CHUNK + tail);
            assertThat(fromFile(rdb)).isEqualTo(fromStream(rdb));
            byte[] bad = rdb.clone();
            bad[bad.length - 1] ^= 1;
            Object expected = outcome(() -> fromStream(bad));
            assertThat(expected).asString().contains("checksum mismatch");
            assertThat(outcome(() -> fromFile(bad))).isEqualTo(expected);
        }
    }
}
