package io.relog.frontend.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A throw-away PKI made with Debian's {@code openssl} CLI in a directory: a CA, a server
 * certificate for 127.0.0.1 and localhost, a client certificate, and a certificate from another CA
 * (which the servers must not trust). The keys are in the forms OpenSSL writes: {@code ca.key}
 * PKCS#8, {@code server.key} PKCS#1 RSA ({@code -traditional}, as OpenSSL 1.1's {@code genrsa}),
 * {@code server-ec.key} SEC1 EC, {@code server-encrypted.key} the server key as encrypted PKCS#8
 * (password {@code secret}), {@code client.key} PKCS#8 (what Lettuce reads).
 */
final class TestCertificates {

    final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    static TestCertificates create(Path dir) throws IOException, InterruptedException {
        String script = String.join("\n",
                "set -e",
                "cd '" + dir + "'",
                "openssl genrsa -out ca.key 2048",
                "openssl req -x509 -new -nodes -sha256 -key ca.key -days 3650 -subj '/O=Relog Test/CN=Relog Test CA'"
                        + " -out ca.crt",
                "openssl genrsa -traditional -out server.key 2048",
                "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > server.ext",
                "openssl req -new -sha256 -key server.key -subj '/O=Relog Test/CN=localhost' -out server.csr",
                "openssl x509 -req -sha256 -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365"
                        + " -extfile server.ext -out server.crt",
                "openssl ecparam -name prime256v1 -genkey -noout -out server-ec.key",
                "openssl req -new -sha256 -key server-ec.key -subj '/O=Relog Test/CN=localhost' -out server-ec.csr",
                "openssl x509 -req -sha256 -in server-ec.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365"
                        + " -extfile server.ext -out server-ec.crt",
                "openssl pkcs8 -topk8 -in server.key -passout pass:secret -out server-encrypted.key",
                "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out client.key",
                "openssl req -new -sha256 -key client.key -subj '/O=Relog Test/CN=client' -out client.csr",
                "openssl x509 -req -sha256 -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365"
                        + " -out client.crt",
                "openssl req -x509 -new -nodes -sha256 -newkey rsa:2048 -keyout other-ca.key -days 3650"
                        + " -subj '/O=Elsewhere/CN=Other CA' -out other-ca.crt",
                "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out stranger.key",
                "openssl req -new -sha256 -key stranger.key -subj '/O=Elsewhere/CN=stranger' -out stranger.csr",
                "openssl x509 -req -sha256 -in stranger.csr -CA other-ca.crt -CAkey other-ca.key -CAcreateserial"
                        + " -days 365 -out stranger.crt",
                "");
        Process p = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("openssl failed:\n" + out);
        }
        return new TestCertificates(dir);
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    /** The server-side TLS directives for {@code tls-port} (client certificates required by default). */
    List<String> serverArgs(int tlsPort) {
        return List.of("--tls-port", Integer.toString(tlsPort), "--tls-cert-file", file("server.crt").toString(),
                "--tls-key-file", file("server.key").toString(), "--tls-ca-cert-file", file("ca.crt").toString());
    }
}
