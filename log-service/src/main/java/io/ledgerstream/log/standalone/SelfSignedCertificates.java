package io.ledgerstream.log.standalone;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority made on the spot and one host certificate it signs, written as PKCS12 key and trust
 * stores (and the authority's certificate as PEM, for clients that are not Java) by the JDK's own {@code keytool}:
 * what the standalone platform's secure mode serves TLS with. Keys are EC P-256. The authority's private key is
 * used for the one certificate and then deleted, so nothing more can be signed with it. Passwords reach keytool
 * through its environment, never its command line.
 *
 * <p>(BouncyCastle's bcpkix would do the same in-process, but BookKeeper brings bc-fips, whose classes share its
 * package names; the two cannot be on one classpath.)
 *
 * <p>Stateless.
 */
final class SelfSignedCertificates {
    static final int CA_VALIDITY_DAYS = 3650;
    static final int HOST_VALIDITY_DAYS = 825;
    private static final Duration KEYTOOL_TIMEOUT = Duration.ofSeconds(60);
    private static final String PASSWORD_VARIABLE = "LEDGERSTREAM_STORE_PASSWORD";

    private SelfSignedCertificates() {
    }

    /**
     * Makes the authority and a certificate for {@code hosts} (IP addresses or DNS names, all in its subject
     * alternative names), valid as server and as client (brokers connect to each other with it), and writes:
     * {@code keyStore} (alias {@code alias}, with the chain up to the authority), {@code trustStore} (the
     * authority, alias {@code ca}) and {@code caPem}, each store and key protected by {@code password}.
     * <ol>
     *   <li>Generate the authority's key pair and self-signed certificate (a CA: {@code bc:c}) in a scratch
     *       store beside the others; export its certificate as PEM.</li>
     *   <li>Generate the host's key pair in the key store; have the authority sign a request for it with the
     *       subject alternative names and server and client use.</li>
     *   <li>Import the authority, then the signed certificate (which completes the chain), into the key store;
     *       import the authority into the trust store.</li>
     *   <li>Delete the scratch store and the request, whether or not the steps succeeded.</li>
     * </ol>
     *
     * @throws IOException when keytool fails, with its output
     */
    static void write(String name, String alias, List<String> hosts, String password, Path keyStore, Path trustStore,
                      Path caPem) throws IOException, InterruptedException {
        Path dir = keyStore.toAbsolutePath().getParent();
        Path caStore = dir.resolve("ca-scratch.p12");
        Path request = dir.resolve(alias + ".csr");
        Path signed = dir.resolve(alias + ".pem");
        List<String> names = new ArrayList<>();
        for (String host : hosts) {
            names.add((host.matches("[0-9.]+") || host.contains(":") ? "ip:" : "dns:") + host);
        }
        try {
            keytool(password, "-genkeypair", "-alias", "ca", "-dname", "CN=" + name + " CA", "-ext", "bc:c=ca:true,pathlen:0",
                    "-keyalg", "EC", "-groupname", "secp256r1", "-validity", Integer.toString(CA_VALIDITY_DAYS),
                    "-keystore", caStore, "-storetype", "PKCS12", "-storepass:env", PASSWORD_VARIABLE);
            keytool(password, "-exportcert", "-rfc", "-alias", "ca", "-keystore", caStore, "-storepass:env",
                    PASSWORD_VARIABLE, "-file", caPem);
            keytool(password, "-genkeypair", "-alias", alias, "-dname", "CN=" + name, "-keyalg", "EC", "-groupname",
                    "secp256r1", "-validity", Integer.toString(HOST_VALIDITY_DAYS), "-keystore", keyStore,
                    "-storetype", "PKCS12", "-storepass:env", PASSWORD_VARIABLE);
            keytool(password, "-certreq", "-alias", alias, "-keystore", keyStore, "-storepass:env", PASSWORD_VARIABLE,
                    "-file", request);
            keytool(password, "-gencert", "-alias", "ca", "-keystore", caStore, "-storepass:env", PASSWORD_VARIABLE,
                    "-infile", request, "-outfile", signed, "-rfc", "-validity", Integer.toString(HOST_VALIDITY_DAYS),
                    "-ext", "SAN=" + String.join(",", names), "-ext", "EKU=serverAuth,clientAuth",
                    "-ext", "KU=digitalSignature,keyAgreement");
            keytool(password, "-importcert", "-noprompt", "-alias", "ca", "-keystore", keyStore, "-storepass:env",
                    PASSWORD_VARIABLE, "-file", caPem);
            keytool(password, "-importcert", "-alias", alias, "-keystore", keyStore, "-storepass:env",
                    PASSWORD_VARIABLE, "-file", signed);
            keytool(password, "-importcert", "-noprompt", "-alias", "ca", "-keystore", trustStore, "-storetype",
                    "PKCS12", "-storepass:env", PASSWORD_VARIABLE, "-file", caPem);
        } finally {
            Files.deleteIfExists(caStore);
            Files.deleteIfExists(request);
            Files.deleteIfExists(signed);
        }
    }

    private static void keytool(String password, Object... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        for (Object arg : args) {
            command.add(arg.toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put(PASSWORD_VARIABLE, password);
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(KEYTOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("keytool " + args[0] + " did not finish within " + KEYTOOL_TIMEOUT.toSeconds()
                    + " s");
        }
        if (process.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed (exit " + process.exitValue() + "): "
                    + new String(output, StandardCharsets.UTF_8).strip());
        }
    }
}
