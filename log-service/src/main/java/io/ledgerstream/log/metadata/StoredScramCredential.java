package io.ledgerstream.log.metadata;

import java.util.Arrays;

/**
 * One SCRAM credential as RFC 5802 has a server keep it: the salt, the stored key (H(HMAC(salted password, "Client
 * Key"))) and the server key (HMAC(salted password, "Server Key")), and the iteration count; never the password.
 * Immutable: the arrays are copied in and out. {@link #toString()} hides everything but the iterations.
 */
public record StoredScramCredential(byte[] salt, byte[] storedKey, byte[] serverKey, int iterations) {

    public StoredScramCredential {
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredScramCredential other && iterations == other.iterations
                && Arrays.equals(salt, other.salt) && Arrays.equals(storedKey, other.storedKey)
                && Arrays.equals(serverKey, other.serverKey);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Arrays.hashCode(salt) + Arrays.hashCode(storedKey)) + Arrays.hashCode(serverKey))
                + iterations;
    }

    @Override
    public String toString() {
        return "StoredScramCredential[iterations=" + iterations + ", salt and keys hidden]";
    }
}
