package io.portcullis.direct;

import java.util.concurrent.CompletionStage;

/**
 * The application data direct routes read and write, by the exact key (no gateway prefix: the data belongs
 * to the application). Calls complete exceptionally when the store cannot answer (Redis unreachable, timed
 * out, circuit open); the caller answers 503. Implementations are thread-safe.
 */
public interface DirectStore {

    /** The key's value, typed. */
    CompletionStage<DirectValue> get(String key);

    /** Stores {@code value} as a string, replacing whatever the key held (of any type), without a TTL. */
    CompletionStage<Void> put(String key, String value);

    /** Deletes the key; true when it existed. */
    CompletionStage<Boolean> delete(String key);
}
