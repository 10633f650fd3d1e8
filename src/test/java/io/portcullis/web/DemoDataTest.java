package io.portcullis.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.portcullis.auth.AuthEndpoint;
import io.portcullis.auth.User;
import io.portcullis.config.ConfigLoader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.direct.DirectValue;
import io.portcullis.store.Stores;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoDataTest {
    private final GatewayConfig demo = new ConfigLoader().loadDemo();

    @Test
    void seedWhenDemoUserExistsThenTheirCartHoldsTheSample() {
        try (Stores stores = Stores.create(demo, Clock.systemUTC())) {
            stores.users()
                    .create(new User("user-7", AuthEndpoint.DEMO_USERNAME, "hash", List.of()))
                    .toCompletableFuture()
                    .join();

            DemoData.seed(demo, stores);

            assertEquals(
                    new DirectValue.Text(DemoData.SAMPLE_CART),
                    stores.direct().get("cart:user-7").toCompletableFuture().join());
        }
    }

    @Test
    void seedWhenNoDemoUserThenNothingStored() {
        try (Stores stores = Stores.create(demo, Clock.systemUTC())) {
            DemoData.seed(demo, stores);

            assertEquals(
                    DirectValue.ABSENT,
                    stores.direct().get("cart:user-7").toCompletableFuture().join());
        }
    }

    @Test
    void demoConfigWhenLoadedThenCartIsADirectJwtRoute() {
        var cart = demo.routes().stream()
                .filter(r -> r.prefix().equals("/api/cart"))
                .findFirst()
                .orElseThrow();

        assertEquals("cart:{sub}", cart.direct().orElseThrow().redisKey().source());
        assertEquals(io.portcullis.config.RouteConfig.AuthMode.JWT, cart.auth());
    }
}
