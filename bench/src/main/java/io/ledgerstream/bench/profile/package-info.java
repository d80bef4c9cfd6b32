/** Profiling a broker during a benchmark: async-profiler started and stopped around the measured run. */
package io.ledgerstream.bench.profile;
