package io.relog.frontend.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys in every form Debian's openssl 3 writes them read as the same key. */
class PemFilesTest {

    @TempDir
    Path dir;

    private void openssl(String script) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", "set -e; cd '" + dir + "'; " + script)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    private PrivateKey read(String file, String password) throws Exception {
        return PemFiles.privateKey(dir.resolve(file), password);
    }

    @Test
    void rsaKeyAsPkcs1Pkcs8AndEncryptedPkcs8() throws Exception {
        openssl("openssl genrsa -traditional -out pkcs1.key 2048;"
                + " openssl pkcs8 -topk8 -nocrypt -in pkcs1.key -out pkcs8.key;"
                + " openssl pkcs8 -topk8 -in pkcs1.key -passout pass:s3cret -out enc.key;"
                + " openssl rsa -in pkcs1.key -traditional -aes256 -passout pass:s3cret -out legacy.key");
        assertThat(Files.readString(dir.resolve("pkcs1.key"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        RSAPrivateCrtKey pkcs1 = (RSAPrivateCrtKey) read("pkcs1.key", null);
        RSAPrivateCrtKey pkcs8 = (RSAPrivateCrtKey) read("pkcs8.key", null);
        RSAPrivateCrtKey enc = (RSAPrivateCrtKey) read("enc.key", "s3cret");
        assertThat(pkcs1.getModulus()).isEqualTo(pkcs8.getModulus()).isEqualTo(enc.getModulus());
        assertThat(pkcs1.getPrivateExponent()).isEqualTo(pkcs8.getPrivateExponent())
                .isEqualTo(enc.getPrivateExponent());
        assertThatThrownBy(() -> read("enc.key", "wrong")).isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining("cannot decrypt");
        assertThatThrownBy(() -> read("enc.key", "")).hasMessageContaining("tls-key-file-pass");
        assertThatThrownBy(() -> read("legacy.key", "s3cret")).hasMessageContaining("openssl pkcs8 -topk8");
    }

    @Test
    void ecKeyAsSec1WithParametersBlockAndPkcs8() throws Exception {
        openssl("openssl ecparam -name secp384r1 -genkey -out sec1.key;"
                + " openssl pkcs8 -topk8 -nocrypt -in sec1.key -out pkcs8.key");
        assertThat(Files.readString(dir.resolve("sec1.key"))).startsWith("-----BEGIN EC PARAMETERS-----");
        ECPrivateKey sec1 = (ECPrivateKey) read("sec1.key", null);
        ECPrivateKey pkcs8 = (ECPrivateKey) read("pkcs8.key", null);
        assertThat(sec1.getS()).isEqualTo(pkcs8.getS());
        assertThat(sec1.getParams().getCurve()).isEqualTo(pkcs8.getParams().getCurve());
    }

    @Test
    void ed25519AndNonKeys() throws Exception {
        openssl("openssl genpkey -algorithm ed25519 -out ed.key; echo hello > text.key");
        assertThat(read("ed.key", null).getAlgorithm()).isIn("Ed25519", "EdDSA");
        assertThatThrownBy(() -> read("text.key", null)).hasMessageContaining("no private key found");
        assertThatThrownBy(() -> PemFiles.certificates(dir.resolve("ed.key")))
                .hasMessageContaining("no certificate found");
    }
}
