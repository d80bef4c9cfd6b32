package io.ledgerstream.log.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority of its own and the key and trust stores it signs, made with the JDK's {@code keytool} in
 * a folder, for TLS tests: EC keys, certificates valid two days, each host certificate naming 127.0.0.1 and
 * localhost so that host names check out. Every store and key has the password {@link #PASSWORD}.
 */
public final class TestCertificates {
    public static final String PASSWORD = "test-store-secret";
    private static final String KEYTOOL = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();

    private final Path dir;
    private final Path caStore;
    private final Path caPem;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.caStore = dir.resolve("ca.p12");
        this.caPem = dir.resolve("ca.pem");
    }

    /** Makes a certificate authority in {@code dir}. */
    public static TestCertificates create(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        TestCertificates certificates = new TestCertificates(dir);
        certificates.keytool("-genkeypair", "-alias", "ca", "-dname", "CN=Ledgerstream Test CA", "-ext", "bc:c",
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", "-keystore", certificates.caStore,
                "-storetype", "PKCS12", "-storepass", PASSWORD);
        certificates.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", certificates.caStore, "-storepass",
                PASSWORD, "-file", certificates.caPem);
        return certificates;
    }

    /** The authority's certificate, PEM-encoded (for librdkafka's {@code ssl.ca.location}). */
    public Path caPem() {
        return caPem;
    }

    /**
     * A key store of {@code type} (PKCS12 or JKS) holding a private key and its certificate for {@code dname},
     * signed by the authority, with the authority's certificate in its chain.
     */
    public Path keyStore(String name, String dname, String type) throws IOException, InterruptedException {
        return keyStore(name, dname, type, PASSWORD);
    }

    /** As {@link #keyStore(String, String, String)}, the private key protected by a password of its own (JKS only). */
    public Path keyStore(String name, String dname, String type, String keyPassword)
            throws IOException, InterruptedException {
        Path store = dir.resolve(name + "." + extension(type));
        Path request = dir.resolve(name + ".csr");
        Path signed = dir.resolve(name + ".pem");
        keytool("-genkeypair", "-alias", name, "-dname", dname, "-keyalg", "EC", "-groupname", "secp256r1",
                "-validity", "2", "-keystore", store, "-storetype", type, "-storepass", PASSWORD, "-keypass",
                keyPassword);
        keytool("-certreq", "-alias", name, "-keystore", store, "-storepass", PASSWORD, "-keypass", keyPassword,
                "-file", request);
        keytool("-gencert", "-alias", "ca", "-keystore", caStore, "-storepass", PASSWORD, "-infile", request,
                "-outfile", signed, "-rfc", "-validity", "2", "-ext", "SAN=ip:127.0.0.1,dns:localhost");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-keystore", store, "-storepass", PASSWORD, "-file",
                caPem);
        keytool("-importcert", "-alias", name, "-keystore", store, "-storepass", PASSWORD, "-keypass", keyPassword,
                "-file", signed);
        return store;
    }

    /** A trust store of {@code type} holding the authority's certificate. */
    public Path trustStore(String type) throws IOException, InterruptedException {
        Path store = dir.resolve("truststore." + extension(type));
        if (!Files.exists(store)) {
            keytool("-importcert", "-noprompt", "-alias", "ca", "-keystore", store, "-storetype", type,
                    "-storepass", PASSWORD, "-file", caPem);
        }
        return store;
    }

    private static String extension(String type) {
        return type.toUpperCase(Locale.ROOT).equals("JKS") ? "jks" : "p12";
    }

    private void keytool(Object... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(KEYTOOL));
        for (Object arg : args) {
            command.add(arg.toString());
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("keytool " + args[0] + " failed: " + output);
        }
    }
}
