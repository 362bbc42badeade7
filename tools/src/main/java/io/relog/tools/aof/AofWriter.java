package io.relog.tools.aof;

import io.relog.engine.keyspace.Database;
import io.relog.engine.types.CountedTree;
import io.relog.engine.types.HashValue;
import io.relog.engine.types.ListValue;
import io.relog.engine.types.SetValue;
import io.relog.engine.types.ZSetValue;
import io.relog.log.resp.RespCommands;
import io.relog.tools.state.Replay;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a data set as one AOF file of plain commands, the way Redis' AOF rewrite without an RDB
 * preamble does ({@code rewriteAppendOnlyFileRio}, aof.c): per database a {@code SELECT}, per key
 * one command per up to 64 elements ({@code SET}, {@code RPUSH}, {@code SADD}, {@code HSET},
 * {@code ZADD}) and a {@code PEXPIREAT} for a key with a time to live. Redis 2.x to 7.x load it
 * ({@code appendonly yes}; 7.x adopts a lone {@code appendonly.aof} into its {@code appendonlydir}).
 */
public final class AofWriter {

    /** Elements per command, as Redis' {@code AOF_REWRITE_ITEMS_PER_CMD}. */
    static final int ITEMS_PER_COMMAND = 64;

    private AofWriter() {
    }

    /** Writes the data set to {@code out} (temp file, fsync, rename); returns the bytes written. */
    public static long write(Replay replay, Path out) throws IOException {
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(out.getFileName() + ".tmp");
        long[] written = {0};
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream os = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            write(replay.freeze(), argv -> {
                byte[] b = RespCommands.encode(argv);
                os.write(b);
                written[0] += b.length;
            });
            os.flush();
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return written[0];
    }

    /** Receives the commands. */
    @FunctionalInterface
    public interface Sink {
        void command(byte[][] argv) throws IOException;
    }

    /** Emits the commands that rebuild {@code views} (frozen databases, index order). */
    public static void write(Database[] views, Sink sink) throws IOException {
        for (Database db : views) {
            if (db.size() == 0) {
                continue;
            }
            sink.command(args("SELECT", Integer.toString(db.index())));
            try {
                db.keys().forEach((key, value) -> {
                    try {
                        writeKey(sink, key, value);
                        long when = db.volatileSize() > 0 ? db.expireAt(key) : -1;
                        if (when >= 0) {
                            sink.command(new byte[][] {ascii("PEXPIREAT"), key, ascii(Long.toString(when))});
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }

    private static void writeKey(Sink sink, byte[] key, Object value) throws IOException {
        if (value instanceof byte[] s) {
            sink.command(new byte[][] {ascii("SET"), key, s});
        } else if (value instanceof ListValue l) {
            List<byte[]> items = new ArrayList<>();
            for (CountedTree.Cursor c = l.items().cursor(0); c.hasNext(); ) {
                items.add((byte[]) c.next());
            }
            chunks(sink, "RPUSH", key, items, 1);
        } else if (value instanceof SetValue s) {
            List<byte[]> items = new ArrayList<>();
            s.forEachMember(items::add);
            chunks(sink, "SADD", key, items, 1);
        } else if (value instanceof HashValue h) {
            List<byte[]> items = new ArrayList<>();
            h.forEach((f, v) -> {
                items.add(f);
                items.add(v);
            });
            chunks(sink, "HSET", key, items, 2);
        } else if (value instanceof ZSetValue z) {
            List<byte[]> items = new ArrayList<>();
            for (CountedTree.Cursor c = z.order().cursor(0); c.hasNext(); ) {
                ZSetValue.Entry e = (ZSetValue.Entry) c.next();
                items.add(ascii(scoreText(e.score())));
                items.add(e.member());
            }
            chunks(sink, "ZADD", key, items, 2);
        } else {
            throw new IOException("cannot write a value of type " + value.getClass().getSimpleName() + " as commands");
        }
    }

    /** A score as Redis parses it back exactly: shortest round-trip decimal, {@code inf}/{@code -inf}. */
    public static String scoreText(double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        return Double.toString(d);
    }

    private static void chunks(Sink sink, String command, byte[] key, List<byte[]> items, int perElement) throws IOException {
        int step = ITEMS_PER_COMMAND * perElement;
        for (int i = 0; i < items.size(); i += step) {
            int n = Math.min(step, items.size() - i);
            byte[][] argv = new byte[2 + n][];
            argv[0] = ascii(command);
            argv[1] = key;
            for (int j = 0; j < n; j++) {
                argv[2 + j] = items.get(i + j);
            }
            sink.command(argv);
        }
    }

    private static byte[][] args(String... a) {
        byte[][] out = new byte[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = ascii(a[i]);
        }
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
