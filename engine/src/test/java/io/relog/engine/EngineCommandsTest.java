package io.relog.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.engine.command.CommandFlag;
import io.relog.engine.command.CommandSpec;
import io.relog.engine.command.CommandTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The command table carries Redis 7.0's metadata: every engine command and subcommand matches the
 * {@code COMMAND INFO} / {@code COMMAND DOCS} rows recorded from redis-server 7.0.15
 * ({@code redis-7.0.15-engine-commands.txt}), and has a summary of its own.
 */
class EngineCommandsTest {

    private static Map<String, String> expected() throws IOException {
        Map<String, String> rows = new TreeMap<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                EngineCommandsTest.class.getResourceAsStream("/redis-7.0.15-engine-commands.txt"),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    rows.put(line.substring(0, line.indexOf(' ')), line);
                }
            }
        }
        return rows;
    }

    private static String row(CommandSpec s) {
        String flags = s.flags().isEmpty() ? "-" : s.flags().stream().map(CommandFlag::redisName)
                .sorted().collect(Collectors.joining(","));
        String acl = s.aclCategories().isEmpty() ? "-" : s.aclCategories().stream().sorted()
                .collect(Collectors.joining(","));
        return s.name() + " " + s.arity() + " " + flags + " " + s.firstKey() + " " + s.lastKey() + " " + s.step()
                + " " + acl + " " + s.group() + " " + s.since();
    }

    /** Redis lists flags and categories in its own order; compare them as sets. */
    private static String normalise(String row) {
        String[] f = row.split(" ");
        for (int i : new int[] {2, 6}) {
            if (!f[i].equals("-")) {
                String[] parts = f[i].split(",");
                java.util.Arrays.sort(parts);
                f[i] = String.join(",", parts);
            }
        }
        return String.join(" ", f);
    }

    @Test
    void metadataMatchesRedis() throws IOException {
        CommandTable table = new CommandTable();
        EngineCommands.registerAll(table);
        Map<String, String> actual = new TreeMap<>();
        List<CommandSpec> all = new ArrayList<>();
        for (CommandSpec s : table.all()) {
            all.add(s);
            all.addAll(s.subcommands());
        }
        for (CommandSpec s : all) {
            actual.put(s.name(), row(s));
            assertThat(s.summary()).as(s.name()).isNotBlank();
            assertThat(s.name()).isEqualTo(s.name().toLowerCase(Locale.ROOT));
        }
        Map<String, String> want = new TreeMap<>();
        expected().forEach((k, v) -> want.put(k, normalise(v)));
        assertThat(actual).isEqualTo(want);
    }
}
