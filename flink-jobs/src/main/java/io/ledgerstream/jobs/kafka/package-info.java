/**
 * Sources and sinks on topics, and event (de)serialization that skips bad events instead of failing the job.
 */
package io.ledgerstream.jobs.kafka;
