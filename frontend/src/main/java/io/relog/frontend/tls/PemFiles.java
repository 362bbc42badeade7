package io.relog.frontend.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Reads the PEM files redis.conf's TLS directives name, in the forms OpenSSL writes them: X.509
 * certificates (one or a chain), and private keys as PKCS#8 ({@code BEGIN PRIVATE KEY}),
 * encrypted PKCS#8 ({@code BEGIN ENCRYPTED PRIVATE KEY}, with {@code tls-key-file-pass}), PKCS#1
 * RSA ({@code BEGIN RSA PRIVATE KEY}, OpenSSL 1.1's {@code genrsa}) or SEC1 EC
 * ({@code BEGIN EC PRIVATE KEY}, {@code ecparam -genkey}).
 *
 * <p>Why not hand the files to Netty: without BouncyCastle, Netty's JDK path reads PKCS#8 only, and
 * the PKCS#1 and SEC1 keys that Redis' own test scripts and older OpenSSL versions write would be
 * refused. Those two are re-wrapped here as PKCS#8 (the key bytes unchanged, an algorithm header
 * added), which the JDK's key factories read. Legacy OpenSSL-encrypted PKCS#1/SEC1 keys
 * ({@code Proc-Type: 4,ENCRYPTED}) are refused with a reason: convert them with
 * {@code openssl pkcs8 -topk8}.
 */
public final class PemFiles {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

    private PemFiles() {
    }

    /** Every certificate in {@code file} (PEM, or DER), in file order; at least one. */
    public static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        byte[] bytes = Files.readAllBytes(file);
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<X509Certificate> certs = new ArrayList<>();
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        if (!text.contains("-----BEGIN")) {
            for (var c : cf.generateCertificates(new ByteArrayInputStream(bytes))) {
                certs.add((X509Certificate) c);
            }
        } else {
            Matcher m = BLOCK.matcher(text);
            while (m.find()) {
                if (m.group(1).equals("CERTIFICATE") || m.group(1).equals("TRUSTED CERTIFICATE")) {
                    certs.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(body(m.group(2)))));
                }
            }
        }
        if (certs.isEmpty()) {
            throw new GeneralSecurityException("no certificate found (expected a PEM 'BEGIN CERTIFICATE' block)");
        }
        return certs;
    }

    /**
     * The private key in {@code file}; {@code password} (may be null) decrypts an encrypted PKCS#8
     * key.
     */
    public static PrivateKey privateKey(Path file, String password) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String label = m.group(1);
            if (!label.endsWith("PRIVATE KEY")) {
                continue;
            }
            if (m.group(2).contains("Proc-Type:")) {
                throw new GeneralSecurityException("legacy OpenSSL-encrypted '" + label + "' keys are not supported: "
                        + "convert it with 'openssl pkcs8 -topk8'");
            }
            byte[] der = body(m.group(2));
            switch (label) {
                case "PRIVATE KEY":
                    return pkcs8(der);
                case "RSA PRIVATE KEY":
                    // PrivateKeyInfo { version 0, AlgorithmIdentifier { rsaEncryption, NULL }, OCTET STRING }
                    return pkcs8(sequence(concat(INTEGER_0,
                            sequence(concat(oid(RSA_ENCRYPTION), new byte[] {0x05, 0x00})),
                            tlv(0x04, der))));
                case "EC PRIVATE KEY":
                    return pkcs8(sequence(concat(INTEGER_0,
                            sequence(concat(oid(EC_PUBLIC_KEY), curveOf(der))),
                            tlv(0x04, der))));
                case "ENCRYPTED PRIVATE KEY":
                    return decrypt(der, password);
                default:
                    throw new GeneralSecurityException("unsupported key type '" + label + "'");
            }
        }
        throw new GeneralSecurityException("no private key found (expected a PEM 'BEGIN ... PRIVATE KEY' block)");
    }

    private static PrivateKey decrypt(byte[] der, String password) throws IOException, GeneralSecurityException {
        if (password == null || password.isEmpty()) {
            throw new GeneralSecurityException("the key is encrypted and no password is set (tls-key-file-pass)");
        }
        EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
        // For PBES2 the parameters name the real scheme (e.g. PBEWithHmacSHA256AndAES_256).
        String alg = info.getAlgParameters() != null ? info.getAlgParameters().toString() : info.getAlgName();
        var key = SecretKeyFactory.getInstance(alg).generateSecret(new PBEKeySpec(password.toCharArray()));
        Cipher cipher = Cipher.getInstance(alg);
        cipher.init(Cipher.DECRYPT_MODE, key, info.getAlgParameters());
        PKCS8EncodedKeySpec spec;
        try {
            spec = info.getKeySpec(cipher);
        } catch (GeneralSecurityException e) {
            throw new GeneralSecurityException("cannot decrypt the key (wrong tls-key-file-pass?)", e);
        }
        return pkcs8(spec.getEncoded());
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("not a readable RSA, EC, EdDSA or DSA private key", last);
    }

    // ------------------------------------------------------------------ minimal DER

    private static final byte[] INTEGER_0 = {0x02, 0x01, 0x00};
    private static final byte[] RSA_ENCRYPTION = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
        0x01};
    private static final byte[] EC_PUBLIC_KEY = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    /**
     * The curve OID (whole TLV) of a SEC1 {@code ECPrivateKey ::= SEQUENCE { version, privateKey
     * OCTET STRING, [0] parameters OPTIONAL, [1] publicKey OPTIONAL }}.
     */
    private static byte[] curveOf(byte[] sec1) throws GeneralSecurityException {
        int[] seq = header(sec1, 0, 0x30);
        int p = seq[0];
        int end = p + seq[1];
        while (p < end) {
            int tag = sec1[p] & 0xff;
            int[] h = header(sec1, p, tag);
            if (tag == 0xa0) {
                int[] inner = header(sec1, h[0], 0x06);
                int len = inner[0] + inner[1] - h[0];
                byte[] oid = new byte[len];
                System.arraycopy(sec1, h[0], oid, 0, len);
                return oid;
            }
            p = h[0] + h[1];
        }
        throw new GeneralSecurityException("the EC key does not name its curve");
    }

    /** {start of content, content length} of the TLV at {@code pos}, whose tag must be {@code tag}. */
    private static int[] header(byte[] b, int pos, int tag) throws GeneralSecurityException {
        if (pos + 2 > b.length || (b[pos] & 0xff) != tag) {
            throw new GeneralSecurityException("malformed key (DER)");
        }
        int len = b[pos + 1] & 0xff;
        int p = pos + 2;
        if (len >= 0x80) {
            int n = len & 0x7f;
            if (n > 3 || p + n > b.length) {
                throw new GeneralSecurityException("malformed key (DER length)");
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (b[p++] & 0xff);
            }
        }
        if (p + len > b.length) {
            throw new GeneralSecurityException("malformed key (truncated)");
        }
        return new int[] {p, len};
    }

    private static byte[] oid(byte[] content) {
        return tlv(0x06, content);
    }

    private static byte[] sequence(byte[] content) {
        return tlv(0x30, content);
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] body(String base64WithHeaders) throws GeneralSecurityException {
        StringBuilder b = new StringBuilder();
        for (String line : base64WithHeaders.split("\r?\n")) {
            if (!line.contains(":")) {
                b.append(line.strip());
            }
        }
        try {
            return Base64.getMimeDecoder().decode(b.toString());
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("bad base64 in PEM block");
        }
    }
}
