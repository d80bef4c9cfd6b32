/**
 * BookKeeper's servers, not its clients: a bookie (BookKeeper's own server classes) run in this process with its
 * journal and ledgers in one folder, started and stopped by the standalone platform, the {@code bookie} command, the
 * benchmarks and the tests. Nothing in the partition log depends on this package; brokers reach bookies only through
 * the BookKeeper client of {@link io.ledgerstream.log.storage.bookkeeper.BookKeeperStorage}.
 */
package io.ledgerstream.log.storage.bookkeeper.bookie;
