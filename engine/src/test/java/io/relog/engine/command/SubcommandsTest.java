package io.relog.engine.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.engine.Engine;
import io.relog.engine.RecordingReply;
import io.relog.engine.Session;
import io.relog.engine.propagation.Propagation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubcommandsTest {

    private final Engine engine = new Engine(1, () -> 0L, Propagation.DISCARD);
    private final Session session = new Session(1);

    SubcommandsTest() {
        List<CommandSpec> subs = List.of(
                CommandSpec.of("demo|echo", 3, "fast", 0, 0, 0, "fast", "server", "7.0.0", "Echoes.",
                        (e, s, argv, r) -> r.bulk(argv[2])),
                CommandSpec.of("demo|many", -3, "fast", 0, 0, 0, "fast", "server", "7.0.0", "Counts.",
                        (e, s, argv, r) -> r.integer(argv.length - 2)),
                CommandSpec.of("demo|help", 2, "loading stale", 0, 0, 0, "slow", "server", "7.0.0", "Helps.",
                        (e, s, argv, r) -> Subcommands.help(r, "demo", "ECHO <text>", "    Echoes <text>.")));
        engine.commands().register(CommandSpec.withSubcommands("demo", -2, "", 0, 0, 0, "slow", "server", "7.0.0",
                "A container.", subs, Subcommands.handler("demo", subs)));
    }

    private String run(String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        RecordingReply r = new RecordingReply();
        engine.execute(session, argv, r);
        return r.text();
    }

    @Test
    void dispatchesCaseInsensitivelyWithTheWholeArgv() {
        assertThat(run("DEMO", "Echo", "hi")).isEqualTo("$2\r\nhi\r\n");
        assertThat(run("demo", "MANY", "a", "b", "c")).isEqualTo(":3\r\n");
    }

    @Test
    void errorsAsRedis() {
        assertThat(run("demo")).isEqualTo("-ERR wrong number of arguments for 'demo' command\r\n");
        assertThat(run("demo", "nope")).isEqualTo("-ERR unknown subcommand 'nope'. Try DEMO HELP.\r\n");
        assertThat(run("demo", "echo")).isEqualTo("-ERR wrong number of arguments for 'demo|echo' command\r\n");
        assertThat(run("demo", "echo", "a", "b")).isEqualTo("-ERR wrong number of arguments for 'demo|echo' command\r\n");
        assertThat(run("demo", "many")).isEqualTo("-ERR wrong number of arguments for 'demo|many' command\r\n");
        String longName = "x".repeat(200);
        assertThat(run("demo", longName)).isEqualTo("-ERR unknown subcommand '" + "x".repeat(128) + "'. Try DEMO HELP.\r\n");
    }

    @Test
    void helpFormat() {
        assertThat(run("demo", "help")).isEqualTo("*5\r\n"
                + "+DEMO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
                + "+ECHO <text>\r\n+    Echoes <text>.\r\n+HELP\r\n+    Prints this help.\r\n");
    }

    @Test
    void lookupFindsSubcommandSpecs() {
        CommandSpec demo = engine.commands().lookup("demo");
        assertThat(Subcommands.lookup(demo, "ECHO".getBytes(StandardCharsets.UTF_8)).name()).isEqualTo("demo|echo");
        assertThat(Subcommands.lookup(demo, "x".getBytes(StandardCharsets.UTF_8))).isNull();
    }
}
