package io.portcullis.testsupport;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.function.ThrowingSupplier;

/**
 * Runs one try of a property test under a time limit, so that input which makes the code under test loop
 * or hang fails the property (and is shrunk like any other failure) instead of stalling the build. The
 * limit is generous: it detects hangs, it does not measure speed.
 */
public final class Bounded {
    /** The longest one try may take. */
    public static final Duration PER_TRY = Duration.ofSeconds(5);

    private Bounded() {}

    public static <T> T call(ThrowingSupplier<T> work) {
        return assertTimeoutPreemptively(PER_TRY, work);
    }

    public static void run(Executable work) {
        assertTimeoutPreemptively(PER_TRY, work);
    }
}
