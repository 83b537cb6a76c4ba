package io.socketleak.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler: CPU time of the whole benchmark JVM (every thread, user and system) per operation.
 * Unlike the time per operation, it leaves out waiting for the other end, so it shows what the
 * agent adds, its own thread included, with far less noise on a small machine.
 */
public final class ProcessCpu implements InternalProfiler {
    static final String LABEL = "cpu";
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private long startNanos;

    @Override
    public String getDescription() {
        return "CPU time of the benchmark JVM per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        startNanos = OS.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
                                                       IterationParams iterationParams, IterationResult result) {
        long ops = result.getMetadata().getAllOps();
        double micros = (OS.getProcessCpuTime() - startNanos) / 1000.0;
        return List.of(new ScalarResult(LABEL, ops == 0 ? Double.NaN : micros / ops, "µs/op", AggregationPolicy.AVG));
    }
}
