package io.portcullis.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.portcullis.testsupport.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpstreamPoolTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final UpstreamPool pool = new UpstreamPool(
            "orders", List.of(URI.create("http://a:1"), URI.create("http://b:1"), URI.create("http://c:1")), clock);

    private List<Integer> choose(int times) {
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            chosen.add(pool.choose());
        }
        return chosen;
    }

    @Test
    void chooseWhenAllHealthyThenRoundRobin() {
        assertEquals(List.of(0, 1, 2, 0, 1, 2), choose(6));
    }

    @Test
    void chooseWhenTargetRefusedThenSkippedDuringBackOff() {
        pool.onConnectFailure(1);

        assertEquals(List.of(0, 2, 2, 0, 2, 2), choose(6));
    }

    @Test
    void chooseWhenBackOffOverThenTargetTriedAgain() {
        pool.onConnectFailure(1);
        clock.advance(UpstreamPool.FIRST_BACKOFF);

        assertEquals(List.of(0, 1, 2), choose(3));
    }

    @Test
    void onConnectFailureWhenRepeatedThenBackOffDoublesUpToTheMaximum() {
        pool.onConnectFailure(1);
        pool.onConnectFailure(1);
        clock.advance(UpstreamPool.FIRST_BACKOFF);
        assertEquals(List.of(0, 2, 2), choose(3), "second failure backs off twice as long");

        clock.advance(UpstreamPool.FIRST_BACKOFF);
        assertEquals(List.of(0, 1, 2), choose(3));

        for (int i = 0; i < 20; i++) {
            pool.onConnectFailure(1);
        }
        clock.advance(UpstreamPool.MAX_BACKOFF.minusMillis(1));
        assertEquals(List.of(0, 2, 2), choose(3));
        clock.advance(Duration.ofMillis(1));
        assertEquals(List.of(0, 1, 2), choose(3));
    }

    @Test
    void onSuccessWhenTargetWasBackingOffThenHealthyAtOnce() {
        pool.onConnectFailure(1);

        pool.onSuccess(1);

        assertEquals(List.of(0, 1, 2), choose(3));
    }

    @Test
    void chooseWhenEveryTargetBackingOffThenRotationContinues() {
        pool.onConnectFailure(0);
        pool.onConnectFailure(1);
        pool.onConnectFailure(2);

        assertEquals(List.of(0, 1, 2, 0), choose(4));
    }

    @Test
    void chooseWhenSingleTargetThenAlwaysIt() {
        UpstreamPool single = new UpstreamPool("one", List.of(URI.create("http://a:1")), clock);
        single.onConnectFailure(0);

        assertEquals(0, single.choose());
        assertEquals(URI.create("http://a:1"), single.target(0));
    }

    @Test
    void constructorWhenNoTargetsThenRejected() {
        assertThrows(IllegalArgumentException.class, () -> new UpstreamPool("none", List.of(), clock));
    }
}
