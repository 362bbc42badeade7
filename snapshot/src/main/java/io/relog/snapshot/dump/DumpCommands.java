package io.relog.snapshot.dump;

import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.Args;
import io.relog.engine.command.Errors;
import io.relog.engine.command.Reply;
import io.relog.engine.keyspace.Database;
import io.relog.engine.pubsub.KeyspaceEvents;
import io.relog.snapshot.rdb.EncodingLimits;
import io.relog.snapshot.rdb.RdbFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * DUMP and RESTORE with Redis 7.0's semantics (its {@code cluster.c}): options REPLACE, ABSTTL,
 * IDLETIME and FREQ, the same checks in the same order and the same error texts.
 *
 * <p><b>Propagation</b>, as Redis 7.0 does it: a RESTORE with a relative TTL goes out with the
 * absolute expiry time in place of the TTL and {@code ABSTTL} appended; other RESTOREs go out as
 * sent. A RESTORE whose expiry has already passed creates nothing: if REPLACE deleted a key it
 * goes out as {@code DEL key}, otherwise nothing is propagated.
 *
 * <p>FREQ is accepted and checked, but Relog does not keep LFU counters yet, so it has no
 * effect (OBJECT FREQ reports the initial counter); IDLETIME sets the key's LRU time when the
 * policy is not an LFU one, as in Redis. Engine thread.
 */
public final class DumpCommands {

    private DumpCommands() {
    }

    private static final byte[] DEL = "DEL".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ABSTTL = "ABSTTL".getBytes(StandardCharsets.US_ASCII);
    private static final int LRU_CLOCK_MAX = (1 << 24) - 1;

    static final String BUSYKEY = "BUSYKEY Target key name already exists.";
    static final String BAD_PAYLOAD = "ERR DUMP payload version or checksum are wrong";
    static final String BAD_FORMAT = "ERR Bad data format";

    /** DUMP key. */
    public static void dump(Engine engine, Session session, byte[][] argv, Reply reply) {
        Object value = engine.lookupRead(engine.db(session.db()), argv[1]);
        if (value == null) {
            reply.nullBulk();
            return;
        }
        reply.bulk(DumpPayload.create(value));
    }

    /** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]. */
    public static void restore(Engine engine, Session session, byte[][] argv, Reply reply) {
        boolean replace = false;
        boolean absttl = false;
        long idle = -1;
        long freq = -1;
        for (int j = 4; j < argv.length; j++) {
            boolean more = j + 1 < argv.length;
            if (Args.is(argv[j], "replace")) {
                replace = true;
            } else if (Args.is(argv[j], "absttl")) {
                absttl = true;
            } else if (Args.is(argv[j], "idletime") && more && freq == -1) {
                idle = Args.parseLong(argv[++j]);
                if (idle < 0) {
                    throw new Args.ArgException("ERR Invalid IDLETIME value, must be >= 0");
                }
            } else if (Args.is(argv[j], "freq") && more && idle == -1) {
                freq = Args.parseLong(argv[++j]);
                if (freq < 0 || freq > 255) {
                    throw new Args.ArgException("ERR Invalid FREQ value, must be >= 0 and <= 255");
                }
            } else {
                throw new Args.ArgException(Errors.SYNTAX);
            }
        }
        Database db = engine.db(session.db());
        byte[] key = argv[1];
        if (!replace && engine.lookupWrite(db, key) != null) {
            throw new Args.ArgException(BUSYKEY);
        }
        long ttl = Args.parseLong(argv[2]);
        if (ttl < 0) {
            throw new Args.ArgException("ERR Invalid TTL value, must be >= 0");
        }
        byte[] payload = argv[3];
        if (!DumpPayload.verify(payload)) {
            throw new Args.ArgException(BAD_PAYLOAD);
        }
        Object value;
        try {
            value = DumpPayload.decode(payload, db.editToken(), EncodingLimits.of(engine));
        } catch (RdbFormatException e) {
            boolean unsupported = e.getMessage().contains("not supported");
            throw new Args.ArgException(unsupported ? BAD_FORMAT + " (" + reason(e) + ")" : BAD_FORMAT);
        }
        if (value == null) {
            throw new Args.ArgException(BAD_FORMAT);
        }
        boolean deleted = replace && engine.lookupWrite(db, key) != null && db.remove(key) != null;
        if (ttl > 0 && !absttl) {
            ttl += engine.now();
        }
        if (ttl > 0 && ttl <= engine.now() && !engine.isReplica()) {
            if (deleted) {
                engine.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, db.index());
                engine.propagate(db.index(), new byte[][] {DEL, key});
                engine.addDirty(1);
            }
            reply.ok();
            return;
        }
        int meta = engine.newKeyAccess();
        if (freq >= 0 && engine.lfuPolicy()) {
            // As Redis' objectSetLRUOrLFU: this minute as the decrement time, FREQ as the counter.
            meta = (io.relog.engine.eviction.Eviction.lfuMinutes(engine.now()) << 8) | (int) freq;
        } else if (idle >= 0 && !engine.lfuPolicy()) {
            long abs = engine.lruClock() - idle;
            if (abs < 0) {
                abs = (engine.lruClock() + LRU_CLOCK_MAX / 2) % LRU_CLOCK_MAX; // as Redis: half-way round the clock
            }
            meta = (int) abs;
        }
        db.put(key, value, meta, false);
        byte[][] propagated = argv;
        if (ttl > 0) {
            db.setExpireAt(key, ttl);
            if (!absttl) {
                propagated = Arrays.copyOf(argv, argv.length + 1);
                propagated[2] = Args.bytes(ttl);
                propagated[argv.length] = ABSTTL;
            }
        }
        engine.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "restore", key, db.index());
        engine.propagate(db.index(), propagated);
        engine.addDirty(1);
        reply.ok();
    }

    private static String reason(RdbFormatException e) {
        String m = e.getMessage();
        int colon = m.lastIndexOf(": ");
        return colon < 0 ? m : m.substring(colon + 2);
    }
}
