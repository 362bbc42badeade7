package io.relog.snapshot.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.relog.engine.keyspace.Database;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A damaged RDB is never loaded silently: every error names the byte offset (and the key, inside one). */
class RdbCorruptionTest {

    static RdbLoad read(byte[] rdb) throws IOException {
        return RdbReader.read(new ByteArrayInputStream(rdb), rdb.length, RdbReader.Options.defaults(4));
    }

    /** Reading through a stream of unknown length must fail the same way. */
    static RdbLoad readUnknownLength(byte[] rdb) throws IOException {
        return RdbReader.read(new ByteArrayInputStream(rdb), -1, RdbReader.Options.defaults(4));
    }

    static byte[] sample(long seed) throws Exception {
        Database[] views = RdbRoundTripTest.randomKeyspace(seed, 15);
        return RdbRoundTripTest.write(views, RdbAux.withoutReplication(1, 1));
    }

    @Test
    void everyFlippedByteIsDetected() throws Exception {
        long seed = System.nanoTime();
        byte[] good = sample(seed);
        Random r = new Random(seed);
        for (int i = 0; i < 300; i++) {
            byte[] bad = good.clone();
            int at = r.nextInt(bad.length);
            bad[at] ^= (byte) (1 + r.nextInt(255));
            Throwable t = catchThrowable(() -> read(bad));
            assertThat(t).as("seed %d, byte %d of %d flipped", seed, at, bad.length)
                    .isInstanceOf(RdbFormatException.class)
                    .hasMessageContaining("byte offset");
        }
    }

    @Test
    void everyTruncationIsDetected() throws Exception {
        long seed = System.nanoTime();
        byte[] good = sample(seed);
        Random r = new Random(seed);
        for (int i = 0; i < 200; i++) {
            int len = i < 20 ? i : r.nextInt(good.length);
            byte[] cut = Arrays.copyOf(good, len);
            for (boolean known : new boolean[] {true, false}) {
                Throwable t = catchThrowable(() -> {
                    if (known) {
                        read(cut);
                    } else {
                        readUnknownLength(cut);
                    }
                });
                assertThat(t).as("seed %d, cut at %d of %d", seed, len, good.length)
                        .isInstanceOf(RdbFormatException.class)
                        .hasMessageContaining("byte offset");
                assertThat(((RdbFormatException) t).offset()).isBetween(0L, (long) len);
            }
        }
    }

    @Test
    void checksumMismatchIsNamedAndZeroChecksumIsAccepted() throws Exception {
        byte[] good = sample(1);
        byte[] bad = good.clone();
        bad[bad.length - 1] ^= 1;
        assertThatThrownBy(() -> read(bad)).isInstanceOf(RdbFormatException.class)
                .hasMessageContaining("checksum mismatch")
                .hasMessageContaining("byte offset " + (good.length - 8));
        byte[] unchecked = good.clone();
        Arrays.fill(unchecked, unchecked.length - 8, unchecked.length, (byte) 0);
        assertThat(Keyspaces.model(read(unchecked).databases())).isEqualTo(Keyspaces.model(read(good).databases()));
    }

    @Test
    void anLzfLengthTheCompressedBytesCannotHoldIsRefusedBeforeAllocating() throws Exception {
        // REDIS0009, a string key "k" whose value is LZF (0xC3) with clen 2 and a claimed length.
        for (byte[] len : new byte[][] {
                {(byte) 0x80, 0x40, 0, 0, 0}, // 1 GiB from 2 bytes
                {(byte) 0x81, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x96, (byte) 0x8c, (byte) 0xd2,
                        (byte) 0x9d}}) { // beyond 2^63: negative as a signed long
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            out.write("REDIS0009".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(new byte[] {0, 1, 'k', (byte) 0xC3, 2});
            out.write(len);
            out.write(new byte[] {0, 'x', (byte) 0xFF, 0, 0, 0, 0, 0, 0, 0, 0});
            assertThatThrownBy(() -> read(out.toByteArray())).isInstanceOf(RdbFormatException.class)
                    .hasMessageContaining("bad LZF length").hasMessageContaining("byte offset 12");
        }
    }

    @Test
    void newerVersionsAreRejected() throws Exception {
        byte[] rdb = sample(2);
        rdb[7] = '1';
        rdb[8] = '2';
        assertThatThrownBy(() -> read(rdb)).isInstanceOf(RdbFormatException.class)
                .hasMessageContaining("RDB format version 12");
        assertThatThrownBy(() -> read("NOTRDB0009".getBytes())).hasMessageContaining("not an RDB file");
    }

    /** A file of version {@code version} holding the bytes {@code body} after the header, with EOF and checksum. */
    static byte[] file(int version, byte[] body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RdbOutput out = new RdbOutput(bytes);
        out.writeBytes(String.format("REDIS%04d", version).getBytes());
        out.writeBytes(body);
        out.writeByte(Rdb.OPCODE_EOF);
        out.writeLittleEndian(out.checksum(), 8);
        out.flush();
        return bytes.toByteArray();
    }

    static byte[] key(int type, String key, byte[]... strings) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RdbOutput out = new RdbOutput(bytes);
        out.writeByte(type);
        out.writeString(key.getBytes());
        for (byte[] s : strings) {
            out.writeLength(s.length);
            out.writeBytes(s);
        }
        out.flush();
        return bytes.toByteArray();
    }

    @Test
    void errorsInsideAKeyNameTheKey() throws Exception {
        byte[] badListpack = {7, 0, 0, 0, 1, 0, (byte) 0xfe}; // no terminator, bad encoding
        assertThatThrownBy(() -> read(file(10, key(Rdb.TYPE_HASH_LISTPACK, "myhash", badListpack))))
                .isInstanceOf(RdbFormatException.class)
                .hasMessageContaining("(reading key \"myhash\" in db 0)")
                .hasMessageContaining("byte offset 17")
                .hasMessageContaining("listpack");
        assertThatThrownBy(() -> read(file(10, key(99, "k"))))
                .hasMessageContaining("unknown value type or opcode 99")
                .hasMessageContaining("byte offset 9");
        // A set with a duplicate member.
        byte[] dup = new byte[] {Rdb.TYPE_SET, 1, 'k', 2, 1, 'a', 1, 'a'};
        assertThatThrownBy(() -> read(file(9, dup))).hasMessageContaining("duplicate set member")
                .hasMessageContaining("\"k\"");
        // A length far beyond the data.
        byte[] huge = new byte[] {Rdb.TYPE_STRING, 1, 'k', (byte) 0x80, 0x7f, 0, 0, 0};
        assertThatThrownBy(() -> read(file(9, huge))).hasMessageContaining("runs past the end")
                .hasMessageContaining("\"k\"");
        assertThatThrownBy(() -> readUnknownLength(file(9, huge))).hasMessageContaining("end of data")
                .hasMessageContaining("\"k\"");
    }

    /** A key twice in one database: the error names the key and the offset of its second record. */
    @Test
    void duplicateKeyIsNamedWithItsOffset() throws Exception {
        byte[] first = key(Rdb.TYPE_STRING, "dup", "1".getBytes());
        byte[] other = key(Rdb.TYPE_STRING, "other", "2".getBytes());
        byte[] again = key(Rdb.TYPE_STRING, "dup", "3".getBytes());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(first);
        body.write(other);
        body.write(again);
        body.write(key(Rdb.TYPE_STRING, "other", "4".getBytes())); // a later repeat: the first is reported
        assertThatThrownBy(() -> read(file(9, body.toByteArray()))).isInstanceOf(RdbFormatException.class)
                .hasMessageContaining("duplicate key")
                .hasMessageContaining("\"dup\"")
                .hasMessageContaining("byte offset " + (9 + first.length + other.length));
        // The same key in two databases is no duplicate.
        ByteArrayOutputStream twoDbs = new ByteArrayOutputStream();
        twoDbs.write(first);
        twoDbs.write(new byte[] {(byte) Rdb.OPCODE_SELECTDB, 1});
        twoDbs.write(again);
        assertThat(read(file(9, twoDbs.toByteArray())).keys()).isEqualTo(2);
    }

    /**
     * Found by RdbReaderFuzzTest (seed selectdb-negative-crash): a SELECTDB whose 64-bit length
     * has the top bit set indexed the databases with a negative number.
     */
    @Test
    void selectDbWithA64BitLengthIsRefused() {
        byte[] rdb = {'R', 'E', 'D', 'I', 'S', '0', '0', '1', '0', (byte) 0xFE, (byte) 0x81,
            (byte) 0x81, (byte) 0x81, (byte) 0x81, (byte) 0x81, (byte) 0x81, (byte) 0x81, (byte) 0x81, (byte) 0x81,
            (byte) 0xFF, 0, 0, 0, 0, 0, 0, 0, 0};
        assertThatThrownBy(() -> read(rdb)).isInstanceOf(RdbFormatException.class)
                .hasMessageContaining("byte offset 9")
                .hasMessageContaining("SELECTDB");
    }
}
