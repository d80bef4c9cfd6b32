/**
 * Orders joined with a customer table kept from change events: updates, deletes, and a bounded wait for a
 * customer not seen yet.
 */
package io.ledgerstream.jobs.enrichment;
