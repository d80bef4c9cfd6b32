/**
 * What connector tests share: connector files run on a MiniCluster as {@code connect run} would (on the jobs' testbed
 * too), files dropped into watched folders, records read back, and a real PostgreSQL server.
 */
package io.ledgerstream.connectors.testing;
