/**
 * The Netty server of the Kafka protocol: framing, one request at a time in order per connection, and closing
 * a connection that sends what cannot be parsed.
 */
package io.ledgerstream.log.network;
