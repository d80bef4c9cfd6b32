/** Reading connector files: typed, validated keys with one-line errors, and secrets given by reference. */
package io.ledgerstream.connectors.config;
