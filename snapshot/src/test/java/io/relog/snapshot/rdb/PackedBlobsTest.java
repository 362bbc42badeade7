package io.relog.snapshot.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The old blob formats Redis 7 no longer writes but still loads (ziplist, zipmap), built by hand
 * from their documented layout, and the listpack integer widths.
 */
class PackedBlobsTest {

    static List<String> strings(List<byte[]> values) {
        List<String> out = new ArrayList<>();
        values.forEach(v -> out.add(new String(v, StandardCharsets.ISO_8859_1)));
        return out;
    }

    /** A ziplist of pre-encoded entries (encoding + data), prevlen fields computed. */
    static byte[] ziplist(byte[]... entries) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int prev = 0;
        for (byte[] e : entries) {
            int start = body.size();
            if (prev < 254) {
                body.write(prev);
            } else {
                body.write(0xfe);
                for (int i = 0; i < 4; i++) {
                    body.write(prev >>> (8 * i));
                }
            }
            body.writeBytes(e);
            prev = body.size() - start;
        }
        byte[] b = body.toByteArray();
        int total = 10 + b.length + 1;
        byte[] zl = new byte[total];
        le(zl, 0, total, 4);
        le(zl, 4, 10, 4);
        le(zl, 8, entries.length, 2);
        System.arraycopy(b, 0, zl, 10, b.length);
        zl[total - 1] = (byte) 0xff;
        return zl;
    }

    static void le(byte[] b, int at, long v, int n) {
        for (int i = 0; i < n; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    static byte[] bytes(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) v[i];
        }
        return out;
    }

    @Test
    void ziplistEntriesOfEveryEncoding() throws Exception {
        byte[] longString = "x".repeat(300).getBytes();
        byte[] len14 = new byte[2 + 300];
        len14[0] = (byte) (0x40 | (300 >>> 8));
        len14[1] = (byte) 300;
        System.arraycopy(longString, 0, len14, 2, 300);
        byte[] zl = ziplist(
                bytes(0x03, 'a', 'b', 'c'),                  // 6-bit string
                len14,                                        // 14-bit string (next prevlen is 5 bytes)
                bytes(0xf1),                                  // immediate 0
                bytes(0xfd),                                  // immediate 12
                bytes(0xfe, 0x80),                            // int8 -128
                bytes(0xc0, 0x00, 0x80),                      // int16 -32768
                bytes(0xf0, 0xff, 0xff, 0x7f),                // int24 8388607
                bytes(0xd0, 0x00, 0x00, 0x00, 0x80),          // int32 -2147483648
                bytes(0xe0, 1, 0, 0, 0, 0, 0, 0, 0),          // int64 1
                bytes(0x80, 0, 0, 0, 2, 'h', 'i'));           // 32-bit string length
        assertThat(strings(PackedBlobs.ziplist(zl))).containsExactly("abc", "x".repeat(300), "0", "12", "-128",
                "-32768", "8388607", "-2147483648", "1", "hi");
        byte[] bad = zl.clone();
        bad[bad.length - 1] = 0;
        assertThatThrownBy(() -> PackedBlobs.ziplist(bad)).hasMessageContaining("ziplist");
    }

    @Test
    void zipmapKeysAndValues() throws Exception {
        // zmlen 2; "foo" -> "bar" with 2 free bytes; "k" -> "" ; end
        byte[] zm = bytes(2, 3, 'f', 'o', 'o', 3, 2, 'b', 'a', 'r', 0, 0, 1, 'k', 0, 0, 0xff);
        assertThat(strings(PackedBlobs.zipmap(zm))).containsExactly("foo", "bar", "k", "");
    }

    @Test
    void listpackIntegersOfEveryWidth() throws Exception {
        byte[][] entries = {
            bytes(0x05),                       // 7-bit 5
            bytes(0xdf, 0xff),                 // 13-bit -1
            bytes(0xd0, 0x00),                 // 13-bit -4096
            bytes(0xf1, 0x00, 0x80),           // int16 -32768
            bytes(0xf2, 0x00, 0x00, 0x80),     // int24 -8388608
            bytes(0xf3, 0xff, 0xff, 0xff, 0x7f), // int32 max
            bytes(0xf4, 0, 0, 0, 0, 0, 0, 0, 0x80), // int64 min
            bytes(0x82, 'h', 'i'),             // 6-bit string
        };
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] e : entries) {
            body.writeBytes(e);
            body.write(e.length); // back-length, < 128
        }
        byte[] b = body.toByteArray();
        byte[] lp = new byte[6 + b.length + 1];
        le(lp, 0, lp.length, 4);
        le(lp, 4, entries.length, 2);
        System.arraycopy(b, 0, lp, 6, b.length);
        lp[lp.length - 1] = (byte) 0xff;
        assertThat(strings(PackedBlobs.listpack(lp))).containsExactly("5", "-1", "-4096", "-32768", "-8388608",
                "2147483647", "-9223372036854775808", "hi");
        le(lp, 4, 3, 2);
        assertThatThrownBy(() -> PackedBlobs.listpack(lp)).hasMessageContaining("counts 3 entries, found 8");
    }

    @Test
    void intsetMustBeSorted() throws Exception {
        byte[] is = bytes(2, 0, 0, 0, 2, 0, 0, 0, 5, 0, 3, 0);
        assertThatThrownBy(() -> PackedBlobs.intset(is)).hasMessageContaining("not sorted");
    }
}
