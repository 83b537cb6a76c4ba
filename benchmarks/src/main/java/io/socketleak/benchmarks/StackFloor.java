package io.socketleak.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The least that "a stack for every socket" costs, with no agent at all: the connection of
 * {@link ConnectClose}, plus one {@code new Throwable()} per connection, taken as deep in the stack as
 * the agent takes its own (its hook sits eight frames below the caller of {@code connect}).
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
    /** Frames from the caller of {@code connect} down to where the agent takes its stack. */
    static final int HOOK_DEPTH = 8;

    @Param({Connections.SOCKET, Connections.SOCKET_CHANNEL})
    public String api;

    /** Published, so that the JIT cannot drop the stack; the JVM fills it in natively anyway. */
    public static volatile Throwable lastStack;

    private OtherEnd server;
    private InetSocketAddress[] ports;
    private int next;

    @Setup(Level.Trial)
    public void startServer() throws IOException {
        server = OtherEnd.server(ConnectClose.SERVER_PORTS, false);
        ports = server.addresses().toArray(new InetSocketAddress[0]);
    }

    @TearDown(Level.Trial)
    public void stopServer() {
        server.close();
    }

    @Benchmark
    public void connectWriteCloseWithAStack() throws IOException {
        next = (next + 1) % ports.length;
        lastStack = stackAt(HOOK_DEPTH);
        Connections.connectWriteClose(api, ports[next]);
    }

    private static Throwable stackAt(int depth) {
        return depth <= 1 ? new Throwable() : stackAt(depth - 1);
    }
}
