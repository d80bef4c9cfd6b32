# Sourced by the scripts that start our JVMs: options every Ledgerstream JVM needs.
# BookKeeper's bookie reads file descriptors and direct buffers by reflection.
LEDGERSTREAM_OPENS=(--add-opens java.base/java.io=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED
                    --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED
                    --add-opens java.base/jdk.internal.misc=ALL-UNNAMED)
# The collector: ZGC, whose pauses stay under a millisecond whatever the heap holds (G1's young pauses reached 20 ms
# and more while producing at full speed on two cores, at the same throughput). A collector named in
# LEDGERSTREAM_JAVA_OPTS, JDK_JAVA_OPTIONS or JAVA_TOOL_OPTIONS (-XX:+UseG1GC, for example) replaces it: the JVM
# refuses to start with two.
LEDGERSTREAM_GC=(-XX:+UseZGC)
for ledgerstream_option in ${LEDGERSTREAM_JAVA_OPTS:-} ${JDK_JAVA_OPTIONS:-} ${JAVA_TOOL_OPTIONS:-}; do
  case "$ledgerstream_option" in
    -XX:+UseSerialGC | -XX:+UseParallelGC | -XX:+UseG1GC | -XX:+UseZGC | -XX:+UseShenandoahGC | -XX:+UseEpsilonGC)
      LEDGERSTREAM_GC=() ;;
  esac
done
