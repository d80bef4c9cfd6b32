/**
 * The {@code http} sink: records POSTed as JSON (one object, or an array per batch) with {@link
 * java.net.http.HttpClient}, retried with a doubling backoff on connection errors, 408, 429 and 5xx; what the
 * endpoint refuses goes to the dead-letter topic. Pending records are sent before every checkpoint: at least once.
 */
package io.ledgerstream.connectors.http;
