# Sourced by the scripts that start our JVMs: options every Ledgerstream JVM needs.
# BookKeeper's bookie reads file descriptors and direct buffers by reflection.
LEDGERSTREAM_OPENS=(--add-opens java.base/java.io=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED
                    --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED
                    --add-opens java.base/jdk.internal.misc=ALL-UNNAMED)
# The collector: ZGC, whose pauses stay under a millisecond whatever the heap holds (G1's young pauses reached 20 ms
# and more while producing at full speed on two cores, at the same throughput). LEDGERSTREAM_JAVA_OPTS naming a
# collector (-XX:+UseG1GC, for example) replaces it.
LEDGERSTREAM_GC=(-XX:+UseZGC)
for ledgerstream_option in ${LEDGERSTREAM_JAVA_OPTS:-}; do
  case "$ledgerstream_option" in -XX:+Use*GC) LEDGERSTREAM_GC=() ;; esac
done
