package io.ledgerstream.log.config;

import org.apache.kafka.common.config.types.Password;

/**
 * How this broker logs in to the others over a SASL inter-broker listener, as Kafka does: the mechanism of
 * {@code sasl.mechanism.inter.broker.protocol}, with the {@code username} and {@code password} options of that
 * listener's JAAS entry for it. Immutable; the password shows as {@code [hidden]}.
 */
public record InterBrokerLogin(String mechanism, String username, Password password) {
}
