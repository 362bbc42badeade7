package io.relog.bench;

import io.relog.engine.Clock;
import io.relog.engine.Engine;
import io.relog.engine.EngineCommands;
import io.relog.engine.Session;
import io.relog.engine.command.Reply;
import io.relog.engine.propagation.Propagation;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Memory of hashes and sets in Relog's engine and in a running redis-server, side by side, for
 * the same data: many hashes of many fields (hashtable encoding), many small hashes (listpack),
 * small integer sets (intset) and larger sets of words (hashtable). For each workload it prints
 * the bytes per element of both and their ratio.
 *
 * <pre>
 * mvn -o -q -pl engine,bench package -DskipTests
 * redis-server --port 6399 --save '' &amp;
 * java -XX:+UseSerialGC -Xmx4g -cp bench/target/benchmarks.jar io.relog.bench.CollectionMemoryComparison 6399
 * </pre>
 *
 * Relog's figure is the growth of the live heap (after full collections) while the data is
 * loaded through {@link Engine#execute}; Redis' is the growth of {@code used_memory}. The Redis
 * database is flushed before each workload: use a scratch server.
 */
public final class CollectionMemoryComparison {

    private CollectionMemoryComparison() {
    }

    /** One workload: {@code keys} keys of {@code elements} elements each, written by {@code command}. */
    private record Workload(String name, String command, int keys, int elements) {

        /** The command that loads key {@code k} with all its elements (fresh arrays on every call). */
        byte[][] command(int k) {
            boolean hash = command.equals("HSET");
            byte[][] argv = new byte[2 + (hash ? 2 : 1) * elements][];
            argv[0] = ascii(command);
            argv[1] = ascii(name + ":" + k);
            for (int e = 0; e < elements; e++) {
                if (hash) {
                    argv[2 + 2 * e] = ascii("field:" + e);
                    argv[3 + 2 * e] = ascii("value:" + (e * 7));
                } else {
                    argv[2 + e] = ascii(name.startsWith("intset") ? Integer.toString(e * 3) : "member:" + e);
                }
            }
            return argv;
        }
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 6379;
        List<Workload> workloads = List.of(
                new Workload("hashtable-hash", "HSET", 1000, 1000),
                new Workload("listpack-hash", "HSET", 1000, 100),
                new Workload("intset-set", "SADD", 1000, 100),
                new Workload("hashtable-set", "SADD", 1000, 1000));
        System.out.printf("%-16s %14s %14s %7s%n", "workload", "relog B/elem", "redis B/elem", "ratio");
        for (Workload w : workloads) {
            long elements = (long) w.keys() * w.elements();
            double relog = (double) relogBytes(w) / elements;
            double redis = (double) redisBytes(w, port) / elements;
            System.out.printf("%-16s %14.1f %14.1f %7.2f%n", w.name(), relog, redis, relog / redis);
        }
    }

    private static long relogBytes(Workload w) throws InterruptedException {
        Engine engine = new Engine(1, Clock.SYSTEM, Propagation.DISCARD);
        EngineCommands.registerAll(engine.commands());
        Session session = new Session(1);
        Reply reply = new NullReply();
        long before = liveHeap();
        // The arguments are made inside the measurement: the engine keeps them as its fields and members.
        for (int k = 0; k < w.keys(); k++) {
            engine.execute(session, w.command(k), reply);
        }
        long after = liveHeap();
        if (engine.db(0).size() != w.keys()) {
            throw new IllegalStateException("load failed");
        }
        return after - before;
    }

    private static long liveHeap() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long redisBytes(Workload w, int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            call(out, in, ascii("FLUSHALL"));
            long before = usedMemory(call(out, in, ascii("INFO"), ascii("memory")));
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            for (int k = 0; k < w.keys(); k++) {
                write(batch, w.command(k));
            }
            out.write(batch.toByteArray());
            out.flush();
            for (int k = 0; k < w.keys(); k++) {
                readReply(in);
            }
            long after = usedMemory(call(out, in, ascii("INFO"), ascii("memory")));
            call(out, in, ascii("FLUSHALL"));
            return after - before;
        }
    }

    private static long usedMemory(String info) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()));
            }
        }
        throw new IllegalStateException("no used_memory in INFO");
    }

    private static String call(OutputStream out, InputStream in, byte[]... argv) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        write(b, argv);
        out.write(b.toByteArray());
        out.flush();
        return readReply(in);
    }

    private static void write(ByteArrayOutputStream out, byte[][] argv) {
        out.writeBytes(ascii("*" + argv.length + "\r\n"));
        for (byte[] a : argv) {
            out.writeBytes(ascii("$" + a.length + "\r\n"));
            out.writeBytes(a);
            out.writeBytes(ascii("\r\n"));
        }
    }

    /** Reads one reply of a simple kind (status, error, integer, bulk); returns its text. */
    private static String readReply(InputStream in) throws IOException {
        String line = readLine(in);
        if (line.startsWith("-")) {
            throw new IOException("redis: " + line);
        }
        if (line.startsWith("$")) {
            int n = Integer.parseInt(line.substring(1));
            byte[] body = in.readNBytes(n + 2);
            return new String(body, 0, n, StandardCharsets.ISO_8859_1);
        }
        return line;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Drops every reply: only the stored data is measured. */
    private static final class NullReply implements Reply {
        @Override public int protocol() { return 2; }
        @Override public void ok() { }
        @Override public void simple(String text) { }
        @Override public void error(String text) { throw new IllegalStateException(text); }
        @Override public void integer(long v) { }
        @Override public void bulk(byte[] value) { }
        @Override public void bulk(String value) { }
        @Override public void nullBulk() { }
        @Override public void nullArray() { }
        @Override public void array(int n) { }
        @Override public void map(int n) { }
        @Override public void set(int n) { }
        @Override public void push(int n) { }
        @Override public void doubleValue(double v) { }
        @Override public void bool(boolean v) { }
        @Override public void verbatim(String format, byte[] text) { }
    }
}
