/**
 * The field rules of our JSON events, checked once for every job.
 */
package io.ledgerstream.jobs.json;
