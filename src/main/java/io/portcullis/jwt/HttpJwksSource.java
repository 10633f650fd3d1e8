package io.portcullis.jwt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches JWK Sets over HTTP(S) with {@code java.net.http}: one total deadline ({@link #DEADLINE}) for
 * connecting, the response headers and the whole body, no redirects, at most {@link #MAX_DOCUMENT_BYTES}
 * read. A provider that answers slowly, byte by byte, is given up at the deadline like one that does not
 * answer. Thread-safe; one client serves every trusted issuer.
 */
public final class HttpJwksSource implements JwksSource {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** Connect, headers and body together. */
    public static final Duration DEADLINE = Duration.ofSeconds(5);

    public static final int MAX_DOCUMENT_BYTES = 256 * 1024;

    private final Duration deadline;
    private final HttpClient client;

    public HttpJwksSource() {
        this(DEADLINE);
    }

    HttpJwksSource(Duration deadline) {
        this.deadline = deadline;
        this.client = HttpClient.newBuilder()
                .connectTimeout(deadline.compareTo(CONNECT_TIMEOUT) < 0 ? deadline : CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String fetch(URI jwksUri) throws IOException {
        long end = System.nanoTime() + deadline.toNanos();
        HttpRequest request = HttpRequest.newBuilder(jwksUri)
                .timeout(deadline)
                .header("Accept", "application/jwk-set+json, application/json")
                .GET()
                .build();
        CompletableFuture<HttpResponse<byte[]>> answer = client.sendAsync(request, info -> new Bounded());
        HttpResponse<byte[]> response;
        try {
            // From the start of this call: setting the exchange up counts too.
            response = answer.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new IOException(jwksUri + " did not answer completely within " + deadline.toMillis() + " ms");
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + jwksUri, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io
                    ? io
                    : new IOException(jwksUri + ": " + e.getCause(), e.getCause());
        }
        if (response.statusCode() != 200) {
            throw new IOException(jwksUri + " answered " + response.statusCode());
        }
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    /** Collects the body and cancels it once it grows past {@link #MAX_DOCUMENT_BYTES}. */
    private static final class Bounded implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + buffer.remaining() > MAX_DOCUMENT_BYTES) {
                    subscription.cancel();
                    body.completeExceptionally(new IOException("answered more than " + MAX_DOCUMENT_BYTES + " bytes"));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable failure) {
            body.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }
    }
}
