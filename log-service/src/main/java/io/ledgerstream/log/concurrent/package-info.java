/**
 * Small helpers for asynchronous code shared by every package of the broker.
 */
package io.ledgerstream.log.concurrent;
