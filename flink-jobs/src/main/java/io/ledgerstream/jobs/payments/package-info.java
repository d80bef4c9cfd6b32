/**
 * The payments-per-customer processor, its events and their JSON schema.
 */
package io.ledgerstream.jobs.payments;
