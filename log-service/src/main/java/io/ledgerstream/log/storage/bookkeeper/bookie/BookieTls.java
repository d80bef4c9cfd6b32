package io.ledgerstream.log.storage.bookkeeper.bookie;

import io.ledgerstream.log.config.BookKeeperTls;
import java.util.List;

/**
 * A bookie's TLS: its certificate and trust store, and the client roles it accepts. Immutable.
 *
 * <p>BookKeeper upgrades a connection to TLS only when the client asks. With no roles, a bookie serves TLS to the
 * clients that ask and plaintext to the others. With roles, it asks every client for a certificate and serves only
 * clients whose certificate names one of them in its OU, as {@code OU=0:role} (BookKeeper's
 * {@code BookieAuthZFactory}); a plaintext client is refused every read and write.
 *
 * @param material        key store (required) and trust store (required with roles: client certificates are checked
 *                        against it)
 * @param authorizedRoles the roles served; empty to serve every client
 */
public record BookieTls(BookKeeperTls material, List<String> authorizedRoles) {
    public BookieTls {
        authorizedRoles = List.copyOf(authorizedRoles);
        if (material.keyStore().isEmpty()) {
            throw new IllegalArgumentException("A bookie's TLS needs a key store holding its certificate");
        }
        if (!authorizedRoles.isEmpty() && material.trustStore().isEmpty()) {
            throw new IllegalArgumentException("A bookie that authorizes roles needs a trust store to check the "
                    + "clients' certificates against");
        }
        for (String role : authorizedRoles) {
            if (role.isBlank() || role.contains(",") || role.contains(";")) {
                throw new IllegalArgumentException("Not a role name: '" + role + "'");
            }
        }
    }
}
