package io.portcullis.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class StoreWaitTest {
    private final StoreWait wait = new StoreWait(Duration.ofMillis(100));

    @Test
    void forTimeoutWhenRedisTimeoutThenBoundCoversTwoRoundTripsAndTheMargin() {
        assertEquals(
                Duration.ofMillis(900),
                StoreWait.forTimeout(Duration.ofMillis(200)).limit());
    }

    @Test
    void forTimeoutWhenTimeoutBeyondWhatNanosecondsHoldThenCappedInsteadOfOverflowing() {
        assertEquals(
                StoreWait.LONGEST,
                StoreWait.forTimeout(Duration.ofDays(365L * 1000)).limit());
        assertEquals(
                StoreWait.LONGEST,
                StoreWait.forTimeout(Duration.ofSeconds(Long.MAX_VALUE)).limit());
        assertEquals(StoreWait.LONGEST, new StoreWait(Duration.ofSeconds(Long.MAX_VALUE)).limit());
        assertEquals(
                "v",
                StoreWait.forTimeout(Duration.ofSeconds(Long.MAX_VALUE))
                        .result(CompletableFuture.completedFuture("v")));
    }

    @Test
    void newWhenLimitZeroOrNegativeThenRefused() {
        assertThrows(IllegalArgumentException.class, () -> new StoreWait(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new StoreWait(Duration.ofMillis(-1)));
    }

    @Test
    void resultWhenStoreAnswersThenTheAnswer() {
        assertEquals("v", wait.result(CompletableFuture.completedFuture("v")));
    }

    @Test
    void resultWhenStoreNeverAnswersThenUnavailableAfterTheLimit() {
        long start = System.nanoTime();
        StoreUnavailableException e =
                assertThrows(StoreUnavailableException.class, () -> wait.result(new CompletableFuture<String>()));
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(waitedMillis >= 100, "waited " + waitedMillis + " ms");
        assertTrue(waitedMillis < 5_000, "waited " + waitedMillis + " ms");
        assertTrue(e.getMessage().contains("100 ms"), e.getMessage());
    }

    @Test
    void resultWhenStoreFailsUnavailableThenThatSameException() {
        StoreUnavailableException failure = new StoreUnavailableException("breaker open");
        assertSame(
                failure,
                assertThrows(
                        StoreUnavailableException.class, () -> wait.result(CompletableFuture.failedFuture(failure))));
    }

    @Test
    void resultWhenStoreFailsOtherwiseThenUnavailableWithTheCause() {
        IllegalStateException failure = new IllegalStateException("boom");
        StoreUnavailableException e = assertThrows(
                StoreUnavailableException.class, () -> wait.result(CompletableFuture.failedFuture(failure)));
        assertSame(failure, e.getCause());
    }

    @Test
    void resultWhenCallCancelledThenUnavailable() {
        CompletableFuture<String> call = new CompletableFuture<>();
        call.cancel(false);
        assertThrows(StoreUnavailableException.class, () -> wait.result(call));
    }

    @Test
    void resultWhenInterruptedThenUnavailableAndInterruptFlagRestored() {
        Thread.currentThread().interrupt();
        try {
            assertThrows(StoreUnavailableException.class, () -> wait.result(new CompletableFuture<String>()));
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void orElseWhenFailedTimedOutOrNullThenFallback() {
        assertEquals("f", wait.orElse(CompletableFuture.failedFuture(new IllegalStateException()), "f"));
        assertEquals("f", wait.orElse(new CompletableFuture<>(), "f"));
        assertEquals("f", wait.orElse(CompletableFuture.completedFuture(null), "f"));
        assertEquals("v", wait.orElse(CompletableFuture.completedFuture("v"), "f"));
    }

    @Test
    void orElseWhenInterruptedThenFallbackAndInterruptFlagRestored() {
        Thread.currentThread().interrupt();
        try {
            assertEquals("f", wait.orElse(new CompletableFuture<>(), "f"));
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        assertFalse(Thread.currentThread().isInterrupted());
    }

    /**
     * Files whose {@code join()}s are on futures that are complete already (after {@code allOf}), or that are not
     * a store's (an upstream probe with its own socket timeouts).
     */
    private static final Set<String> JOINS_ON_COMPLETED = Set.of(
            "io/portcullis/chain/StoreWait.java",
            "io/portcullis/store/Futures.java",
            "io/portcullis/store/RedisConnector.java",
            "io/portcullis/web/UpstreamReadiness.java");

    @Test
    void sourcesWhenScannedThenNoUnboundedWaitOnAFutureOutsideStoreWait() throws IOException {
        Path root = Path.of("src/main/java");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String relative = root.relativize(file).toString().replace('\\', '/');
                if (JOINS_ON_COMPLETED.contains(relative)) {
                    continue;
                }
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (line.contains(".join()") || line.contains("toCompletableFuture().get(")) {
                        found.add(relative + ":" + (i + 1) + ": " + line.trim());
                    }
                }
            }
        }
        assertEquals(List.of(), found, "wait on a store through chain.StoreWait");
    }
}
