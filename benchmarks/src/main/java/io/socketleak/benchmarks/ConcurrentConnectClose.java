package io.socketleak.benchmarks;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * {@link ConnectClose} on several threads at once (java.net.Socket): shows whether the agent's
 * per-socket bookkeeping makes application threads contend. The score is the average time of one
 * connection as each thread sees it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class ConcurrentConnectClose {
    /** Each thread walks the server ports from its own starting point. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        @Setup(Level.Trial)
        public void start(ThreadParams thread) {
            next = thread.getThreadIndex();
        }
    }

    @Benchmark
    @Threads(2)
    public void twoThreads(ServerPorts server, Cursor cursor) throws IOException {
        connectWriteClose(server, cursor);
    }

    @Benchmark
    @Threads(8)
    public void eightThreads(ServerPorts server, Cursor cursor) throws IOException {
        connectWriteClose(server, cursor);
    }

    private static void connectWriteClose(ServerPorts server, Cursor cursor) throws IOException {
        cursor.next = (cursor.next + 1) % ServerPorts.COUNT;
        Connections.connectWriteClose(Connections.SOCKET, server.port(cursor.next));
    }
}
