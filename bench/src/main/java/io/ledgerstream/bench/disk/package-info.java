/**
 * Benchmarks of the disk under the bookies: what an fsync of a journal write costs, depending on how its file was
 * allocated.
 */
package io.ledgerstream.bench.disk;
