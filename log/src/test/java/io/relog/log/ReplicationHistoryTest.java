package io.relog.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicationHistoryTest {

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve(ReplicationHistory.FILE_NAME);
    }

    @Test
    void aNewDirectoryGetsARandomIdAtTheGivenOffsetAndReloadsTheSame() throws Exception {
        ReplicationHistory h = ReplicationHistory.load(dir, 500);
        String id = h.current().replid();
        assertThat(id).matches("[0-9a-f]{40}");
        assertThat(h.current().startOffset()).isEqualTo(500);
        assertThat(h.previous()).isNull();
        assertThat(Files.readString(file())).isEqualTo(id + " 500\n");
        assertThat(ReplicationHistory.load(dir, 0).entries()).containsExactly(new ReplicationHistory.Entry(id, 500));
        Path other = Files.createDirectories(dir.resolve("other"));
        assertThat(ReplicationHistory.load(other, 0).current().replid()).isNotEqualTo(id);
        assertThat(dir.resolve(ReplicationHistory.FILE_NAME + ".tmp")).doesNotExist();
    }

    @Test
    void shiftAddsALineAndRangesFollow() throws Exception {
        ReplicationHistory h = ReplicationHistory.load(dir, 0);
        String a = h.current().replid();
        String b = ReplicationHistory.randomReplid();
        String c = ReplicationHistory.randomReplid();
        h.shift(b, 100);
        h.shift(c, 250);
        assertThat(Files.readAllLines(file())).containsExactly(a + " 0", b + " 100", c + " 250");
        assertThat(h.previous()).isEqualTo(new ReplicationHistory.Entry(b, 100));
        assertThat(h.rangeOf(a, 999)).containsExactly(0, 100);
        assertThat(h.rangeOf(b.toUpperCase(), 999)).containsExactly(100, 250);
        assertThat(h.rangeOf(c, 999)).containsExactly(250, 999);
        assertThat(h.rangeOf(ReplicationHistory.randomReplid(), 999)).isNull();
        assertThat(ReplicationHistory.load(dir, 0).entries()).isEqualTo(h.entries());

        // A shift at the current start replaces the ID that owned no bytes.
        String d = ReplicationHistory.randomReplid();
        h.shift(d, 250);
        assertThat(h.entries()).extracting(ReplicationHistory.Entry::replid).containsExactly(a, b, d);
        assertThatThrownBy(() -> h.shift(ReplicationHistory.randomReplid(), 249)).isInstanceOf(IllegalArgumentException.class);

        h.trimBefore(99);
        assertThat(h.entries()).hasSize(3);
        h.trimBefore(100);
        assertThat(h.entries()).extracting(ReplicationHistory.Entry::replid).containsExactly(b, d);
        h.trimBefore(10_000);
        assertThat(h.entries()).extracting(ReplicationHistory.Entry::replid).as("the current ID always stays")
                .containsExactly(d);
        assertThat(Files.readAllLines(file())).containsExactly(d + " 250");

        h.reset(a, 7);
        assertThat(ReplicationHistory.load(dir, 0).entries()).containsExactly(new ReplicationHistory.Entry(a, 7));
    }

    @Test
    void aMalformedLineNamesTheFileAndLine() throws Exception {
        String id = ReplicationHistory.randomReplid();
        String[] bad = {
            id + " x",
            id.substring(1) + " 5",
            id + " -1",
            id + " 5 6",
            id.replace(id.charAt(0), 'g') + " 5",
            id + " 9\n" + id + " 8", // offsets decrease
        };
        for (String b : bad) {
            Files.writeString(file(), "# history\n\n" + id + " 1\n" + b + "\n");
            int line = 4 + (b.contains("\n") ? 1 : 0);
            assertThatThrownBy(() -> ReplicationHistory.load(dir, 0)).as(b).isInstanceOf(IOException.class)
                    .hasMessageContaining(file().toString()).hasMessageContaining("line " + line);
        }
    }

    @Test
    void replidsAreFortyHexDigits() {
        assertThat(ReplicationHistory.isReplid("0123456789abcdefABCDEF0123456789abcdef01")).isTrue();
        assertThat(ReplicationHistory.isReplid("0123456789abcdef0123456789abcdef0123456")).isFalse();
        assertThat(ReplicationHistory.isReplid("0123456789abcdef0123456789abcdef0123456z")).isFalse();
        assertThat(ReplicationHistory.randomReplid()).isNotEqualTo(ReplicationHistory.randomReplid());
    }
}
