/**
 * Kafka requests to handlers and back: the handler registry, request contexts, and failures mapped to wire error
 * codes in one place.
 */
package io.ledgerstream.log.protocol;
