/**
 * The quota-isolation benchmark: a producer without a quota, alone and then beside one flooding at full speed, with
 * and without a produce quota on the flooder.
 */
package io.ledgerstream.bench.quota;
