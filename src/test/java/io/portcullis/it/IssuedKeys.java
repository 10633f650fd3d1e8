package io.portcullis.it;

import io.portcullis.apikey.ApiKey;
import io.portcullis.apikey.ApiKeyVerifier;
import io.portcullis.config.ConfigLoader;
import io.portcullis.jwt.RevocationStore;
import io.portcullis.store.Stores;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Issues and revokes API keys straight in the shared Redis, through the gateway's own {@link Stores}, as the
 * auth service would. Each key is fresh and has an owner of its own (a minted key counts in its owner's
 * bucket), so a test that uses one gets its own rate-limit buckets. Register it
 * as a static {@code @RegisterExtension} field of a {@link GatewayIT} class: it connects once the shared
 * Redis runs, and disconnects after the class.
 */
final class IssuedKeys implements BeforeAllCallback, AfterAllCallback {
    static final String OWNER = "it-owner";

    private Stores stores;

    @Override
    public void beforeAll(ExtensionContext context) {
        String yaml = "gateway: { demo: true }\nredis: { uri: \"redis://127.0.0.1:" + GatewayRedis.PORT + "\" }\n";
        this.stores = Stores.create(
                new ConfigLoader()
                        .parse(
                                "issued-keys",
                                new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
                                Path.of(".")),
                Clock.systemUTC());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!stores.health().ready()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the test's store connection to Redis did not come up");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** A key issued now: its id, the secret a client sends, and its owner. */
    record Issued(String id, String secret, String owner) {}

    Issued issue(List<String> scopes) {
        String id = "it-" + UUID.randomUUID().toString().substring(0, 8);
        String secret = "pk_" + UUID.randomUUID().toString().replace("-", "");
        String owner = OWNER + "-" + id;
        stores.apiKeys()
                .create(new ApiKey(id, owner, "it", ApiKeyVerifier.sha256Hex(secret), scopes, Instant.now()))
                .toCompletableFuture()
                .join();
        return new Issued(id, secret, owner);
    }

    /** The revocation store of the same connection, for tests that also revoke tokens as the auth service would. */
    RevocationStore revocations() {
        return stores.revocations();
    }

    boolean revoke(Issued key) {
        return stores.apiKeys()
                .revoke(key.owner(), key.id())
                .toCompletableFuture()
                .join();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stores.close();
    }
}
