package io.socketleak.it.apps;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * An application run beside other agents: one HTTP request to its own server (for OpenTelemetry to
 * trace) and one socket pair opened and closed (for our exact counts).
 */
public final class WithOtherAgents {
    public static void main(String[] args) throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        http.createContext("/", exchange -> {
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Connection", "close");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        URL url = new URL("http://127.0.0.1:" + http.getAddress().getPort() + "/");
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        connection.setRequestProperty("Connection", "close");
        try (InputStream in = connection.getInputStream()) {
            System.out.println("http " + connection.getResponseCode() + " " + new String(in.readAllBytes(),
                    StandardCharsets.UTF_8));
        }
        connection.disconnect();
        http.stop(0);
        pair();
        System.out.println("main done");
    }

    private static void pair() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            client.getOutputStream().write(1);
            if (accepted.getInputStream().read() != 1) {
                throw new IllegalStateException("lost a byte");
            }
        }
    }
}
