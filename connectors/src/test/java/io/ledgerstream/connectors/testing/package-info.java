/** Running connector files on the jobs' testbed (MiniCluster and standalone platform) in integration tests. */
package io.ledgerstream.connectors.testing;
