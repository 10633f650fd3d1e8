package io.portcullis.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An upstream that misbehaves on purpose, written on a raw {@link ServerSocket} so that it can do what no
 * HTTP server library would: it reads the request head and then acts on the last segment of the path.
 * <ul>
 *   <li>{@code ok}: a correct 200 with a small body (the control);
 *   <li>{@code reset}: resets the connection (RST) without answering;
 *   <li>{@code close}: closes the connection (FIN) without answering;
 *   <li>{@code half-close}: shuts down its output (FIN) without answering, but keeps reading;
 *   <li>{@code garbage}: answers bytes that are not HTTP;
 *   <li>{@code huge-header}: a 200 whose head holds one {@value #HUGE_HEADER_BYTES}-byte header;
 *   <li>{@code slow}: silent for {@link #SILENCE_MILLIS}, then a correct 200;
 *   <li>{@code reset-mid-body}: a 200 head announcing {@value #BODY_BYTES} bytes, part of them, then RST;
 *   <li>{@code reset-mid-chunks}: a chunked 200, a few chunks, then RST (no last chunk);
 *   <li>{@code half-close-mid-body}: the same head and part, then FIN;
 *   <li>{@code stall-mid-body}: the same head and part, then silence for {@link #SILENCE_MILLIS}.
 * </ul>
 * Connections are served one thread each (daemon threads); every connection is closed after one exchange.
 */
final class FaultUpstream implements AutoCloseable {
    static final int BODY_BYTES = 1024 * 1024;
    static final int PARTIAL_BODY_BYTES = 64 * 1024;
    static final int HUGE_HEADER_BYTES = 64 * 1024;
    static final long SILENCE_MILLIS = 3_000;
    private static final int MAX_REQUEST_HEAD = 64 * 1024;
    private static final byte[] OK_BODY = "{\"upstream\":\"fault\"}".getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server;
    private final ExecutorService connections = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "fault-upstream");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<String> seenPaths = ConcurrentHashMap.newKeySet();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    FaultUpstream(int port) throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        Thread acceptor = new Thread(this::accept, "fault-upstream-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Whether a request for this raw path arrived (so a failure came from the upstream, not from a stage). */
    boolean saw(String path) {
        return seenPaths.contains(path);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                connections.execute(() -> serve(socket));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            String path = readRequestPath(socket.getInputStream());
            if (path == null) {
                return;
            }
            seenPaths.add(path);
            String fault = path.substring(path.lastIndexOf('/') + 1);
            OutputStream out = socket.getOutputStream();
            switch (fault) {
                case "reset" -> reset(socket);
                case "close" -> {}
                case "half-close" -> {
                    socket.shutdownOutput();
                    drain(socket);
                }
                case "garbage" -> write(out, "THIS IS NOT HTTP\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                case "huge-header" -> {
                    byte[] filler = new byte[HUGE_HEADER_BYTES];
                    Arrays.fill(filler, (byte) 'x');
                    write(
                            out,
                            ("HTTP/1.1 200 OK\r\nContent-Length: " + OK_BODY.length + "\r\nX-Huge: "
                                            + new String(filler, StandardCharsets.US_ASCII)
                                            + "\r\nConnection: close\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                    write(out, OK_BODY);
                }
                case "slow" -> {
                    pause(SILENCE_MILLIS);
                    ok(out);
                }
                case "reset-mid-body" -> {
                    partialBody(out);
                    reset(socket);
                }
                case "reset-mid-chunks" -> {
                    write(
                            out,
                            "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < 4; i++) {
                        write(out, "4000\r\n".getBytes(StandardCharsets.US_ASCII));
                        write(out, new byte[0x4000]);
                        write(out, "\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    pause(200);
                    reset(socket);
                }
                case "half-close-mid-body" -> {
                    partialBody(out);
                    socket.shutdownOutput();
                    drain(socket);
                }
                case "stall-mid-body" -> {
                    partialBody(out);
                    pause(SILENCE_MILLIS);
                }
                default -> ok(out);
            }
        } catch (IOException e) {
            // The gateway gave up on the exchange first (its timeout): nothing to do.
        } finally {
            open.remove(socket);
        }
    }

    private static void ok(OutputStream out) throws IOException {
        write(
                out,
                ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + OK_BODY.length
                                + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        write(out, OK_BODY);
    }

    private static void partialBody(OutputStream out) throws IOException {
        write(
                out,
                ("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + BODY_BYTES
                                + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        write(out, new byte[PARTIAL_BODY_BYTES]);
        // Let the part reach the gateway before the connection breaks.
        pause(200);
    }

    private static void write(OutputStream out, byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** SO_LINGER 0 makes close() send RST instead of FIN. */
    private static void reset(Socket socket) throws SocketException {
        socket.setSoLinger(true, 0);
    }

    /** Reads until the peer closes, at most {@link #SILENCE_MILLIS}. */
    private static void drain(Socket socket) throws IOException {
        socket.setSoTimeout((int) SILENCE_MILLIS);
        try {
            socket.getInputStream().skip(Long.MAX_VALUE);
        } catch (java.net.SocketTimeoutException e) {
            // The gateway kept the connection open: the exchange is over for this test anyway.
        }
    }

    /** The raw path of the request line, once the whole head has arrived; null when the peer closed first. */
    private static String readRequestPath(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int b; (b = in.read()) >= 0; ) {
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == end.length) {
                String requestLine = head.toString(StandardCharsets.ISO_8859_1).split("\r\n", 2)[0];
                String target = requestLine.split(" ")[1];
                int query = target.indexOf('?');
                return query < 0 ? target : target.substring(0, query);
            }
            if (head.size() > MAX_REQUEST_HEAD) {
                throw new IOException("request head over " + MAX_REQUEST_HEAD + " bytes");
            }
        }
        return null;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
        connections.shutdownNow();
    }
}
