package io.relog.engine.strings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relog.engine.command.Args;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** INCRBYFLOAT arithmetic against results observed on Redis 7.0.15 (x86-64, 80-bit long double). */
class LongDoubleTest {

    private static String incr(String value, String by) {
        return new String(LongDouble.format(LongDouble.add(
                LongDouble.parse(value.getBytes(StandardCharsets.US_ASCII)),
                LongDouble.parse(by.getBytes(StandardCharsets.US_ASCII)))), StandardCharsets.US_ASCII);
    }

    @Test
    void matchesRedisDigitForDigit() {
        String[][] cases = {
            {"5.76", "3.0e3", "3005.76000000000000001"},
            {"1.1", "2.2", "3.3"},
            {"0.1", "0.2", "0.3"},
            {"1e20", "1", "100000000000000000000"},
            {"10.5", "-0.3", "10.2"},
            {"3", "0.1", "3.1"},
            {"1", "1e-18", "1"},
            {"123456789.123456789", "0.000000001", "123456789.12345678999554366"},
            {"-1.5", "1.5", "0"},
            {"0x10", "0", "16"},
            {"-0x1.8p3", "0.1", "-11.9"},
            {"0x.8", "0", "0.5"},
            {"0X1P-2", "0", "0.25"},
            {"0.3", "0.7", "1"},
            {"1e17", "0.5", "100000000000000000.5"},
            {"1.7976931348623157e308", "1e308", "27976931348623157000235224044135007878929992917961993400398769561769"
                    + "337091883036468401494422104205098734115571036154417168614802927650530713877726232187712988803"
                    + "606500220423903381255059850917413273948049856962004358276054118936586655152256174143531703129"
                    + "4527744011878159793174665688773926186886103199182225408"},
        };
        for (String[] c : cases) {
            assertThat(incr(c[0], c[1])).as("%s + %s", c[0], c[1]).isEqualTo(c[2]);
        }
    }

    @Test
    void hugeValuesNearTheLongDoubleLimit() {
        String big = incr("1e4931", "1e4931");
        assertThat(big).startsWith("200000000000000000001203789877592778264767554850906622954757008270506603897");
        assertThat(big).hasSize(4932);
        assertThatThrownBy(() -> incr("1e4932", "1e4932")).isInstanceOf(LongDouble.NotFinite.class);
    }

    @Test
    void parseRejectsWhatStringToLongDoubleRejects() {
        for (String bad : new String[] {"", " 1", "1 ", "abc", "nan", "0x", "0x1p", "0xg", "1e", "1e5000", "1e-5000",
                "0x1p99999"}) {
            assertThatThrownBy(() -> LongDouble.parse(bad.getBytes(StandardCharsets.US_ASCII)))
                    .as(bad).isInstanceOf(Args.ArgException.class);
        }
        assertThat(LongDouble.parse("inf".getBytes(StandardCharsets.US_ASCII))).isNull();
        assertThat(LongDouble.parse("-Infinity".getBytes(StandardCharsets.US_ASCII))).isNull();
        assertThatThrownBy(() -> incr("inf", "1")).isInstanceOf(LongDouble.NotFinite.class);
    }
}
