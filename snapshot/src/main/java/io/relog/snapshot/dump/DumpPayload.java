package io.relog.snapshot.dump;

import io.relog.snapshot.rdb.Crc64;
import io.relog.snapshot.rdb.EncodingLimits;
import io.relog.snapshot.rdb.Rdb;
import io.relog.snapshot.rdb.RdbFormatException;
import io.relog.snapshot.rdb.RdbInput;
import io.relog.snapshot.rdb.RdbOutput;
import io.relog.snapshot.rdb.RdbValues;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The DUMP payload, as Redis' {@code createDumpPayload} lays it out:
 * {@code <type byte><value in RDB encoding><RDB version, u16 LE><CRC-64 LE of all before>}.
 *
 * <p>Relog writes version {@value Rdb#WRITE_VERSION} payloads with plain encodings (any Redis
 * since 6.2 restores them) and restores payloads of any version up to
 * {@value Rdb#MAX_READ_VERSION} in every encoding its RDB reader knows — so Redis 7.0's and 7.2's
 * DUMPs (listpacks, intsets, quicklists) restore here.
 */
public final class DumpPayload {

    private static final int FOOTER = 10;

    private DumpPayload() {
    }

    /** The payload of a stored value. The value must not change meanwhile (engine thread, or a frozen view). */
    public static byte[] create(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RdbOutput out = new RdbOutput(bytes);
        try {
            out.writeByte(RdbOutput.typeOf(value));
            out.writeValue(value);
            out.writeLittleEndian(Rdb.WRITE_VERSION, 2);
            out.writeLittleEndian(out.checksum(), 8);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array cannot fail
        }
        return bytes.toByteArray();
    }

    /**
     * Whether the footer is acceptable: at least 10 bytes, an RDB version this reader knows, and
     * the CRC-64 of everything before the checksum (Redis 7.0 checks it always, 0 included).
     */
    public static boolean verify(byte[] payload) {
        if (payload.length < FOOTER) {
            return false;
        }
        int at = payload.length - FOOTER;
        int version = (payload[at] & 0xff) | (payload[at + 1] & 0xff) << 8;
        if (version > Rdb.MAX_READ_VERSION) {
            return false;
        }
        long stored = 0;
        for (int i = 0; i < 8; i++) {
            stored |= (payload[at + 2 + i] & 0xffL) << (8 * i);
        }
        return stored == Crc64.update(0, payload, 0, payload.length - 8);
    }

    /**
     * The value of a verified payload, owned by {@code token}, or {@code null} if it is an empty
     * collection (which RESTORE refuses as Redis does).
     *
     * @throws RdbFormatException if the value cannot be decoded (offsets relative to the payload)
     */
    public static Object decode(byte[] payload, Object token, EncodingLimits limits) throws RdbFormatException {
        RdbInput in = RdbInput.of(payload, payload.length - FOOTER);
        try {
            long at = in.position();
            int type = in.readUnsignedByte();
            if (!RdbValues.isValueType(type)) {
                throw in.errorAt(at, "unknown value type " + type);
            }
            return RdbValues.read(in, type, token, limits);
        } catch (RdbFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array cannot fail otherwise
        }
    }
}
