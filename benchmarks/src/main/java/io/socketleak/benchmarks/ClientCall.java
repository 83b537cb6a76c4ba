package io.socketleak.benchmarks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
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
 * One HTTP request on a new connection through a client that connects on threads of its own: OkHttp 5
 * on its TaskRunner, the JDK's HttpClient on its executor and selector. The agent's hand-off hooks,
 * and the resolving of a stack carried across threads, are on this path. The server, the JDK's
 * HttpServer in this JVM, closes each connection after its response.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class ClientCall {
    static final String OKHTTP = "OkHttp";
    static final String HTTP_CLIENT = "HttpClient";

    @Param({OKHTTP, HTTP_CLIENT})
    public String client;

    private HttpServer server;
    private OkHttpClient okHttp;
    private Request okHttpRequest;
    private HttpClient httpClient;
    private HttpRequest httpRequest;

    @Setup(Level.Trial)
    public void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1000);
        byte[] body = {'o', 'k'};
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Connection", "close");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        okHttp = new OkHttpClient();
        okHttpRequest = new Request.Builder().url(uri.toString()).build();
        httpClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        httpRequest = HttpRequest.newBuilder(uri).build();
    }

    @TearDown(Level.Trial)
    public void stop() {
        server.stop(0);
        okHttp.dispatcher().executorService().shutdown();
        okHttp.connectionPool().evictAll();
    }

    @Benchmark
    public int call() throws IOException, InterruptedException {
        if (OKHTTP.equals(client)) {
            try (Response response = okHttp.newCall(okHttpRequest).execute()) {
                return response.body().bytes().length;
            }
        }
        return httpClient.send(httpRequest, HttpResponse.BodyHandlers.ofByteArray()).body().length;
    }
}
