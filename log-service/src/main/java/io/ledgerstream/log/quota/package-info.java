/**
 * Client quotas as Kafka enforces them: produce and fetch byte rates and a share of request time per user and/or
 * client id, each measured as a rate over sampled windows, with the throttle time that brings a client over its quota
 * back within it.
 */
package io.ledgerstream.log.quota;
