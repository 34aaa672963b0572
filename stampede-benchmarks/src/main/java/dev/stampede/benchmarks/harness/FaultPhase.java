package dev.stampede.benchmarks.harness;

/**
 * What every JVM of a variant reported for one fault phase: hot keys read before,
 * while and after the cache server was away.
 * @param kind how the server was taken away
 * @param whole every call and load of the phase
 * @param before the calls that ended before the server went away, and the loads that
 * began meanwhile
 * @param during the calls in progress at some instant while the server was away, and
 * the loads that began meanwhile; the server served no commands then
 * @param after the calls and loads that began once the server was back
 * @param loadAverage the machine's one-minute load average when the phase ended
 */
public record FaultPhase(PhaseKind kind, Phase whole, Phase before, Phase during, Phase after, double loadAverage) {

}
