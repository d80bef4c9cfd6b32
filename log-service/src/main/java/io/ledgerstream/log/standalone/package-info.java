/**
 * ZooKeeper, bookies and a broker in one process, for one machine and for tests.
 */
package io.ledgerstream.log.standalone;
