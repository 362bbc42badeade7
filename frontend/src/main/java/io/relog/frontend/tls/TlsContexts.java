package io.relog.frontend.tls;

import io.netty.handler.ssl.CipherSuiteConverter;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.relog.frontend.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * The TLS contexts built from the {@code tls-*} directives: one for the {@code tls-port} listener
 * (server side, client certificates per {@code tls-auth-clients}) and one for this server's own
 * connection to its master under {@code tls-replication yes} (client side, presenting
 * {@code tls-client-cert-file} or else {@code tls-cert-file}).
 *
 * <p>As in Redis: the server certificate and key and a CA ({@code tls-ca-cert-file} or
 * {@code tls-ca-cert-dir}) are required whenever TLS is in use; peers are verified against that CA
 * (chain only: Redis checks no host name, and neither does a Relog replica); {@code CONFIG SET} of
 * a TLS directive builds new contexts, which connections accepted afterwards use, and a failure
 * leaves the old ones in place. JDK provider only (no native library).
 *
 * <p>Thread safety: the contexts are published through volatile fields; {@link #reload} is
 * called at start and on the engine thread.
 */
public final class TlsContexts {

    /** What a configuration problem names: the directive, its file (if any) and the reason. */
    public static final class TlsConfigException extends Exception {
        private static final long serialVersionUID = 1L;

        TlsConfigException(String directive, String file, String reason, Throwable cause) {
            super(directive + (file == null ? "" : " '" + file + "'") + ": " + reason, cause);
        }
    }

    private volatile SslContext server;
    private volatile SslContext client;

    /** The context of the {@code tls-port} listener, or null while TLS is not configured. */
    public SslContext server() {
        return server;
    }

    /** The context a replica connects to its master with, or null while TLS is not configured. */
    public SslContext client() {
        return client;
    }

    /** Whether the configuration asks for TLS at all ({@code tls-port} or {@code tls-replication}). */
    public static boolean wanted(ServerConfig config) {
        return !config.get("tls-port").equals("0") || config.get("tls-replication").equals("yes");
    }

    /**
     * Builds both contexts from {@code config} and publishes them; if TLS is not wanted, drops
     * them. On failure nothing changes.
     *
     * @throws TlsConfigException naming the directive, the file and the reason
     */
    public void reload(ServerConfig config) throws TlsConfigException {
        if (!wanted(config)) {
            server = null;
            client = null;
            return;
        }
        SslContext[] built = build(config);
        server = built[0];
        client = built[1];
    }

    /** {server, client} contexts for {@code config}. */
    static SslContext[] build(ServerConfig config) throws TlsConfigException {
        String certFile = required(config, "tls-cert-file", "No tls-cert-file configured!");
        String keyFile = required(config, "tls-key-file", "No tls-key-file configured!");
        if (config.get("tls-ca-cert-file").isEmpty() && config.get("tls-ca-cert-dir").isEmpty()) {
            throw new TlsConfigException("tls-ca-cert-file", null,
                    "Either tls-ca-cert-file or tls-ca-cert-dir must be specified", null);
        }
        List<X509Certificate> certs = certificates("tls-cert-file", certFile);
        PrivateKey key = key("tls-key-file", keyFile, config.get("tls-key-file-pass"));
        checkPair("tls-key-file", keyFile, key, certs.get(0));
        List<X509Certificate> clientCerts = certs;
        PrivateKey clientKey = key;
        if (!config.get("tls-client-cert-file").isEmpty()) {
            clientCerts = certificates("tls-client-cert-file", config.get("tls-client-cert-file"));
            String clientKeyFile = required(config, "tls-client-key-file",
                    "tls-client-cert-file is set without tls-client-key-file");
            clientKey = key("tls-client-key-file", clientKeyFile, config.get("tls-client-key-file-pass"));
            checkPair("tls-client-key-file", clientKeyFile, clientKey, clientCerts.get(0));
        }
        List<X509Certificate> trusted = new ArrayList<>();
        if (!config.get("tls-ca-cert-file").isEmpty()) {
            trusted.addAll(certificates("tls-ca-cert-file", config.get("tls-ca-cert-file")));
        }
        if (!config.get("tls-ca-cert-dir").isEmpty()) {
            trusted.addAll(caDirectory(config.get("tls-ca-cert-dir")));
        }
        List<String> protocols = protocols(config.get("tls-protocols"));
        List<String> ciphers = ciphers(config.get("tls-ciphers"), config.get("tls-ciphersuites"));
        ClientAuth auth = switch (config.get("tls-auth-clients")) {
            case "no" -> ClientAuth.NONE;
            case "optional" -> ClientAuth.OPTIONAL;
            default -> ClientAuth.REQUIRE;
        };
        try {
            SslContextBuilder s = SslContextBuilder.forServer(key, certs).sslProvider(SslProvider.JDK)
                    .trustManager(trusted).clientAuth(auth).protocols(protocols);
            SslContextBuilder c = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(trusted)
                    .keyManager(clientKey, clientCerts).protocols(protocols).endpointIdentificationAlgorithm(null);
            if (ciphers != null) {
                s.ciphers(ciphers);
                c.ciphers(ciphers);
            }
            return new SslContext[] {s.build(), c.build()};
        } catch (Exception e) {
            throw new TlsConfigException("tls-key-file", keyFile,
                    "the key and certificate cannot make a TLS context: " + reason(e), e);
        }
    }

    /**
     * Refuses a key that is not the certificate's (OpenSSL's {@code SSL_CTX_check_private_key}): it
     * signs a few bytes and the certificate's public key must verify them. The JDK would otherwise
     * find out only at the first handshake.
     */
    private static void checkPair(String directive, String file, PrivateKey key, X509Certificate cert)
            throws TlsConfigException {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        boolean matches;
        try {
            byte[] probe = "relog tls key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.security.Signature sign = java.security.Signature.getInstance(alg);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            java.security.Signature verify = java.security.Signature.getInstance(alg);
            verify.initVerify(cert.getPublicKey());
            verify.update(probe);
            matches = verify.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new TlsConfigException(directive, file, "the private key does not match the certificate ("
                    + cert.getSubjectX500Principal().getName() + ")", null);
        }
    }

    private static String required(ServerConfig config, String directive, String missing) throws TlsConfigException {
        String v = config.get(directive);
        if (v.isEmpty()) {
            throw new TlsConfigException(directive, null, missing, null);
        }
        return v;
    }

    private static List<X509Certificate> certificates(String directive, String file) throws TlsConfigException {
        try {
            return PemFiles.certificates(Path.of(file));
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsConfigException(directive, file, reason(e), e);
        }
    }

    private static PrivateKey key(String directive, String file, String password) throws TlsConfigException {
        try {
            return PemFiles.privateKey(Path.of(file), password);
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsConfigException(directive, file, reason(e), e);
        }
    }

    /** Every certificate in the regular files of {@code dir} (OpenSSL's hashed links included); others skipped. */
    private static List<X509Certificate> caDirectory(String dir) throws TlsConfigException {
        List<X509Certificate> certs = new ArrayList<>();
        try (var files = Files.list(Path.of(dir))) {
            for (Path p : (Iterable<Path>) files.sorted()::iterator) {
                if (!Files.isRegularFile(p)) {
                    continue;
                }
                try {
                    for (X509Certificate c : PemFiles.certificates(p)) {
                        if (!certs.contains(c)) {
                            certs.add(c);
                        }
                    }
                } catch (IOException | GeneralSecurityException notACertificate) {
                    // keys, CRLs and notes may live beside the certificates
                }
            }
        } catch (IOException e) {
            throw new TlsConfigException("tls-ca-cert-dir", dir, reason(e), e);
        }
        if (certs.isEmpty()) {
            throw new TlsConfigException("tls-ca-cert-dir", dir, "no certificate found in the directory", null);
        }
        return certs;
    }

    /** {@code tls-protocols} as Redis spells it ("TLSv1.2 TLSv1.3"); empty: TLSv1.2 and TLSv1.3. */
    static List<String> protocols(String value) throws TlsConfigException {
        if (value.isBlank()) {
            return List.of("TLSv1.2", "TLSv1.3");
        }
        List<String> supported;
        try {
            supported = Arrays.asList(SSLContext.getDefault().getSupportedSSLParameters().getProtocols());
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException("tls-protocols", null, reason(e), e);
        }
        List<String> out = new ArrayList<>();
        for (String p : value.trim().split("\\s+")) {
            String name = p.equalsIgnoreCase("tlsv1") ? "TLSv1" : "TLSv" + p.substring(Math.min(4, p.length()));
            if (!p.regionMatches(true, 0, "TLSv", 0, 4) || !supported.contains(name)) {
                throw new TlsConfigException("tls-protocols", null, "Invalid tls-protocols specified. "
                        + "Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.", null);
            }
            out.add(name);
        }
        return out;
    }

    /**
     * {@code tls-ciphers} (TLS 1.2 and below) and {@code tls-ciphersuites} (TLS 1.3), as
     * colon-separated cipher names — OpenSSL's ({@code ECDHE-RSA-AES128-GCM-SHA256}) or the IANA ones
     * Java uses. OpenSSL's selection keywords ({@code HIGH}, {@code !aNULL}, {@code DEFAULT}) need
     * OpenSSL and are refused. Null when neither is set: the JDK's defaults.
     */
    static List<String> ciphers(String tls12, String tls13) throws TlsConfigException {
        if (tls12.isBlank() && tls13.isBlank()) {
            return null;
        }
        List<String> supported;
        try {
            supported = Arrays.asList(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException("tls-ciphers", null, reason(e), e);
        }
        List<String> out = new ArrayList<>();
        addCiphers(out, "tls-ciphers", tls12, supported, n -> CipherSuiteConverter.toJava(n, "TLS"));
        addCiphers(out, "tls-ciphersuites", tls13, supported, n -> n);
        return out;
    }

    private static void addCiphers(List<String> out, String directive, String value, List<String> supported,
            Function<String, String> fromOpenSsl) throws TlsConfigException {
        if (value.isBlank()) {
            return;
        }
        for (String n : value.trim().split("[:,\\s]+")) {
            String java = supported.contains(n) ? n : fromOpenSsl.apply(n);
            if (java == null || !supported.contains(java)) {
                throw new TlsConfigException(directive, null, "unknown or unsupported cipher '" + n
                        + "' (name ciphers one by one; OpenSSL keywords such as HIGH or !aNULL are not supported)",
                        null);
            }
            out.add(java);
        }
    }

    private static String reason(Throwable e) {
        Throwable t = e;
        String msg = e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied";
        }
        while ((msg == null || msg.isEmpty()) && t.getCause() != null) {
            t = t.getCause();
            msg = t.getMessage();
        }
        return msg == null ? e.getClass().getSimpleName() : msg;
    }
}
