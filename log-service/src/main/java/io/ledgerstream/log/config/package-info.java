/**
 * Typed, validated broker and topic configuration: every key parsed once, with its Kafka name, default and
 * bounds, and a bad value refused with the key and the problem.
 */
package io.ledgerstream.log.config;
