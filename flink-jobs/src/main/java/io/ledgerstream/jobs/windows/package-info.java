/**
 * Payments per currency per minute of event time, with late events set aside.
 */
package io.ledgerstream.jobs.windows;
