package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.concurrent.Futures;
import io.ledgerstream.log.metadata.MetadataConflictException;
import io.ledgerstream.log.metadata.ScramCredentialStore;
import io.ledgerstream.log.metadata.StoredScramCredential;
import io.ledgerstream.log.metadata.UserScramCredentials;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.DuplicateResourceException;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.errors.UnacceptableCredentialException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialDeletion;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialUpsertion;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AlterUserScramCredentialsRequest;
import org.apache.kafka.common.requests.AlterUserScramCredentialsResponse;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;

/**
 * AlterUserScramCredentials, as a ZooKeeper-based Kafka broker serves it (what {@code kafka-configs --entity-type
 * users --alter} sends): each user's alteration is checked, then applied to the user's stored credentials by
 * compare-and-set; users fail or succeed apart.
 * <ol>
 *   <li>An empty user name is UNACCEPTABLE_CREDENTIAL; an unknown mechanism UNSUPPORTED_SASL_MECHANISM; fewer
 *       iterations than the mechanism's minimum (4096), or more than 16384, UNACCEPTABLE_CREDENTIAL; an empty salt
 *       or salted password UNACCEPTABLE_CREDENTIAL.</li>
 *   <li>A user altered twice in one request (two mechanisms, or a deletion and an upsertion) is
 *       DUPLICATE_RESOURCE, as in Kafka, unless its first alteration already failed: then that failure stands.</li>
 *   <li>Deleting a credential the user does not have is RESOURCE_NOT_FOUND.</li>
 *   <li>Otherwise the stored keys are derived from the salted password (RFC 5802: stored key, server key; the
 *       password itself never reaches the broker) and written. Another change of the same user in between makes
 *       it start over from a fresh read.</li>
 * </ol>
 * Every broker's login cache follows the change through its ZooKeeper watch.
 */
public final class AlterUserScramCredentialsHandler implements ApiHandler<AlterUserScramCredentialsRequest> {
    static final int MAX_ITERATIONS = 16_384;
    /** Concurrent changes of one user before the request gives up on it. */
    private static final int ATTEMPTS = 5;

    private final ScramCredentialStore store;

    private final Authorization authorization;

    AlterUserScramCredentialsHandler(ScramCredentialStore store, Authorization authorization) {
        this.authorization = authorization;
        this.store = store;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ALTER_USER_SCRAM_CREDENTIALS;
    }

    @Override
    public short maxVersion() {
        return 0;
    }

    /**
     * A user's one alteration in the request: a mechanism to delete, or an upsertion. A second one for the same user
     * marks it a duplicate, which fails the user as Kafka does.
     */
    private static final class Change {
        private final String deletion;
        private final ScramCredentialUpsertion upsertion;
        private boolean duplicate;

        private Change(String deletion, ScramCredentialUpsertion upsertion) {
            this.deletion = deletion;
            this.upsertion = upsertion;
        }
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context,
                                                      AlterUserScramCredentialsRequest request) {
        AbstractResponse refused = authorization.refuseUnlessCluster(context, request, AclOperation.ALTER);
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        // As Kafka: deletions first, then upsertions, each in the order sent; a user's first failure, or a second
        // alteration of it, settles the user and later alterations of it are not looked at.
        Map<String, ApiException> failed = new LinkedHashMap<>();
        Map<String, Change> changes = new LinkedHashMap<>();
        for (ScramCredentialDeletion deletion : request.data().deletions()) {
            String user = deletion.name();
            if (settled(user, failed, changes)) {
                continue;
            }
            ApiException invalid = invalid(user, deletion.mechanism());
            if (invalid != null) {
                failed.put(user, invalid);
            } else {
                changes.put(user, new Change(ScramMechanism.fromType(deletion.mechanism()).mechanismName(), null));
            }
        }
        for (ScramCredentialUpsertion upsertion : request.data().upsertions()) {
            String user = upsertion.name();
            if (settled(user, failed, changes)) {
                continue;
            }
            ApiException invalid = invalid(upsertion);
            if (invalid != null) {
                failed.put(user, invalid);
            } else {
                changes.put(user, new Change(null, upsertion));
            }
        }
        List<CompletableFuture<Void>> applied = new ArrayList<>();
        Map<String, Throwable> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
        changes.forEach((user, change) -> applied.add(apply(user, change).handle((v, e) -> {
            if (e != null) {
                outcomes.put(user, Futures.unwrap(e));
            }
            return null;
        })));
        return CompletableFuture.allOf(applied.toArray(CompletableFuture[]::new)).thenApply(v -> {
            AlterUserScramCredentialsResponseData response = new AlterUserScramCredentialsResponseData();
            failed.forEach((user, error) -> response.results().add(result(user, error)));
            for (String user : changes.keySet()) {
                response.results().add(result(user, outcomes.get(user)));
            }
            return new AlterUserScramCredentialsResponse(response);
        });
    }

    /** Whether the user is already failed, or already has an alteration (which this one makes a duplicate). */
    private static boolean settled(String user, Map<String, ApiException> failed, Map<String, Change> changes) {
        if (failed.containsKey(user)) {
            return true;
        }
        Change first = changes.get(user);
        if (first != null) {
            first.duplicate = true;
            return true;
        }
        return false;
    }

    private static ApiException duplicate() {
        return new DuplicateResourceException("A user credential cannot be altered twice in the same request");
    }

    private static ApiException invalid(String user, byte mechanismType) {
        if (user.isEmpty()) {
            return new UnacceptableCredentialException("Username must not be empty");
        }
        if (ScramMechanism.fromType(mechanismType) == ScramMechanism.UNKNOWN) {
            return new UnsupportedSaslMechanismException("Unknown SCRAM mechanism");
        }
        return null;
    }

    private static ApiException invalid(ScramCredentialUpsertion upsertion) {
        ApiException invalid = invalid(upsertion.name(), upsertion.mechanism());
        if (invalid != null) {
            return invalid;
        }
        org.apache.kafka.common.security.scram.internals.ScramMechanism mechanism = internal(upsertion.mechanism());
        if (upsertion.iterations() < mechanism.minIterations()) {
            return new UnacceptableCredentialException("Too few iterations");
        }
        if (upsertion.iterations() > MAX_ITERATIONS) {
            return new UnacceptableCredentialException("Too many iterations");
        }
        if (upsertion.salt() == null || upsertion.salt().length == 0) {
            return new UnacceptableCredentialException("The salt must not be empty");
        }
        if (upsertion.saltedPassword() == null || upsertion.saltedPassword().length == 0) {
            return new UnacceptableCredentialException("The salted password must not be empty");
        }
        return null;
    }

    private static org.apache.kafka.common.security.scram.internals.ScramMechanism internal(byte type) {
        return org.apache.kafka.common.security.scram.internals.ScramMechanism.forMechanismName(
                ScramMechanism.fromType(type).mechanismName());
    }

    /** The stored form of an upsertion: RFC 5802's keys derived from the salted password. */
    private static StoredScramCredential stored(ScramCredentialUpsertion upsertion) throws GeneralSecurityException {
        ScramFormatter formatter = new ScramFormatter(internal(upsertion.mechanism()));
        ScramCredential credential = formatter.generateCredential(upsertion.salt(), upsertion.saltedPassword(),
                upsertion.iterations());
        return new StoredScramCredential(credential.salt(), credential.storedKey(), credential.serverKey(),
                credential.iterations());
    }

    /**
     * Applies a user's alteration: a duplicate fails (after a deletion, once the credential is known to exist, as
     * Kafka checks that first); an upsertion's keys are derived, then the user's credentials are read, changed and
     * written back, starting over if the user moved on meanwhile.
     */
    private CompletableFuture<Void> apply(String user, Change change) {
        if (change.duplicate && change.upsertion != null) {
            return CompletableFuture.failedFuture(duplicate());
        }
        StoredScramCredential credential = null;
        if (change.upsertion != null) {
            try {
                credential = stored(change.upsertion);
            } catch (GeneralSecurityException | KafkaException e) {
                return CompletableFuture.failedFuture(new UnacceptableCredentialException("The salted password "
                        + "cannot be used as a " + ScramMechanism.fromType(change.upsertion.mechanism())
                        .mechanismName() + " key: " + e.getMessage()));
            }
        }
        StoredScramCredential upserted = credential;
        return apply(user, stored -> {
            Map<String, StoredScramCredential> next = new HashMap<>(stored.byMechanism());
            if (change.deletion != null) {
                if (next.remove(change.deletion) == null) {
                    throw new ResourceNotFoundException("Attempt to delete a user credential that does not exist");
                }
                if (change.duplicate) {
                    throw duplicate();
                }
            } else {
                next.put(ScramMechanism.fromType(change.upsertion.mechanism()).mechanismName(), upserted);
            }
            return new UserScramCredentials(next);
        }, ATTEMPTS);
    }

    /** Reads the user's credentials, changes them and writes them back; starts over if the user moved on. */
    private CompletableFuture<Void> apply(String user, UnaryOperator<UserScramCredentials> changed,
                                          int attemptsLeft) {
        return store.read(user).thenCompose(stored ->
                        store.write(user, changed.apply(stored.value()), stored.version()))
                .exceptionallyCompose(e -> Futures.unwrap(e) instanceof MetadataConflictException && attemptsLeft > 1
                        ? apply(user, changed, attemptsLeft - 1) : CompletableFuture.failedFuture(Futures.unwrap(e)));
    }

    private static AlterUserScramCredentialsResponseData.AlterUserScramCredentialsResult result(String user,
                                                                                                Throwable error) {
        return new AlterUserScramCredentialsResponseData.AlterUserScramCredentialsResult().setUser(user)
                .setErrorCode(error == null ? Errors.NONE.code() : KafkaErrors.forException(error).code())
                .setErrorMessage(error == null ? null : KafkaErrors.message(error));
    }
}
