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
 * One short connection on loopback: connect, write one byte, close first (the server reads to the
 * end, then closes). The agent's hooks at connect and close are on this path.
 *
 * <p>Closing first leaves each connection in TIME_WAIT for 60 s holding its local port, so the
 * connections are spread over several server ports: the 28k ephemeral ports are a budget per
 * destination, and loopback's {@code tcp_tw_reuse=2} recycles them after a second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class ConnectClose {
    static final int SERVER_PORTS = 8;

    @Param({Connections.SOCKET, Connections.SOCKET_CHANNEL})
    public String api;

    private OtherEnd server;
    private InetSocketAddress[] ports;
    private int next;

    @Setup(Level.Trial)
    public void startServer() throws IOException {
        server = OtherEnd.server(SERVER_PORTS, false);
        ports = server.addresses().toArray(new InetSocketAddress[0]);
    }

    @TearDown(Level.Trial)
    public void stopServer() {
        server.close();
    }

    @Benchmark
    public void connectWriteClose() throws IOException {
        next = (next + 1) % ports.length;
        Connections.connectWriteClose(api, ports[next]);
    }
}
