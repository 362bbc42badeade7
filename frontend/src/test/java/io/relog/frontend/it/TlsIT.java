package io.relog.frontend.it;

import static io.relog.frontend.it.RedisReplicaOfRelogIT.dump;
import static io.relog.frontend.it.RedisReplicaOfRelogIT.info;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.relog.frontend.RelogServer;
import io.relog.frontend.config.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * TLS on {@code tls-port} and on replication links, with certificates made by Debian's openssl:
 * Lettuce and redis-cli verifying the server against the CA, client certificates required,
 * optional and refused, plain text on the TLS port, start errors, CONFIG SET of the files, and
 * replication over TLS between Relog servers and with Debian's redis-server 7.0 both ways.
 */
class TlsIT {

    static Path pki;
    static TestCertificates certs;

    @TempDir
    Path dataDir;
    @TempDir
    Path otherDir;

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = Files.createTempDirectory("relog-tls-");
        certs = TestCertificates.create(pki);
    }

    @AfterAll
    static void deleteCertificates() {
        TempDirs.deleteRecursively(pki);
    }

    private RelogServer relog(Path dir, List<String> extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--bind", "127.0.0.1", "--dir", dir.toString(), "--save", ""));
        args.addAll(extra);
        return RelogServer.start(ServerConfig.fromArgs(args.toArray(String[]::new)));
    }

    /** A TLS-only server ({@code port 0} with a {@code tls-port}), plus {@code extra} directives. */
    private RelogServer tlsOnly(Path dir, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0"));
        args.addAll(certs.serverArgs(RedisServerProcess.freePort()));
        args.addAll(List.of(extra));
        return relog(dir, args);
    }

    private static RedisClient lettuce(int port, boolean clientCert) {
        RedisClient client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(port)
                .withSsl(true).withVerifyPeer(true).withTimeout(Duration.ofSeconds(10)).build());
        SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider().trustManager(certs.file("ca.crt").toFile());
        if (clientCert) {
            ssl.keyManager(certs.file("client.crt").toFile(), certs.file("client.key").toFile(), null);
        }
        client.setOptions(ClientOptions.builder().sslOptions(ssl.build()).build());
        return client;
    }

    /** Runs redis-cli with {@code args}; returns its exit status and output (stdout and stderr). */
    static Object[] redisCli(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-cli"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Object[] {p.waitFor(), out};
    }

    private static String[] cli(int port, boolean clientCert, String... command) {
        List<String> a = new ArrayList<>(List.of("-h", "127.0.0.1", "-p", Integer.toString(port), "--tls",
                "--cacert", certs.file("ca.crt").toString()));
        if (clientCert) {
            a.addAll(List.of("--cert", certs.file("client.crt").toString(), "--key", certs.file("client.key").toString()));
        }
        a.addAll(List.of(command));
        return a.toArray(String[]::new);
    }

    @Test
    void lettuceAndRedisCliTalkTlsWithAClientCertificateAndWithoutOneAreRefused() throws Exception {
        try (RelogServer server = tlsOnly(dataDir)) {
            int port = server.tlsPort();
            assertThat(server.port()).isZero(); // TLS only: no plain listener
            RedisClient client = lettuce(port, true);
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                assertThat(c.sync().set("k", "over tls")).isEqualTo("OK");
                assertThat(c.sync().get("k")).isEqualTo("over tls");
            } finally {
                client.shutdown();
            }
            Object[] ok = redisCli(cli(port, true, "GET", "k"));
            assertThat(ok[1]).isEqualTo("over tls\n");
            assertThat(ok[0]).isEqualTo(0);

            // tls-auth-clients yes (the default): no certificate, no connection.
            Object[] refused = redisCli(cli(port, false, "GET", "k"));
            assertThat((String) refused[1]).doesNotContain("over tls");
            RedisClient anonymous = lettuce(port, false);
            try {
                assertThatThrownBy(anonymous::connect).isInstanceOf(RedisConnectionException.class);
            } finally {
                anonymous.shutdown();
            }
            // A certificate from a CA the server does not trust is refused too.
            Object[] stranger = redisCli("-h", "127.0.0.1", "-p", Integer.toString(port), "--tls", "--cacert",
                    certs.file("ca.crt").toString(), "--cert", certs.file("stranger.crt").toString(), "--key",
                    certs.file("stranger.key").toString(), "GET", "k");
            assertThat((String) stranger[1]).doesNotContain("over tls");

            // optional: no certificate is fine, a bad one still is not.
            assertThat(redisCli(cli(port, true, "CONFIG", "SET", "tls-auth-clients", "optional"))[1]).isEqualTo("OK\n");
            assertThat(redisCli(cli(port, false, "GET", "k"))[1]).isEqualTo("over tls\n");
            stranger = redisCli("-h", "127.0.0.1", "-p", Integer.toString(port), "--tls", "--cacert",
                    certs.file("ca.crt").toString(), "--cert", certs.file("stranger.crt").toString(), "--key",
                    certs.file("stranger.key").toString(), "GET", "k");
            assertThat((String) stranger[1]).doesNotContain("over tls");
            assertThat(redisCli(cli(port, false, "CONFIG", "GET", "tls-auth-clients"))[1])
                    .isEqualTo("tls-auth-clients\noptional\n");
        }
    }

    @Test
    void aPlainClientOnTheTlsPortIsClosedAndOthersGoOn() throws Exception {
        int tlsPort = RedisServerProcess.freePort();
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(RedisServerProcess.freePort())));
        args.addAll(certs.serverArgs(tlsPort));
        try (RelogServer server = relog(dataDir, args);
                Jedis plain = new Jedis("127.0.0.1", server.port())) {
            RedisClient client = lettuce(tlsPort, true);
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                c.sync().set("before", "1");
                for (int i = 0; i < 3; i++) {
                    assertThatThrownBy(() -> {
                        try (Jedis wrong = new Jedis("127.0.0.1", tlsPort, 5000)) {
                            wrong.ping();
                        }
                    }).isInstanceOf(redis.clients.jedis.exceptions.JedisConnectionException.class);
                }
                // Raw text and garbage do not hurt the TLS connection already open, nor the plain port.
                assertThat(c.sync().get("before")).isEqualTo("1");
                assertThat(plain.get("before")).isEqualTo("1");
                assertThat(redisCli(cli(tlsPort, true, "PING"))[1]).isEqualTo("PONG\n");
                // The refused connections are gone (closing is seen asynchronously): Lettuce and Jedis stay.
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> info(plain, "clients").get("connected_clients").equals("2"));
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void badTlsFilesStopTheStartNamingDirectiveFileAndReason() throws Exception {
        Path missing = otherDir.resolve("nope.key");
        assertThatThrownBy(() -> tlsOnly(dataDir, "--tls-key-file", missing.toString()))
                .hasMessageContaining("tls-key-file").hasMessageContaining(missing.toString())
                .hasMessageContaining("No such file");
        Path garbage = Files.writeString(otherDir.resolve("garbage.key"),
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> tlsOnly(dataDir, "--tls-key-file", garbage.toString()))
                .hasMessageContaining("tls-key-file").hasMessageContaining(garbage.toString())
                .hasMessageContaining("private key");
        assertThatThrownBy(() -> tlsOnly(dataDir, "--tls-cert-file", certs.file("server.key").toString()))
                .hasMessageContaining("tls-cert-file").hasMessageContaining("no certificate found");
        // A key that does not belong to the certificate.
        assertThatThrownBy(() -> tlsOnly(dataDir, "--tls-key-file", certs.file("client.key").toString()))
                .hasMessageContaining("tls-key-file").hasMessageContaining("does not match the certificate");
        assertThatThrownBy(() -> relog(dataDir, List.of("--port", "0", "--tls-port",
                Integer.toString(RedisServerProcess.freePort()), "--tls-cert-file", certs.file("server.crt").toString(),
                "--tls-key-file", certs.file("server.key").toString())))
                .hasMessageContaining("Either tls-ca-cert-file or tls-ca-cert-dir must be specified");
        assertThatThrownBy(() -> tlsOnly(dataDir, "--tls-protocols", "SSLv3"))
                .hasMessageContaining("tls-protocols");
    }

    /** What {@code openssl s_client} reports of a handshake with the client certificate and {@code options}. */
    private static String sClient(int port, String options) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", "openssl s_client -connect 127.0.0.1:" + port + " -CAfile "
                + certs.file("ca.crt") + " -cert " + certs.file("client.crt") + " -key " + certs.file("client.key")
                + " " + options + " </dev/null 2>&1").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    @Test
    void protocolsAndCiphersLimitWhatTheHandshakeMayChoose() throws Exception {
        try (RelogServer server = tlsOnly(dataDir, "--tls-protocols", "TLSv1.3",
                "--tls-ciphersuites", "TLS_AES_128_GCM_SHA256")) {
            int port = server.tlsPort();
            assertThat(sClient(port, "")).contains("TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256");
            assertThat(sClient(port, "-ciphersuites TLS_AES_256_GCM_SHA384")).doesNotContain("Cipher is TLS_");
            assertThat(sClient(port, "-tls1_2")).doesNotContain("Cipher is ECDHE");
            // TLS 1.2 with one OpenSSL-named cipher, set at run time.
            assertThat(redisCli(cli(port, true, "CONFIG", "SET", "tls-protocols", "TLSv1.2", "tls-ciphers",
                    "ECDHE-RSA-AES128-GCM-SHA256", "tls-ciphersuites", ""))[1]).isEqualTo("OK\n");
            assertThat(sClient(port, "")).contains("TLSv1.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256");
            assertThat(sClient(port, "-tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384")).doesNotContain("Cipher is ECDHE");
            assertThat(((String) redisCli(cli(port, true, "CONFIG", "SET", "tls-ciphers", "HIGH:!aNULL"))[1])
                    .strip()).endsWith("Unable to update TLS configuration. Check server logs.");
            assertThat(redisCli(cli(port, true, "CONFIG", "GET", "tls-ciphers"))[1])
                    .isEqualTo("tls-ciphers\nECDHE-RSA-AES128-GCM-SHA256\n");
        }
    }

    @Test
    void anEncryptedKeyIsReadWithTlsKeyFilePass() throws Exception {
        String encrypted = certs.file("server-encrypted.key").toString();
        assertThatThrownBy(() -> tlsOnly(dataDir, "--tls-key-file", encrypted, "--tls-key-file-pass", "wrong"))
                .hasMessageContaining("tls-key-file").hasMessageContaining(encrypted)
                .hasMessageContaining("cannot decrypt");
        try (RelogServer server = tlsOnly(dataDir, "--tls-key-file", encrypted, "--tls-key-file-pass", "secret")) {
            assertThat(redisCli(cli(server.tlsPort(), true, "PING"))[1]).isEqualTo("PONG\n");
        }
    }

    @Test
    void configSetOfTheTlsFilesAppliesToNewConnectionsAndRefusesBadOnes() throws Exception {
        try (RelogServer server = tlsOnly(dataDir, "--tls-ca-cert-dir", pki.toString(), "--tls-ca-cert-file", "")) {
            int port = server.tlsPort();
            // An EC key in OpenSSL's SEC1 form, loaded while the server runs.
            assertThat(redisCli(cli(port, true, "CONFIG", "SET", "tls-cert-file",
                    certs.file("server-ec.crt").toString(), "tls-key-file", certs.file("server-ec.key").toString()))[1])
                    .isEqualTo("OK\n");
            Object[] after = redisCli(cli(port, true, "--no-raw", "PING"));
            assertThat(after[1]).isEqualTo("PONG\n");
            // The server now presents the EC certificate: check it with openssl s_client.
            Process p = new ProcessBuilder("bash", "-c", "openssl s_client -connect 127.0.0.1:" + port
                    + " -CAfile " + certs.file("ca.crt") + " -cert " + certs.file("client.crt") + " -key "
                    + certs.file("client.key") + " </dev/null 2>/dev/null | openssl x509 -noout -pubkey"
                    + " | openssl pkey -pubin -noout -text | head -1").redirectErrorStream(true).start();
            String key = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            assertThat(key).contains("256 bit");

            Object[] bad = redisCli(cli(port, true, "CONFIG", "SET", "tls-key-file", "/nonexistent/key.pem"));
            assertThat(((String) bad[1]).strip()).isEqualTo("ERR CONFIG SET failed (possibly related to argument "
                    + "'tls-key-file') - Unable to update TLS configuration. Check server logs.");
            assertThat(redisCli(cli(port, true, "CONFIG", "GET", "tls-key-file"))[1])
                    .isEqualTo("tls-key-file\n" + certs.file("server-ec.key") + "\n");
            assertThat(redisCli(cli(port, true, "PING"))[1]).isEqualTo("PONG\n");
        }
    }

    @Test
    void relogReplicatesFromRelogOverTlsFullSyncAndStream() throws Exception {
        int masterTls = RedisServerProcess.freePort();
        List<String> masterArgs = new ArrayList<>(List.of("--port", Integer.toString(RedisServerProcess.freePort()),
                "--appendonly", "yes", "--repl-diskless-sync-delay", "0"));
        masterArgs.addAll(certs.serverArgs(masterTls));
        try (RelogServer master = relog(dataDir, masterArgs);
                Jedis m = new Jedis("127.0.0.1", master.port())) {
            // More than the channel's high water mark (1 MiB) in the snapshot and in the stream: the
            // copying paths must wait for writability.
            java.util.Random random = new java.util.Random(8);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 20_000; i++) {
                sb.append((char) ('a' + random.nextInt(26)));
            }
            String value = sb.toString();
            for (int i = 0; i < 200; i++) {
                m.set("big:" + i, value);
            }
            RelogReplicaIT.writeEveryType(m, "before");
            // The replica uses only the master's TLS port, which refuses plain text.
            List<String> replicaArgs = new ArrayList<>(List.of("--port", "0", "--appendonly", "yes",
                    "--tls-replication", "yes", "--tls-cert-file", certs.file("server.crt").toString(),
                    "--tls-key-file", certs.file("server.key").toString(), "--tls-ca-cert-file",
                    certs.file("ca.crt").toString(), "--replicaof", "127.0.0.1", Integer.toString(masterTls)));
            try (RelogServer replica = relog(otherDir, replicaArgs);
                    Jedis r = new Jedis("127.0.0.1", replica.port())) {
                RelogReplicaIT.awaitInSync(m, r);
                assertThat(info(m, "stats").get("sync_full")).isEqualTo("1");
                assertThat(dump(r)).isEqualTo(dump(m));
                for (int i = 0; i < 200; i++) {
                    m.set("streamed-big:" + i, value);
                }
                RelogReplicaIT.writeEveryType(m, "streamed");
                RelogReplicaIT.awaitInSync(m, r);
                assertThat(dump(r)).isEqualTo(dump(m));
                long end = Long.parseLong(info(m, "replication").get("master_repl_offset"));
                assertThat(RelogReplicaIT.logRange(otherDir, RelogReplicaIT.logStart(otherDir), end))
                        .isEqualTo(RelogReplicaIT.logRange(dataDir, RelogReplicaIT.logStart(otherDir), end));
            }
        }
    }

    @Test
    void redisServerReplicatesFromRelogOverTls() throws Exception {
        int masterTls = RedisServerProcess.freePort();
        List<String> masterArgs = new ArrayList<>(List.of("--port", Integer.toString(RedisServerProcess.freePort()),
                "--appendonly", "yes", "--repl-diskless-sync-delay", "0"));
        masterArgs.addAll(certs.serverArgs(masterTls));
        try (RelogServer master = relog(dataDir, masterArgs);
                Jedis m = new Jedis("127.0.0.1", master.port())) {
            RelogReplicaIT.writeEveryType(m, "before");
            // redis-server also listens on a plain port, which this test reads the replica through.
            try (RedisServerProcess replica = RedisServerProcess.start(otherDir, List.of(
                    "--tls-port", Integer.toString(RedisServerProcess.freePort()), "--tls-replication", "yes",
                    "--tls-cert-file", certs.file("server.crt").toString(),
                    "--tls-key-file", certs.file("server.key").toString(),
                    "--tls-ca-cert-file", certs.file("ca.crt").toString(),
                    "--replicaof", "127.0.0.1", Integer.toString(masterTls)));
                    Jedis r = new Jedis("127.0.0.1", replica.port())) {
                RelogReplicaIT.awaitInSync(m, r);
                RelogReplicaIT.writeEveryType(m, "streamed");
                RelogReplicaIT.awaitInSync(m, r);
                assertThat(dump(r)).isEqualTo(dump(m));
                assertThat(info(m, "replication").get("slave0")).contains("state=online");
            }
        }
    }

    @Test
    void relogReplicatesFromRedisServerOverTls() throws Exception {
        int redisTls = RedisServerProcess.freePort();
        try (RedisServerProcess master = RedisServerProcess.start(otherDir, List.of(
                "--tls-port", Integer.toString(redisTls),
                "--tls-cert-file", certs.file("server.crt").toString(),
                "--tls-key-file", certs.file("server.key").toString(),
                "--tls-ca-cert-file", certs.file("ca.crt").toString(), "--repl-diskless-sync-delay", "0"));
                Jedis m = new Jedis("127.0.0.1", master.port())) {
            RelogReplicaIT.writeEveryType(m, "before");
            List<String> replicaArgs = new ArrayList<>(List.of("--port", "0", "--appendonly", "yes",
                    "--tls-replication", "yes", "--tls-cert-file", certs.file("server.crt").toString(),
                    "--tls-key-file", certs.file("server.key").toString(), "--tls-ca-cert-file",
                    certs.file("ca.crt").toString(), "--replicaof", "127.0.0.1", Integer.toString(redisTls)));
            try (RelogServer replica = relog(dataDir, replicaArgs);
                    Jedis r = new Jedis("127.0.0.1", replica.port())) {
                RelogReplicaIT.awaitInSync(m, r);
                RelogReplicaIT.writeEveryType(m, "streamed");
                RelogReplicaIT.awaitInSync(m, r);
                assertThat(dump(r)).isEqualTo(dump(m));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> info(m, "replication").get("slave0").contains("state=online"));
            }
        }
    }
}
