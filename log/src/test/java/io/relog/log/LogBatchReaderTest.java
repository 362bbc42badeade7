package io.relog.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relog.log.resp.RespCommands;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch reader a change-feed reader is served with: from every command boundary it returns
 * the rest of the stream as batch slices carrying the right time, database and open transaction;
 * inside a command it refuses.
 */
class LogBatchReaderTest {

    @TempDir
    Path dir;

    private long seed;
    private LogFixture f;

    @BeforeEach
    void writeLog() throws Exception {
        seed = System.nanoTime();
        f = new LogFixture(CommandLog.open(dir, new LogOptions(1024, 0, false)), new Random(seed));
        while (f.log.segmentCount() < 4) {
            f.randomBatch(4, 60, 10);
        }
    }

    @AfterEach
    void close() throws Exception {
        f.log.close();
    }

    @Test
    void fromEveryCommandBoundaryTheSlicesAreTheRestOfTheStreamWithItsState() throws Exception {
        byte[] stream = f.streamBytes();
        int db = -1;
        long tx = -1;
        Set<Long> boundaries = new HashSet<>();
        for (LogFixture.Cmd c : f.cmds) {
            boundaries.add(c.offset());
            String at = LogFixture.seedMsg(seed) + " from offset " + c.offset();
            BatchEntry batch = batchHolding(c.offset());
            try (LogBatchReader r = f.log.openBatchReader(c.offset())) {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                LogBatchReader.BatchSlice first = r.next();
                assertThat(first.offset()).as(at).isEqualTo(c.offset());
                assertThat(first.db()).as(at).isEqualTo(batch.offset() == c.offset() ? batch.db() : db);
                assertThat(first.transactionStart()).as(at).isEqualTo(tx);
                assertThat(first.timestampMs()).as(at).isEqualTo(batch.timestampMs());
                assertThat(first.endOffset()).as(at).isEqualTo(batch.endOffset());
                long expectedNext = c.offset();
                for (LogBatchReader.BatchSlice s = first; s != null; s = r.next()) {
                    assertThat(s.offset()).as(at).isEqualTo(expectedNext);
                    if (s != first) {
                        assertThat(s.transactionStart()).as(at).isEqualTo(-1);
                    }
                    ByteBuffer b = ByteBuffer.allocate(s.length());
                    while (b.hasRemaining()) {
                        s.channel().read(b, s.filePosition() + b.position());
                    }
                    got.write(b.array(), 0, s.length());
                    expectedNext = s.endOffset();
                }
                assertThat(expectedNext).as(at).isEqualTo(f.log.endOffset());
                byte[] rest = java.util.Arrays.copyOfRange(stream, (int) c.offset(), stream.length);
                assertThat(got.toByteArray()).as(at).isEqualTo(rest);
            }
            // The state after this command, for the next one.
            byte[][] argv = c.argv();
            if (RespCommands.is(argv[0], "select")) {
                db = Integer.parseInt(new String(argv[1], StandardCharsets.US_ASCII));
            } else if (RespCommands.is(argv[0], "multi")) {
                tx = c.offset();
            } else if (RespCommands.is(argv[0], "exec")) {
                tx = -1;
            }
        }
        // Inside a command: refused, naming the offset.
        for (long o = 0; o < f.log.endOffset(); o += 7) {
            if (boundaries.contains(o)) {
                continue;
            }
            long offset = o;
            try (LogBatchReader r = f.log.openBatchReader(offset)) {
                assertThatThrownBy(r::next).isInstanceOf(LogBatchReader.NotACommandBoundaryException.class)
                        .hasMessageStartingWith("offset " + offset + " is not at a command boundary");
            }
        }
        assertThatThrownBy(() -> f.log.openBatchReader(f.log.endOffset() + 1))
                .isInstanceOf(OffsetOutOfRangeException.class);
        try (LogBatchReader r = f.log.openBatchReader(f.log.endOffset())) {
            assertThat(r.next()).isNull();
        }
    }

    private BatchEntry batchHolding(long offset) {
        for (BatchEntry b : f.batches) {
            if (b.offset() <= offset && offset < b.endOffset()) {
                return b;
            }
        }
        throw new AssertionError("no batch holds " + offset);
    }
}
