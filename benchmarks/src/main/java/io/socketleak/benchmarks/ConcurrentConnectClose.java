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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
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
    private OtherEnd server;
    private InetSocketAddress[] ports;

    /** Each thread walks the server ports from its own starting point. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        @Setup(Level.Trial)
        public void start(ThreadParams thread) {
            next = thread.getThreadIndex();
        }
    }

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
    @Threads(2)
    public void twoThreads(Cursor cursor) throws IOException {
        connectWriteClose(cursor);
    }

    @Benchmark
    @Threads(8)
    public void eightThreads(Cursor cursor) throws IOException {
        connectWriteClose(cursor);
    }

    private void connectWriteClose(Cursor cursor) throws IOException {
        cursor.next = (cursor.next + 1) % ports.length;
        Connections.connectWriteClose(Connections.SOCKET, ports[cursor.next]);
    }
}
