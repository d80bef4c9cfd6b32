package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.metadata.ScramCredentialStore;
import io.ledgerstream.log.metadata.UserScramCredentials;
import io.ledgerstream.log.metadata.Versioned;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData.UserName;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.CredentialInfo;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.DescribeUserScramCredentialsResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeUserScramCredentialsRequest;
import org.apache.kafka.common.requests.DescribeUserScramCredentialsResponse;

/**
 * DescribeUserScramCredentials, as a ZooKeeper-based Kafka broker serves it: each user's mechanisms and iteration
 * counts, never a salt or key. No users asked (null or empty) describes every user with credentials, sorted by name;
 * users asked are described once each in the order asked, an empty name or a user without credentials
 * RESOURCE_NOT_FOUND, a name asked twice DUPLICATE_RESOURCE.
 */
public final class DescribeUserScramCredentialsHandler implements ApiHandler<DescribeUserScramCredentialsRequest> {
    private final ScramCredentialStore store;

    private final Authorization authorization;

    DescribeUserScramCredentialsHandler(ScramCredentialStore store, Authorization authorization) {
        this.authorization = authorization;
        this.store = store;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS;
    }

    @Override
    public short maxVersion() {
        return 0;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context,
                                                      DescribeUserScramCredentialsRequest request) {
        AbstractResponse refused = authorization.refuseUnlessCluster(context, request, AclOperation.DESCRIBE);
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        List<UserName> asked = request.data().users();
        CompletableFuture<List<DescribeUserScramCredentialsResult>> results = asked == null || asked.isEmpty()
                ? everyUser() : users(asked.stream().map(UserName::name).toList());
        return results.handle((described, error) -> {
            DescribeUserScramCredentialsResponseData data = new DescribeUserScramCredentialsResponseData();
            if (error != null) {
                data.setErrorCode(KafkaErrors.forException(error).code()).setErrorMessage(KafkaErrors.message(error));
            } else {
                data.setResults(described);
            }
            return new DescribeUserScramCredentialsResponse(data);
        });
    }

    private CompletableFuture<List<DescribeUserScramCredentialsResult>> everyUser() {
        return store.users().thenCompose(users -> {
            Map<String, CompletableFuture<Versioned<UserScramCredentials>>> reads = new TreeMap<>();
            users.forEach(user -> reads.put(user, store.read(user)));
            return CompletableFuture.allOf(reads.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
                List<DescribeUserScramCredentialsResult> results = new ArrayList<>();
                reads.forEach((user, read) -> {
                    UserScramCredentials credentials = read.join().value();
                    if (!credentials.isEmpty()) {
                        results.add(described(user, credentials));
                    }
                });
                return results;
            });
        });
    }

    private CompletableFuture<List<DescribeUserScramCredentialsResult>> users(List<String> asked) {
        Map<String, Integer> times = new LinkedHashMap<>();
        asked.forEach(user -> times.merge(user, 1, Integer::sum));
        Map<String, CompletableFuture<DescribeUserScramCredentialsResult>> results = new LinkedHashMap<>();
        times.forEach((user, count) -> {
            if (user.isEmpty()) {
                results.put(user, CompletableFuture.completedFuture(failed(user, Errors.RESOURCE_NOT_FOUND,
                        "Username must not be empty")));
            } else if (count > 1) {
                results.put(user, CompletableFuture.completedFuture(failed(user, Errors.DUPLICATE_RESOURCE,
                        "Cannot describe SCRAM credentials for the same user twice in a single request: " + user)));
            } else {
                results.put(user, store.read(user).handle((read, error) -> {
                    if (error != null) {
                        return failed(user, KafkaErrors.forException(error), KafkaErrors.message(error));
                    }
                    return read.value().isEmpty() ? failed(user, Errors.RESOURCE_NOT_FOUND,
                            "Attempt to describe a user credential that does not exist: " + user)
                            : described(user, read.value());
                }));
            }
        });
        return CompletableFuture.allOf(results.values().toArray(CompletableFuture[]::new))
                .thenApply(v -> results.values().stream().map(CompletableFuture::join).toList());
    }

    private static DescribeUserScramCredentialsResult described(String user, UserScramCredentials credentials) {
        DescribeUserScramCredentialsResult result = new DescribeUserScramCredentialsResult().setUser(user)
                .setErrorCode(Errors.NONE.code());
        credentials.byMechanism().forEach((mechanism, credential) -> result.credentialInfos().add(new CredentialInfo()
                .setMechanism(ScramMechanism.fromMechanismName(mechanism).type())
                .setIterations(credential.iterations())));
        return result;
    }

    private static DescribeUserScramCredentialsResult failed(String user, Errors error, String message) {
        return new DescribeUserScramCredentialsResult().setUser(user).setErrorCode(error.code())
                .setErrorMessage(message);
    }
}
