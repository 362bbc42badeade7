package io.relog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.frontend.RelogServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** The tools' help texts, exit codes and {@code relog dump}'s output. */
class CommandLineTest {

    @TempDir
    Path tmp;

    @Test
    void everyToolHasHelpThatSaysWhatItDoes() {
        ToolRun top = ToolRun.run("--help");
        assertThat(top.exitCode()).isZero();
        assertThat(top.out()).contains("check", "dump", "restore", "export", "import");
        String[][] expected = {
            {"check", "--dir", "--repair", "CRC", "Exit codes", "1   a problem was found"},
            {"dump", "--dir", "--from", "--to", "redis-cli", "Exit codes"},
            {"restore", "--dir", "--to-time", "--to-offset", "--out", "--out-dir", "ISO-8601", "Exit codes"},
            {"export", "--dir", "--format", "--out", "appendonly", "Exit codes"},
            {"import", "--out-dir", "manifest", "dump.rdb", "Exit codes"},
        };
        for (String[] e : expected) {
            ToolRun r = ToolRun.run(e[0], "--help");
            assertThat(r.exitCode()).as(e[0]).isZero();
            assertThat(r.out()).as(e[0]).contains(java.util.Arrays.copyOfRange(e, 1, e.length));
            ToolRun h = ToolRun.run("help", e[0]);
            assertThat(h.exitCode()).as("help " + e[0]).isZero();
            assertThat(h.out()).isEqualTo(r.out());
        }
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(ToolRun.run().exitCode()).isEqualTo(2);
        assertThat(ToolRun.run("no-such-tool").exitCode()).isEqualTo(2);
        ToolRun r = ToolRun.run("restore", "--dir", tmp.toString(), "--out", "x.rdb");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--to-time", "--to-offset");
        r = ToolRun.run("restore", "--dir", tmp.toString(), "--to-offset", "1", "--to-time", "0", "--out", "x.rdb");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(ToolRun.run("restore", "--dir", tmp.toString(), "--to-offset", "1").exitCode()).isEqualTo(2);
        assertThat(ToolRun.run("export", "--dir", tmp.toString(), "--format", "json", "--out", "x").exitCode()).isEqualTo(2);
        assertThat(ToolRun.run("import", "x").exitCode()).isEqualTo(2);
        r = ToolRun.run("restore", "--dir", tmp.toString(), "--to-time", "yesterday", "--out", "x.rdb");
        assertThat(r.exitCode()).as(r.toString()).isIn(1, 2);
        r = ToolRun.run("dump");
        assertThat(r.exitCode()).isEqualTo(2);
    }

    @Test
    void missingInputsFailWithOneLine() {
        ToolRun r = ToolRun.run("restore", "--dir", tmp.resolve("none").toString(), "--to-offset", "0", "--out", "x.rdb");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("none").doesNotContain("Exception", "\tat ");
        r = ToolRun.run("import", tmp.resolve("none.rdb").toString(), "--out-dir", tmp.resolve("o").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        r = ToolRun.run("dump", tmp.resolve("none.rdb").toString());
        assertThat(r.exitCode()).isEqualTo(1);
    }

    @Test
    void dumpPrintsBatchesAndRdbContentsBinarySafe() throws Exception {
        Path data = tmp.resolve("data");
        try (RelogServer server = PointInTimeRestoreTest.startRelog(data, "--save", "");
                Jedis j = new Jedis("127.0.0.1", server.port(), 10_000)) {
            j.set("plain".getBytes(), new byte[] {'a', 0, '\n', (byte) 0xff, '"'});
            var tx = j.multi();
            tx.rpush("list", "x", "y");
            tx.zadd("z", 2.5, "m");
            tx.exec();
            j.select(2);
            j.hset("h", "f", "v");
            j.save();
        }
        ToolRun r = ToolRun.run("dump", "--dir", data.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("batch offset=0 ", " db=-1 ", "flags=transaction", "time=20")
                .contains("\"SET\" \"plain\" \"a\\x00\\n\\xff\\\"\"")
                .contains(" tx \"MULTI\"", " tx \"RPUSH\" \"list\" \"x\" \"y\"", " tx \"EXEC\"")
                .contains("\"SELECT\" \"2\"");
        ToolRun batches = ToolRun.run("dump", "--dir", data.toString(), "--batches-only", "--from", "1", "--to", "60");
        assertThat(batches.out()).contains("batch offset=0 ").doesNotContain("\"SET\"");

        Path rdb;
        try (var s = Files.list(data.resolve("snapshots"))) {
            rdb = s.findFirst().orElseThrow();
        }
        r = ToolRun.run("dump", rdb.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("version 9, 4 keys", "aux repl-offset ", "db 0: 3 keys", "db 2: 1 keys")
                .contains("string \"plain\" \"a\\x00\\n\\xff\\\"\"", "list \"list\" [\"x\", \"y\"]", "zset \"z\" [2.5 \"m\"]",
                        "hash \"h\" {\"f\": \"v\"}");
        Path seg;
        try (var s = Files.list(data.resolve("log"))) {
            seg = s.filter(p -> p.toString().endsWith(".log")).findFirst().orElseThrow();
        }
        assertThat(ToolRun.run("dump", seg.toString()).out()).contains("batch offset=0 ");
    }
}
