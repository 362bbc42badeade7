package io.relog.frontend.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class InlineArgsTest {

    private static List<String> split(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        List<byte[]> parts = InlineArgs.split(b, 0, b.length);
        return parts == null ? null : parts.stream().map(p -> new String(p, StandardCharsets.ISO_8859_1)).toList();
    }

    @Test
    void splitsLikeSdssplitargs() {
        assertThat(split("  set  key   value ")).containsExactly("set", "key", "value");
        assertThat(split("a \"b c\" 'd e'")).containsExactly("a", "b c", "d e");
        assertThat(split("\"\\x41\\x4a\\n\\t\\\\\\\"\"")).containsExactly("AJ\n\t\\\"");
        assertThat(split("'it\\'s'")).containsExactly("it's");
        assertThat(split("\"\"")).containsExactly("");
        assertThat(split("   ")).isEmpty();
        assertThat(split("\"\\xZZ\"")).containsExactly("xZZ");
    }

    @Test
    void refusesUnbalancedQuotes() {
        assertThat(split("\"abc")).isNull();
        assertThat(split("'abc")).isNull();
        assertThat(split("\"abc\"def")).isNull();
        assertThat(split("'abc'def")).isNull();
    }
}
