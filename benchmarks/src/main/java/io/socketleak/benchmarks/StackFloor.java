package io.socketleak.benchmarks;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The least that "a stack for every socket" costs, with no agent at all: the connection of
 * {@link ConnectClose}, plus one {@code new Throwable()} per connection, taken about as deep in the
 * stack as the agent takes its own (eight frames below the caller of {@code connect}, one frame less
 * here).
 *
 * <p>The suite runs it without an agent only and sets it beside {@link ConnectClose}: their ratio is
 * the overhead of any agent that captures a stack per socket, before it does anything else.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class StackFloor {
    /** Frames from the benchmark method down to the stack taken. */
    static final int HOOK_DEPTH = 8;

    @Param({Connections.SOCKET, Connections.SOCKET_CHANNEL})
    public String api;

    /** Returns the stack, so that JMH consumes it and the JIT cannot drop it (the JVM fills it in natively anyway). */
    @Benchmark
    public Throwable connectWriteCloseWithAStack(ServerPorts server) throws IOException {
        Throwable stack = stackAt(HOOK_DEPTH);
        Connections.connectWriteClose(api, server.next());
        return stack;
    }

    private static Throwable stackAt(int depth) {
        return depth <= 1 ? new Throwable() : stackAt(depth - 1);
    }
}
