/**
 * Benchmark mains, run by the scripts in {@code bench/}: the log's appends, validation, groups, transactions, the
 * jobs and the projections, each against its peer in the same run.
 */
package io.ledgerstream.bench;
