/**
 * Fetch sessions (KIP-227): the partitions a consumer fetches, remembered between its fetch requests so that each
 * request and response carries only what changed, in a bounded cache of sessions.
 */
package io.ledgerstream.log.fetch;
