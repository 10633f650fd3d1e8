package io.portcullis.web;

import io.portcullis.auth.AuthEndpoint;
import io.portcullis.auth.User;
import io.portcullis.chain.StoreUnavailableException;
import io.portcullis.chain.StoreWait;
import io.portcullis.chain.TokenClaims;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.KeyTemplate;
import io.portcullis.config.RouteConfig;
import io.portcullis.direct.KeyResolver;
import io.portcullis.store.Stores;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demo mode only: gives the demo user a cart, so that {@code GET /api/cart} answers something on the first
 * try. Every direct route whose key template needs nothing but {@code {sub}} gets the same sample value.
 */
final class DemoData {
    /** The demo user's cart, as an application would store it. */
    static final String SAMPLE_CART = "{\"items\":[{\"sku\":\"tea-earl-grey\",\"qty\":2},"
            + "{\"sku\":\"mug-blue\",\"qty\":1}],\"currency\":\"EUR\",\"total\":23.5}";

    private static final Logger LOG = LoggerFactory.getLogger(DemoData.class);

    private DemoData() {}

    static void seed(GatewayConfig config, Stores stores) {
        StoreWait storeWait = StoreWait.of(config.redis());
        Optional<User> user = await(storeWait, stores.users().findByUsername(AuthEndpoint.DEMO_USERNAME));
        if (user.isEmpty()) {
            return;
        }
        TokenClaims claims = new TokenClaims(Map.of("sub", user.get().id()));
        for (RouteConfig route : config.routes()) {
            route.direct()
                    .map(RouteConfig.DirectConfig::redisKey)
                    .flatMap(template -> key(template, claims))
                    .ifPresent(key -> {
                        await(storeWait, stores.direct().put(key, SAMPLE_CART).thenApply(done -> Optional.of(key)));
                        LOG.warn(
                                "DEMO: {} of user '{}' holds a sample value (route {})",
                                key,
                                AuthEndpoint.DEMO_USERNAME,
                                route.id());
                    });
        }
    }

    private static Optional<String> key(KeyTemplate template, TokenClaims claims) {
        return KeyResolver.resolve(template, claims, Map.of()) instanceof KeyResolver.Resolution.Key key
                ? Optional.of(key.key())
                : Optional.empty();
    }

    private static <T> Optional<T> await(StoreWait storeWait, CompletionStage<Optional<T>> call) {
        try {
            return storeWait.result(call);
        } catch (StoreUnavailableException e) {
            LOG.warn("DEMO: no sample data: {}", e.toString());
            return Optional.empty();
        }
    }
}
